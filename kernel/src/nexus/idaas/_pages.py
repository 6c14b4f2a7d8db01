"""The provider's server-rendered pages: sign-in and consent, second factor, errors, signed out.

Every page is served with :data:`PAGE_CSP`: nothing but the page's own style and script
(allowed by their hashes), requests to this origin only, and no framing (a consent page in
another site's frame could be clicked through).
"""

from __future__ import annotations

import base64
import hashlib
from html import escape

from litestar.response import Response

__all__ = ("PAGE_CSP", "authorize_page", "html_page", "message_page", "second_factor_page")

_SCOPE_WORDS = {
    "openid": "know who you are (your user id)",
    "profile": "see your name",
    "email": "see your email address",
    "roles": "see your roles in this organisation",
    "offline_access": "stay signed in to it (refresh tokens)",
}

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem}"
    "label{display:block;margin:.6rem 0}input[type=email],input[type=password]{width:100%}"
    "button{margin:.8rem .4rem 0 0}.error{color:#a00}"
)

# The passkey button asks the identity API for the options of the ticket's challenge,
# lets the browser sign them, and posts the assertion with the form (WebAuthn Level 3's
# JSON helpers; a browser without them shows the error and the codes still work).
_SCRIPT = """
const passkey = document.getElementById("nexus-passkey");
if (passkey) passkey.addEventListener("click", async () => {
  const form = document.getElementById("nexus-sign-in");
  try {
    const answer = await fetch(passkey.dataset.options, {
      method: "POST", headers: {"Content-Type": "application/json"},
      body: JSON.stringify({ticket: form.elements.mfa_ticket.value})});
    if (!answer.ok) throw new Error(`options: ${answer.status}`);
    const {options} = await answer.json();
    const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(options);
    const credential = await navigator.credentials.get({publicKey});
    form.elements.credential.value = JSON.stringify(credential.toJSON());
    form.requestSubmit(document.getElementById("nexus-allow"));
  } catch (error) {
    document.getElementById("nexus-passkey-error").textContent =
      "The passkey did not sign you in: " + error.message;
  }
});
"""


def _hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


PAGE_CSP = (
    f"default-src 'none'; style-src {_hash(_STYLE)}; script-src {_hash(_SCRIPT)}; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)
_HTML = "text/html; charset=utf-8"


def _document(title: str, body: str, *, script: bool = False) -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}'
        f'</title><meta name="viewport" content="width=device-width">'
        f"<style>{_STYLE}</style></head><body>{body}"
        f"{f'<script>{_SCRIPT}</script>' if script else ''}</body></html>"
    )


def html_page(page: str, status: int = 200) -> Response[str]:
    """A page as a response, with the pages' Content-Security-Policy."""
    return Response(
        content=page,
        status_code=status,
        media_type=_HTML,
        headers={"Content-Security-Policy": PAGE_CSP, "Cache-Control": "no-store"},
    )


def _hidden(params: dict[str, str]) -> str:
    return "".join(
        f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in params.items()
    )


def _consent(client_name: str, scopes: list[str]) -> str:
    asks = "".join(f"<li>{escape(_SCOPE_WORDS.get(s, s))}</li>" for s in scopes)
    return (
        f"<p><strong>{escape(client_name)}</strong> asks to:</p><ul>{asks}</ul>"
        '<button type="submit" name="decision" value="allow" id="nexus-allow">Allow</button>'
        '<button type="submit" name="decision" value="deny">Deny</button></form>'
    )


def _problem(error: str | None) -> str:
    return f'<p class="error" role="alert">{escape(error)}</p>' if error else ""


def authorize_page(
    *,
    action: str,
    tenant_name: str,
    client_name: str,
    scopes: list[str],
    params: dict[str, str],
    signed_in_as: str | None,
    error: str | None = None,
) -> str:
    """The page an authorization request shows: sign in (unless signed in), then consent.

    The request's parameters travel as hidden fields, so the form's POST carries the
    whole authorization request again.
    """
    if signed_in_as is None:
        who = (
            '<label>Email <input type="email" name="email" autocomplete="username" required>'
            '</label><label>Password <input type="password" name="password" '
            'autocomplete="current-password" required></label>'
        )
    else:
        who = f"<p>Signed in as {escape(signed_in_as)}.</p>"
    body = (
        f"<h1>Sign in to {escape(tenant_name)}</h1>{_problem(error)}"
        f'<form method="post" action="{escape(action)}" id="nexus-sign-in">{_hidden(params)}'
        f"{who}{_consent(client_name, scopes)}"
    )
    return _document(f"Sign in to {tenant_name}", body)


def second_factor_page(
    *,
    action: str,
    tenant_name: str,
    client_name: str,
    scopes: list[str],
    params: dict[str, str],
    ticket: str,
    methods: list[str],
    passkey_options: str,
    error: str | None = None,
) -> str:
    """The second step of a sign-in: a code (authenticator app, recovery code) or a passkey.

    The MFA ticket of the password step travels as a hidden field with the request's
    parameters; ``passkey_options`` is where the passkey button asks for its options.
    """
    state = {"mfa_ticket": ticket, "mfa_methods": ",".join(methods), "credential": ""}
    kinds = [("totp", "Authenticator app")] if "totp" in methods else []
    kinds.append(("recovery_code", "Recovery code"))
    radios = "".join(
        f'<label><input type="radio" name="method" value="{value}"{" checked" if i == 0 else ""}>'
        f" {words}</label>"
        for i, (value, words) in enumerate(kinds)
    )
    passkey = (
        '<p><button type="button" id="nexus-passkey" '
        f'data-options="{escape(passkey_options)}">Use a passkey</button></p>'
        '<p class="error" id="nexus-passkey-error" role="alert"></p>'
        if "webauthn" in methods
        else ""
    )
    body = (
        f"<h1>Sign in to {escape(tenant_name)}</h1>{_problem(error)}"
        f'<form method="post" action="{escape(action)}" id="nexus-sign-in">'
        f"{_hidden(params | state)}<p>This account signs in with a second factor.</p>"
        f'{passkey}<label>Code <input name="code" autocomplete="one-time-code"></label>'
        f"{radios}{_consent(client_name, scopes)}"
    )
    return _document(f"Sign in to {tenant_name}", body, script=True)


def message_page(title: str, message: str) -> str:
    """A page with a title and one message (an error, or signed out)."""
    return _document(title, f"<h1>{escape(title)}</h1><p>{escape(message)}</p>")
