"""The provider's server-rendered pages: sign-in and consent, errors, signed out."""

from __future__ import annotations

from html import escape

__all__ = ("authorize_page", "message_page")

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


def _document(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}'
        f'</title><meta name="viewport" content="width=device-width">'
        f"<style>{_STYLE}</style></head><body>{body}</body></html>"
    )


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
    hidden = "".join(
        f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in params.items()
    )
    asks = "".join(f"<li>{escape(_SCOPE_WORDS.get(s, s))}</li>" for s in scopes)
    if signed_in_as is None:
        who = (
            '<label>Email <input type="email" name="email" autocomplete="username" required>'
            '</label><label>Password <input type="password" name="password" '
            'autocomplete="current-password" required></label>'
        )
    else:
        who = f"<p>Signed in as {escape(signed_in_as)}.</p>"
    problem = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    body = (
        f"<h1>Sign in to {escape(tenant_name)}</h1>{problem}"
        f'<form method="post" action="{escape(action)}">{hidden}{who}'
        f"<p><strong>{escape(client_name)}</strong> asks to:</p><ul>{asks}</ul>"
        '<button type="submit" name="decision" value="allow">Allow</button>'
        '<button type="submit" name="decision" value="deny">Deny</button></form>'
    )
    return _document(f"Sign in to {tenant_name}", body)


def message_page(title: str, message: str) -> str:
    """A page with a title and one message (an error, or signed out)."""
    return _document(title, f"<h1>{escape(title)}</h1><p>{escape(message)}</p>")
