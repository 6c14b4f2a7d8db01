// The user's notifications: the Notifications plugin's feed (`/api/v1/notify/feed`), when it
// is on for the tenant and the user may read it. A header link shows the unread count, kept
// live by the feed's stream; `#/notifications` lists the feed, each unread item markable read.

import { get, post, stream } from "./api.js";
import { formatValue, t } from "./i18n.js";
import { attempt, h } from "./ui.js";

const FEED = "/api/v1/notify/feed";
let stopStream = null;
let unread = 0;

const link = () => document.getElementById("notifications");

export const feedAvailable = (navigation) =>
  navigation.operations.some((op) => op.method === "GET" && op.path === FEED);

function renderLink() {
  const label = `${t("notifications")}: ${unread} ${t("unread")}`;
  const badge = unread ? h("span", { class: "count", id: "unread-count", "aria-hidden": "true" }, String(unread)) : null;
  link().replaceChildren(t("notifications"), badge || "");
  link().setAttribute("aria-label", label);
  link().hidden = false;
}

// Start (or stop) following the feed as the navigation allows it.
export async function followFeed(navigation) {
  if (!feedAvailable(navigation)) { stopFeed(); return; }
  if (stopStream) return;
  stopStream = () => {};
  const waiting = await attempt(() => get(`${FEED}?unread=true&limit=200`));
  unread = waiting ? waiting.length : 0;
  renderLink();
  // Newest first: the stream goes on after the newest one counted.
  const after = waiting && waiting.length ? `?after=${waiting[0].id}` : "";
  stopStream = stream(`${FEED}/stream${after}`, (name, data) => {
    if (name !== "notification") return;
    const item = JSON.parse(data);
    if (!item.read_at) unread += 1;
    renderLink();
    window.dispatchEvent(new CustomEvent("nexus:notification", { detail: item }));
  });
}

export function stopFeed() {
  if (stopStream) stopStream();
  stopStream = null;
  unread = 0;
  if (link()) link().hidden = true;
}

function entry(item) {
  const row = h("li", { class: item.read_at ? "read" : "unread", "data-id": item.id },
    h("strong", {}, item.title),
    item.body ? h("p", {}, item.body) : null,
    h("small", { class: "muted" }, formatValue(item.created_at, { format: "date-time" })));
  if (!item.read_at) {
    const button = h("button", { type: "button", class: "mark-read", onclick: async () => {
      if (!(await attempt(() => post(`${FEED}/${item.id}/read`)))) return;
      unread = Math.max(0, unread - 1);
      renderLink();
      row.className = "read";
      button.remove();
    } }, t("mark_read"));
    row.append(button);
  }
  return row;
}

export async function feedView(section) {
  const items = await get(`${FEED}?limit=100`);
  const list = h("ul", { class: "feed", id: "feed" }, items.map(entry));
  const arrived = (event) => {
    if (!section.isConnected) { window.removeEventListener("nexus:notification", arrived); return; }
    list.prepend(entry(event.detail));
  };
  window.addEventListener("nexus:notification", arrived);
  section.append(list, items.length ? null : h("p", { class: "muted", id: "feed-empty" }, t("nothing")));
}
