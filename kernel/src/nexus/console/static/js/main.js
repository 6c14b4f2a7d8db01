// Sign-in, sign-out, navigation: views are chosen by the caller's role from GET /api/v1/me.

import { get, session, signIn } from "./api.js";
import { operatorViews } from "./operator.js";
import { tenantViews } from "./tenant.js";
import { renderTokenPage, tokenPage } from "./tokens.js";
import { attempt, clear, field, h, say } from "./ui.js";

const main = document.getElementById("main");
const nav = document.getElementById("nav");
const who = document.getElementById("who");
const signOutButton = document.getElementById("signout");
let stopView = null;
let generation = 0;

function viewsFor(me) {
  if (!me) return null;
  if (me.roles.includes("platform_admin")) return operatorViews;
  if (me.roles.includes("tenant_admin")) return tenantViews;
  return null;
}

function signInView() {
  nav.hidden = true;
  signOutButton.hidden = true;
  who.textContent = "";
  const method = h("select", { id: "signin-method" },
    h("option", { value: "password" }, "Email and password"),
    h("option", { value: "api_key" }, "API key"));
  const tenant = h("input", { id: "signin-tenant", autocomplete: "organization", required: true });
  const email = h("input", { id: "signin-email", type: "email", autocomplete: "username", required: true });
  const password = h("input", { id: "signin-password", type: "password", autocomplete: "current-password", required: true });
  const key = h("input", { id: "signin-key", type: "password", autocomplete: "off", spellcheck: "false" });
  const passwordFields = h("div", {}, field("Tenant (slug)", tenant), field("Email", email), field("Password", password));
  const keyFields = h("div", { hidden: true },
    field("API key", key),
    h("p", { class: "muted" }, "The key is exchanged for a 15-minute session token and not kept."));
  method.addEventListener("change", () => {
    const byKey = method.value === "api_key";
    keyFields.hidden = !byKey;
    passwordFields.hidden = byKey;
    for (const input of [tenant, email, password]) input.required = !byKey;
    key.required = byKey;
  });
  const form = h("form", { class: "card signin", "aria-labelledby": "signin-title" },
    h("h1", { id: "signin-title" }, "Sign in"),
    field("Sign in with", method),
    passwordFields,
    keyFields,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", id: "signin-submit" }, "Sign in")),
    h("p", {}, h("a", { href: "#/reset", id: "signin-forgot" }, "Forgot your password?")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const request = method.value === "api_key"
      ? { grant_type: "api_key", api_key: key.value.trim() }
      : { grant_type: "password", tenant: tenant.value.trim(), email: email.value.trim(), password: password.value };
    key.value = "";
    password.value = "";
    const me = await attempt(() => signIn(request));
    if (!me) return;
    if (!viewsFor(me)) {
      session.clear();
      say("Signed in, but this account administers nothing: the console is for tenant admins and platform admins.", "error");
      return;
    }
    say("Signed in.", "ok");
    route();
  });
  clear(main, form);
  method.focus();
}

function renderNav(views, current) {
  clear(nav, Object.entries(views).map(([name, view]) =>
    h("a", { href: `#/${name}`, "aria-current": name === current ? "page" : false }, view.title)));
  nav.hidden = false;
  signOutButton.hidden = false;
  const me = session.me;
  who.textContent = me.roles.includes("platform_admin") ? "Operator (platform admin)" : `Tenant admin · ${me.tenant_id}`;
}

async function route() {
  const mine = ++generation;
  if (stopView) { stopView(); stopView = null; }
  // An emailed link (invitation, password reset) opens its page whoever is signed in.
  const page = tokenPage(location.hash);
  if (page) {
    nav.hidden = true;
    signOutButton.hidden = true;
    renderTokenPage(main, page);
    return;
  }
  if (!session.valid()) { session.clear(); signInView(); return; }
  if (!session.me) {
    session.me = await attempt(() => get("/api/v1/me"));
    if (!session.me) { session.clear(); signInView(); return; }
  }
  const views = viewsFor(session.me);
  if (!views) { session.clear(); signInView(); return; }
  const [name, ...rest] = location.hash.replace(/^#\/?/, "").split("/");
  const current = views[name] ? name : Object.keys(views)[0];
  renderNav(views, current);
  const view = views[current];
  document.title = `${view.title} · Nexus console`;
  clear(main, h("h1", { tabindex: "-1", id: "view-title" }, view.title));
  const section = h("div", { id: `view-${current}` });
  main.append(section);
  try {
    const stop = (await view.render(section, rest.map(decodeURIComponent))) || null;
    // Another navigation started meanwhile: this view is already gone.
    if (mine !== generation) { if (stop) stop(); } else stopView = stop;
  } catch (error) {
    say(error.message || String(error), "error");
  }
}

signOutButton.addEventListener("click", () => {
  if (stopView) { stopView(); stopView = null; }
  session.clear();
  say("Signed out.", "ok");
  location.hash = "";
  signInView();
});

session.onExpired = () => {
  if (stopView) { stopView(); stopView = null; }
  say("Your session ended; sign in again.", "error");
  signInView();
};

window.addEventListener("hashchange", () => { say(""); route(); });
route();
