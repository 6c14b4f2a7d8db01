// Pages reached from an emailed link, without signing in: accept an invitation
// (#/accept?token=…), ask for a password reset (#/reset) and choose the new password
// (#/reset?token=…), verify an email address (#/verify-email?token=…); and the end of a
// single sign-on (#/sso?ticket=…). Each calls one public route of the REST API.

import { finishSignIn, post } from "./api.js";
import { attempt, clear, field, h, say } from "./ui.js";

// The page a hash names, or null when it is not one of these.
export function tokenPage(hash) {
  const match = /^#\/(accept|reset|verify-email|sso)(?:\?(.*))?$/.exec(hash);
  if (!match) return null;
  const query = new URLSearchParams(match[2] || "");
  return { kind: match[1], token: query.get("token") || query.get("ticket") };
}

function passwordForm(main, { title, path, token, done }) {
  const password = h("input", { id: "token-password", type: "password", autocomplete: "new-password", minlength: 10, required: true });
  const again = h("input", { id: "token-password-again", type: "password", autocomplete: "new-password", minlength: 10, required: true });
  const form = h("form", { class: "card signin", "aria-labelledby": "token-title" },
    h("h1", { id: "token-title" }, title),
    field("New password (10 characters at least)", password),
    field("The same password again", again),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", id: "token-submit" }, "Set password")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (password.value !== again.value) { say("The two passwords differ.", "error"); return; }
    const result = await attempt(() => post(path, { token, password: password.value }, { auth: false }));
    password.value = "";
    again.value = "";
    if (!result) return;
    clear(main, h("div", { class: "card signin", id: "token-done" },
      h("h1", {}, done),
      h("p", {}, `Sign in to tenant ${result.tenant} as ${result.email}.`),
      h("p", {}, h("a", { href: "#/" }, "Sign in"))));
    say(done, "ok");
  });
  clear(main, form);
  password.focus();
}

function resetRequestForm(main) {
  const tenant = h("input", { id: "reset-tenant", autocomplete: "organization", required: true });
  const email = h("input", { id: "reset-email", type: "email", autocomplete: "username", required: true });
  const form = h("form", { class: "card signin", "aria-labelledby": "reset-title" },
    h("h1", { id: "reset-title" }, "Reset your password"),
    field("Tenant (slug)", tenant),
    field("Email", email),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", id: "reset-submit" }, "Email me a link")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { tenant: tenant.value.trim(), email: email.value.trim() };
    const sent = await attempt(() => post("/api/v1/auth/password-reset", body, { auth: false }));
    if (sent === undefined) return;
    clear(main, h("div", { class: "card signin", id: "reset-asked" },
      h("h1", {}, "Check your email"),
      h("p", {}, "If the account exists, a link to choose a new password is on its way."),
      h("p", {}, h("a", { href: "#/" }, "Back to sign in"))));
  });
  clear(main, form);
  tenant.focus();
}

// Render the page of `page` (from tokenPage) into `main`.
export function renderTokenPage(main, page) {
  if (page.kind === "verify-email" || page.kind === "sso") {
    if (!page.token) { say("This link has no token.", "error"); return; }
    const sso = page.kind === "sso";
    document.title = (sso ? "Signing in" : "Verify your email") + " · Nexus console";
    attempt(() => (sso
      ? post("/api/v1/auth/sso/complete", { ticket: page.token }, { auth: false }).then(finishSignIn)
      : post("/api/v1/auth/email/verify", { token: page.token }, { auth: false }))).then((result) => {
      if (!result) return;
      if (sso) { location.hash = "#/"; location.reload(); return; }
      clear(main, h("div", { class: "card signin", id: "token-done" },
        h("h1", {}, "Your email address is verified."),
        h("p", {}, h("a", { href: "#/" }, "Sign in"))));
    });
    return;
  }
  if (page.kind === "accept") {
    if (!page.token) { say("This invitation link has no token.", "error"); return; }
    document.title = "Accept your invitation · Nexus console";
    passwordForm(main, { title: "Accept your invitation", path: "/api/v1/auth/invitations/accept", token: page.token, done: "Your password is set." });
  } else if (page.token) {
    document.title = "Choose a new password · Nexus console";
    passwordForm(main, { title: "Choose a new password", path: "/api/v1/auth/password-reset/confirm", token: page.token, done: "Your password is changed." });
  } else {
    document.title = "Reset your password · Nexus console";
    resetRequestForm(main);
  }
}
