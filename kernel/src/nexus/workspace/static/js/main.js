// Sign-in, the navigation (enabled plugins ∩ permissions, live), routing and preferences.

import { session, signIn, stream } from "./api.js";
import { boardView } from "./board.js";
import { editorView, leaveEditor } from "./editor.js";
import { calendarView } from "./calendar.js";
import { feedView, followFeed, stopFeed } from "./feed.js";
import { homeView, searchView } from "./home.js";
import { labelOf, loadMessages, setLanguage, t, lang } from "./i18n.js";
import { allResources, filtersOf, loadSchema, myResources } from "./schema.js";
import { attempt, clear, field, h, say } from "./ui.js";
import { actionView, actionsOf, detailView, forbiddenView, formView, listView } from "./views.js";

const main = document.getElementById("main");
const nav = document.getElementById("nav");
const who = document.getElementById("who");
const signOutButton = document.getElementById("signout");
const themeButton = document.getElementById("theme");
const menuButton = document.getElementById("menu");
let navigation = null;
let resources = {};
let stopStream = null;
let generation = 0;

function applyTheme(dark) {
  document.documentElement.dataset.theme = dark ? "dark" : "light";
  themeButton.setAttribute("aria-pressed", String(dark));
  themeButton.textContent = t("dark_mode");
}

function openMenu(open) {
  nav.classList.toggle("open", open);
  menuButton.setAttribute("aria-expanded", String(open));
}

function signInView() {
  nav.hidden = true;
  menuButton.hidden = true;
  signOutButton.hidden = true;
  who.textContent = "";
  const tenant = h("input", { id: "signin-tenant", autocomplete: "organization", required: true });
  const email = h("input", { id: "signin-email", type: "email", autocomplete: "username", required: true });
  const password = h("input", { id: "signin-password", type: "password", autocomplete: "current-password", required: true });
  const language = h("select", { id: "signin-language" }, ["en", "fr"].map((l) => h("option", { value: l, selected: l === lang }, l === "en" ? "English" : "Français")));
  language.addEventListener("change", () => { setLanguage(language.value); location.reload(); });
  const form = h("form", { class: "card signin", "aria-labelledby": "signin-title" },
    h("h1", { id: "signin-title" }, t("signin")),
    field(t("signin.tenant"), tenant), field(t("signin.email"), email), field(t("signin.password"), password),
    field(t("language"), language),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", id: "signin-submit" }, t("signin"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const request = { grant_type: "password", tenant: tenant.value.trim(), email: email.value.trim(), password: password.value };
    password.value = "";
    if (!(await attempt(() => signIn(request)))) return;
    say(t("signed_in"), "ok");
    route();
  });
  clear(main, form);
  tenant.focus();
}

function setNavigation(next) {
  navigation = next;
  resources = myResources(navigation);
  for (const resource of Object.values(resources)) {
    const names = filtersOf(resource).map((f) => f.name);
    resource.searchParam = names.includes("q") ? "q" : names.includes("search") ? "search" : null;
  }
  renderNav();
}

