// Joining a collaborative document: a Yjs document synced over the collab plugin's socket
// (/api/v1/collab/{file_id}, the user's bearer token as `access_token`, as browsers cannot
// set a header on a WebSocket), and the user's presence in its awareness.

import { WebsocketProvider, Y } from "../vendor/editors.js";
import { get, session } from "./api.js";
import { t } from "./i18n.js";
import { h } from "./ui.js";

// Dark enough for the white name on the caret to read (WCAG AA, 4.5:1 and more).
const COLOURS = ["#1f5fbf", "#b22222", "#1e7b34", "#6a3d9a", "#a14b00", "#0b6e79", "#8c564b", "#a2266f"];
let open = null;

// The open document is closed when the route changes (main.js calls this first).
export function leave() {
  if (!open) return;
  open.provider.destroy();
  open.doc.destroy();
  open = null;
}

function colourOf(text) {
  let sum = 0;
  for (const c of text) sum = (sum * 31 + c.charCodeAt(0)) >>> 0;
  return COLOURS[sum % COLOURS.length];
}

// Resolves once the first sync is done; rejects when the socket is refused before it
// (no Drive role, another tenant's file: the server closes the handshake).
export async function join(fileId) {
  leave();
  if (!session.me) session.me = await get("/api/v1/me");
  // Drive's role decides: a viewer or commenter edits nothing (the server would refuse it).
  const item = await get(`/api/v1/drive/items/${encodeURIComponent(fileId)}`).catch(() => null);
  const readOnly = !item || !["editor", "owner"].includes(item.role) || Boolean(item.trashed_at);
  const doc = new Y.Doc();
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const provider = new WebsocketProvider(`${scheme}://${location.host}/api/v1/collab`, fileId, doc, {
    params: { access_token: session.token },
  });
  const user = { name: session.me.subject.slice(0, 8), color: colourOf(session.me.subject) };
  provider.awareness.setLocalStateField("user", user);
  open = { doc, provider };
  // Nothing is awaited between creating the provider and listening: its sync is not missed.
  await new Promise((resolve, reject) => {
    provider.once("sync", resolve);
    provider.once("connection-close", () => {
      if (provider.synced) return;
      leave();
      reject(Object.assign(new Error("This document cannot be opened."), { status: 404 }));
    });
  });
  return { doc, provider, user, Y, readOnly };
}

// Who else has the document open: one badge per other client, kept current.
export function presence(provider) {
  const list = h("ul", { class: "presence", id: "presence", "aria-label": t("editor.people") });
  const render = () => {
    const others = [...provider.awareness.getStates().entries()]
      .filter(([client, state]) => client !== provider.awareness.clientID && state.user);
    list.replaceChildren(...others.map(([, state]) => {
      const item = h("li", {}, state.user.name);
      item.style.borderColor = state.user.color; // CSSOM, not a style attribute: the CSP allows it
      return item;
    }));
  };
  provider.awareness.on("change", render);
  render();
  return list;
}

// A Drive file's bytes as a data: URL (the CSP allows images from data: and our own origin,
// and the file needs the bearer token, which an <img src> cannot send).
export async function driveImage(fileId) {
  const response = await fetch(`/api/v1/drive/items/${encodeURIComponent(fileId)}/content`, {
    headers: { Authorization: `Bearer ${session.token}` },
  });
  if (!response.ok) return "";
  const blob = await response.blob();
  return new Promise((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.readAsDataURL(blob);
  });
}

// Upload a picked file into the user's drive; its Drive file id.
export async function uploadToDrive(file) {
  const response = await fetch(`/api/v1/drive/files?name=${encodeURIComponent(file.name)}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${session.token}`, "Content-Type": file.type || "application/octet-stream" },
    body: file,
  });
  if (!response.ok) throw new Error(`Drive refused the file (HTTP ${response.status})`);
  return (await response.json()).id;
}
