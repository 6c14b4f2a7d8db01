"""Room tokens for the SFU a larger meeting is handed to: LiveKit or Jitsi.

LiveKit: an HS256 JWT signed with the API secret; ``iss`` the API key, ``sub`` the
participant's identity, ``name``, ``nbf``/``exp``, and the ``video`` grant naming the room
(``roomJoin``, ``canPublish``, ``canSubscribe``; ``roomAdmin`` for the host), as LiveKit's
"Authentication" documentation specifies.

Jitsi (``prosody`` token authentication, ``tokens.md``): an HS256 JWT signed with the app
secret; ``iss`` the ``app_id``, ``aud`` ``jitsi``, ``sub`` the domain, ``room`` the room name,
``nbf``/``exp``, and ``context.user`` (``id``, ``name``, ``moderator``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from nexus_hookspecs.http import conflict

from nexus_meet._models import SfuToken
from nexus_meet._settings import MeetSettings, secret

__all__ = ("jitsi_claims", "livekit_claims", "room_name", "sfu_token")


def room_name(tenant_id: object, meeting_id: object) -> str:
    """The SFU room of a meeting: one per tenant and meeting, never shared across tenants."""
    return f"nexus-{tenant_id}-{meeting_id}"


def livekit_claims(
    *, api_key: str, room: str, identity: str, name: str, host: bool, nbf: int, exp: int
) -> dict[str, Any]:
    """The claims of a LiveKit access token joining ``room``."""
    video: dict[str, Any] = {
        "room": room,
        "roomJoin": True,
        "canPublish": True,
        "canSubscribe": True,
        "canPublishData": True,
    }
    if host:
        video["roomAdmin"] = True
    return {
        "iss": api_key,
        "sub": identity,
        "jti": identity,
        "name": name,
        "nbf": nbf,
        "exp": exp,
        "video": video,
    }


def jitsi_claims(
    *,
    app_id: str,
    domain: str,
    room: str,
    identity: str,
    name: str,
    host: bool,
    nbf: int,
    exp: int,
) -> dict[str, Any]:
    """The claims of a Jitsi JWT joining ``room``."""
    return {
        "iss": app_id,
        "aud": "jitsi",
        "sub": domain,
        "room": room,
        "nbf": nbf,
        "exp": exp,
        "context": {"user": {"id": identity, "name": name, "moderator": host}},
    }


def sfu_token(
    settings: MeetSettings, *, room: str, identity: str, name: str, host: bool
) -> SfuToken:
    """A token joining ``room`` at the tenant's SFU.

    Raises:
        HTTPException: 409 when no SFU is set for the tenant, or its secret is not configured.
    """
    now = datetime.now(UTC)
    expires = now + timedelta(seconds=settings.token_ttl_seconds)
    nbf, exp = int(now.timestamp()) - 5, int(expires.timestamp())
    if settings.sfu == "livekit":
        key, signing = secret("livekit_key"), secret("livekit_secret")
        if not key or not signing:
            conflict("NEXUS_MEET_LIVEKIT_API_KEY and _SECRET are not configured")
        claims = livekit_claims(
            api_key=key, room=room, identity=identity, name=name, host=host, nbf=nbf, exp=exp
        )
    elif settings.sfu == "jitsi":
        signing = secret("jitsi")
        if not signing:
            conflict("NEXUS_MEET_JITSI_APP_SECRET is not configured")
        claims = jitsi_claims(
            app_id=settings.jitsi_app_id,
            domain=settings.jitsi_domain,
            room=room,
            identity=identity,
            name=name,
            host=host,
            nbf=nbf,
            exp=exp,
        )
    else:
        conflict("no SFU is set for this tenant: larger meetings cannot be handed over")
    token = jwt.encode(claims, signing, algorithm="HS256")
    return SfuToken(
        provider=settings.sfu, url=settings.sfu_url, room=room, token=token, expires_at=expires
    )
