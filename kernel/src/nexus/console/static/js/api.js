// The front ends' only way to the server: the public REST API under /api/v1. One copy
// serves the console (/console) and the workspace (/app, which serves this file as its own).
//
// The session holds a short-lived JWT (from POST /api/v1/auth/token), never an API key: a
// key typed at sign-in is exchanged at once and forgotten. The JWT lives in sessionStorage
// (this tab only, gone when it closes) so a reload keeps you signed in until it expires.

// Each front end keeps its own session: nexus.console.token, nexus.app.token.
const TOKEN = `nexus.${location.pathname.split("/")[1] || "console"}.token`;

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
}

export const session = {
  token: sessionStorage.getItem(TOKEN),
  expiresAt: Number(sessionStorage.getItem(TOKEN + ".exp") || 0),
  me: null,
  onExpired: () => {},
  set(token, expiresIn) {
    this.token = token;
    this.expiresAt = Date.now() + expiresIn * 1000;
    sessionStorage.setItem(TOKEN, token);
    sessionStorage.setItem(TOKEN + ".exp", String(this.expiresAt));
  },
  clear() {
    this.token = null;
    this.me = null;
    this.expiresAt = 0;
    sessionStorage.removeItem(TOKEN);
    sessionStorage.removeItem(TOKEN + ".exp");
  },
  valid() {
    return Boolean(this.token) && Date.now() < this.expiresAt;
  },
};

async function problemOf(response) {
  const type = response.headers.get("content-type") || "";
  if (type.includes("json")) {
    try { return await response.json(); } catch { return null; }
  }
  return null;
}

export async function api(method, path, body, { headers = {}, auth = true } = {}) {
  const init = { method, headers: { Accept: "application/json", ...headers } };
  if (auth && session.token) init.headers.Authorization = `Bearer ${session.token}`;
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = typeof body === "string" ? body : JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (response.status === 401 && auth) {
    session.clear();
    session.onExpired();
  }
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  if (response.status === 204) return null;
  const type = response.headers.get("content-type") || "";
  return type.includes("json") ? response.json() : response.text();
}

export const get = (path, options) => api("GET", path, undefined, options);
export const post = (path, body, options) => api("POST", path, body ?? {}, options);
export const put = (path, body, options) => api("PUT", path, body, options);
export const patch = (path, body, options) => api("PATCH", path, body, options);
export const del = (path, options) => api("DELETE", path, undefined, options);

// Every page of a cursor-paginated list.
export async function all(path, { max = 1000 } = {}) {
  const items = [];
  let cursor = null;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const page = await get(`${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && items.length < max);
  return items;
}

export async function signIn(request) {
  return finishSignIn(await api("POST", "/api/v1/auth/token", request, { auth: false }));
}

// A sign-in's answer: tokens, or an MFA ticket to complete with a TOTP or recovery code
// (docs/security.md). Enrolling a first factor, or using a passkey, is the API's for now.
export async function finishSignIn(answer) {
  if (answer.mfa_ticket) {
    if (answer.status !== "mfa_required" || !answer.methods.includes("recovery_code")) {
      throw new Error("Your tenant requires a second factor: set one up through the API (/api/v1/auth/mfa/enrol/…) first.");
    }
    const code = (window.prompt("A second factor is due: the code of your authenticator app, or a recovery code") || "").trim();
    const method = /^\d{6}$/.test(code) && answer.methods.includes("totp") ? "totp" : "recovery_code";
    answer = await api("POST", "/api/v1/auth/mfa/verify", { ticket: answer.mfa_ticket, method, code }, { auth: false });
  }
  session.set(answer.access_token, answer.expires_in);
  session.me = await get("/api/v1/me");
  return session.me;
}

// Server-sent events read through fetch, so the bearer token goes in a header (EventSource
// cannot send one). Calls onEvent(name, data) per event; returns a function that stops it.
export function stream(path, onEvent, { onEnd = () => {} } = {}) {
  const controller = new AbortController();
  (async () => {
    let response;
    try {
      response = await fetch(path, {
        headers: { Accept: "text/event-stream", Authorization: `Bearer ${session.token}` },
        signal: controller.signal,
      });
      if (!response.ok) throw new ApiError(response.status, await problemOf(response));
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value.replace(/\r\n?/g, "\n");
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let name = "message";
          const data = [];
          for (const line of block.split("\n")) {
            if (line.startsWith("event:")) name = line.slice(6).trim();
            else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
          }
          if (data.length) onEvent(name, data.join("\n"));
        }
      }
      onEnd(null);
    } catch (error) {
      if (!controller.signal.aborted) onEnd(error);
    }
  })();
  return () => controller.abort();
}