function renderNav() {
  const current = location.hash.replace(/^#\/?/, "").split("?")[0];
  const groups = navigation.plugins.map((plugin) => {
    const entries = Object.values(resources).filter((r) => r.plugin === plugin.name && (!r.ui || r.ui.menu));
    if (!entries.length) return null;
    return h("div", { class: "group", "data-plugin": plugin.name },
      h("span", { class: "group-title" }, plugin.title),
      h("ul", {}, entries.map((r) => h("li", {}, h("a", {
        href: `#/${r.key}`,
        "aria-current": current === r.key || current.startsWith(`${r.key}/`) ? "page" : false,
      }, r.ui ? r.ui.label : labelOf(r.key.split("/").pop()))))));
  });
  const search = h("input", { id: "search", type: "search", "aria-label": t("search"), placeholder: t("search"), accesskey: "/" });
  const searchForm = h("form", { role: "search", class: "search" }, search);
  searchForm.addEventListener("submit", (event) => {
    event.preventDefault();
    location.hash = `#/search?q=${encodeURIComponent(search.value.trim())}`;
  });
  clear(nav, h("a", { href: "#/", id: "nav-home" }, t("home")), searchForm, groups);
  nav.hidden = false;
  menuButton.hidden = false;
  signOutButton.hidden = false;
  who.textContent = session.me ? session.me.subject.slice(0, 8) : "";
}

// `#/writer/<file id>` (sheets, slides): a document in its editor, when a resource the
// user may list declares that editor (UiEditor).
const EDITOR = /^(writer|sheets|slides)\/([0-9a-f-]{36})$/i;
const mayEdit = (kind) => Object.values(resources).some((r) => r.ui && r.ui.editor && r.ui.editor.kind === kind);

async function route() {
  const mine = ++generation;
  leaveEditor();
  if (!session.valid()) { session.clear(); stop(); signInView(); return; }
  if (!navigation) {
    await loadSchema();
    const first = await attempt(() => import("./api.js").then((m) => m.get("/api/v1/workspace/navigation")));
    if (!first) { session.clear(); signInView(); return; }
    setNavigation(first);
    followFeed(first);
    stopStream = stream("/api/v1/workspace/events", (name, data) => {
      if (name !== "navigation") return;
      setNavigation(JSON.parse(data));
      followFeed(navigation);
      const key = location.hash.replace(/^#\/?/, "").split(/[?/]/)[0];
      if (key && !Object.keys(resources).some((k) => location.hash.startsWith(`#/${k}`)) && !["search", "notifications"].includes(key)) route();
    });
  }
  renderNav();
  const [where, query = ""] = location.hash.replace(/^#\/?/, "").split("?");
  const key = Object.keys(allResources()).filter((k) => where === k || where.startsWith(`${k}/`)).sort((a, b) => b.length - a.length)[0];
  const title = h("h1", { tabindex: "-1", id: "view-title" });
  const section = h("div", { class: "view" });
  clear(main, title, section);
  try {
    if (!where) {
      title.textContent = t("dashboard");
      section.id = "view-home";
      await homeView(section, navigation);
    } else if (where === "notifications") {
      title.textContent = t("notifications");
      section.id = "view-notifications";
      await feedView(section);
    } else if (where === "search") {
      title.textContent = t("search");
      section.id = "view-search";
      await searchView(section, resources, new URLSearchParams(query).get("q") || "");
    } else if (EDITOR.test(where)) {
      const [, kind, fileId] = EDITOR.exec(where);
      if (!mayEdit(kind)) forbiddenView(main);
      else {
        title.textContent = t(`editor.${kind}`);
        document.title = `${title.textContent} · Nexus`;
        section.id = `view-${kind}-editor`;
        await editorView(section, kind, fileId);
      }
    } else if (key && !resources[key]) {
      forbiddenView(main);
    } else if (!key) {
      title.textContent = t("not_found");
    } else {
      const resource = resources[key];
      const rest = where.slice(key.length + 1).split("/").filter(Boolean).map(decodeURIComponent);
      const label = resource.ui ? resource.ui.label : labelOf(key.split("/").pop());
      title.textContent = label;
      section.id = `view-${key.replace("/", "-")}`;
      document.title = `${label} · Nexus`;
      if (rest.length === 0) await listView(section, resource, query);
      else if (rest[0] === "new") { title.textContent = `${label} · ${t("new")}`; await formView(section, resource, null); }
      else if (rest[0] === "board" && resource.ui && resource.ui.kanban) await boardView(section, resource, route);
      else if (rest[0] === "calendar" && resource.ui && resource.ui.calendar) { title.textContent = `${label} · ${t("calendar")}`; await calendarView(section, resource, query); }
      else if (rest[1] === "edit") { title.textContent = `${label} · ${t("edit")}`; await formView(section, resource, rest[0]); }
      else if (rest[1] === "do" && rest[2]) {
        const action = actionsOf(resource).find((a) => a.name === rest[2]);
        title.textContent = `${label} · ${action ? action.label : rest[2]}`;
        await actionView(section, resource, rest[0], rest[2]);
      }
      else await detailView(section, resource, rest[0], resources);
    }
    if (mine === generation) section.dataset.ready = "1";
  } catch (error) {
    if (error.status === 403) forbiddenView(main);
    else say(error.message || String(error), "error");
  }
}

function stop() {
  if (stopStream) { stopStream(); stopStream = null; }
  stopFeed();
  navigation = null;
}

signOutButton.addEventListener("click", () => {
  stop();
  session.clear();
  say(t("signed_out"), "ok");
  location.hash = "";
  signInView();
});
session.onExpired = () => { stop(); say(t("session_ended"), "error"); signInView(); };
themeButton.addEventListener("click", () => {
  const dark = document.documentElement.dataset.theme !== "dark";
  localStorage.setItem("nexus.app.theme", dark ? "dark" : "light");
  applyTheme(dark);
});
// Keyboard: "/" focuses the search, "g h" goes home, "n" opens the current list's form.
let lastKey = "";
document.addEventListener("keydown", (event) => {
  if (event.target.closest("input, select, textarea") || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key === "/") { event.preventDefault(); document.getElementById("search")?.focus(); }
  else if (lastKey === "g" && event.key === "h") location.hash = "#/";
  else if (event.key === "n") document.getElementById("new-record")?.click();
  lastKey = event.key;
});
window.addEventListener("hashchange", () => { say(""); openMenu(false); route(); });
menuButton.addEventListener("click", () => openMenu(!nav.classList.contains("open")));

await loadMessages();
applyTheme((localStorage.getItem("nexus.app.theme") || (matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light")) === "dark");
signOutButton.textContent = t("signout");
menuButton.textContent = t("menu");
if ("serviceWorker" in navigator) navigator.serviceWorker.register("/app/sw.js", { scope: "/app/" }).catch(() => {});
route();
