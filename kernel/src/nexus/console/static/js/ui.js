// Small DOM helpers: build elements without innerHTML (so server data is never markup).

export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === "class") {
      element.className = value;
    } else if (name in element && typeof value !== "string") {
      element[name] = value;
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

let ids = 0;
export const uid = (prefix = "f") => `${prefix}-${++ids}`;

// A labelled field: returns [label, control] wired by id.
export function field(label, control) {
  if (!control.id) control.id = uid();
  return [h("label", { for: control.id }, label), control];
}

export function badge(text) {
  return h("span", { class: `badge ${text}` }, text);
}

// Wrapped to scroll sideways on a narrow screen: a named region the keyboard can reach.
export function table(headers, rows, { caption } = {}) {
  return h(
    "div",
    { class: "table-wrap", tabindex: "0", role: "region", "aria-label": caption || headers.join(", ") },
    h(
      "table",
      {},
      caption ? h("caption", { class: "muted" }, caption) : null,
      h("thead", {}, h("tr", {}, headers.map((name) => h("th", { scope: "col" }, name)))),
      h("tbody", {}, rows.length ? rows : h("tr", {}, h("td", { colspan: headers.length, class: "muted" }, "Nothing here yet."))),
    ),
  );
}

const statusLine = () => document.getElementById("status");

export function say(message, kind = "") {
  const line = statusLine();
  line.className = `status ${kind}`;
  line.textContent = message;
}

export function sayError(error) {
  const problem = error.problem || {};
  let message = error.message || String(error);
  if (Array.isArray(problem.features) && problem.features.length) {
    message += ` (${problem.features.join(", ")})`;
  }
  if (Array.isArray(problem.extra)) {
    message += ": " + problem.extra.map((e) => `${e.key}: ${e.message}`).join("; ");
  }
  say(message, "error");
}

// Run an action, reporting failures on the status line; returns its result or undefined.
export async function attempt(action, done) {
  try {
    const result = await action();
    if (done) say(done, "ok");
    return result;
  } catch (error) {
    sayError(error);
    return undefined;
  }
}

// Cancel is a plain button so that Enter in the reason field submits with "ok".
document.getElementById("confirm-cancel").addEventListener("click", () => {
  document.getElementById("confirm").close("cancel");
});

// The confirmation dialog: resolves to {ok, reason}. Keyboard: Esc cancels, Enter confirms.
export function confirmDialog({ title, body, askReason = false, okLabel = "Confirm", danger = false }) {
  const dialog = document.getElementById("confirm");
  document.getElementById("confirm-title").textContent = title;
  clear(document.getElementById("confirm-body"), body);
  const reason = document.getElementById("confirm-reason");
  const reasonLabel = document.getElementById("confirm-reason-label");
  reason.value = "";
  reason.hidden = reasonLabel.hidden = !askReason;
  reason.required = askReason;
  const ok = document.getElementById("confirm-ok");
  ok.textContent = okLabel;
  ok.className = danger ? "danger" : "primary";
  return new Promise((resolve) => {
    dialog.addEventListener(
      "close",
      () => resolve({ ok: dialog.returnValue === "ok", reason: reason.value.trim() }),
      { once: true },
    );
    dialog.returnValue = "";
    dialog.showModal();
    (askReason ? reason : ok).focus();
  });
}

export function formatTime(value) {
  if (!value) return "";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}
