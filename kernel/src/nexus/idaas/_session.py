"""The provider's browser session: who signed in at a tenant's issuer, in a signed cookie.

The cookie (``HttpOnly``, ``SameSite=Lax``, ``Secure`` over HTTPS, limited to the issuer's
path) carries the tenant, the user and the sign-in time, signed with the keys of
``NEXUS_IDAAS_KEYS`` and valid for ``SESSION_TTL``. It only spares signing in again: every
use checks the user anew, so a disabled user's session ends at once. Logout clears it.
"""

from __future__ import annotations

import time
from datetime import timedelta
from uuid import UUID

import msgspec
from nexus_hookspecs.secrets import Keyring

from nexus.idaas._keys import KEYS_VARIABLE

__all__ = ("COOKIE", "SESSION_TTL", "Session", "read_session", "session_cookie")

COOKIE = "nexus_oidc"
SESSION_TTL = timedelta(hours=8)
_KEYRING = Keyring(KEYS_VARIABLE, owner="idaas")
_PURPOSE = "oidc-session"


class Session(msgspec.Struct, frozen=True):
    """Who signed in, and when (epoch seconds)."""

    user_id: UUID
    auth_time: int


def session_cookie(*, tenant_id: UUID, user_id: UUID, auth_time: int) -> str:
    """The cookie's value for a user who just signed in."""
    return _KEYRING.sign_token(
        _PURPOSE,
        {
            "tenant": str(tenant_id),
            "user": str(user_id),
            "auth_time": str(auth_time),
            "exp": str(auth_time + int(SESSION_TTL.total_seconds())),
        },
    )


def read_session(value: str | None, *, tenant_id: UUID) -> Session | None:
    """The session a cookie carries for ``tenant_id``, or ``None`` (absent, forged, expired)."""
    if not value:
        return None
    payload = _KEYRING.verify_token(_PURPOSE, value)
    if payload is None or payload.get("tenant") != str(tenant_id):
        return None
    try:
        if int(payload["exp"]) <= time.time():
            return None
        return Session(UUID(payload["user"]), int(payload["auth_time"]))
    except (KeyError, ValueError):
        return None
