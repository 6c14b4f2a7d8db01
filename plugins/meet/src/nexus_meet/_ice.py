"""The ICE servers a client gets: STUN as set, TURN with a time-limited credential.

TURN credentials follow the TURN REST API convention coturn implements with
``use-auth-secret`` / ``static-auth-secret``: the username is ``<expiry>:<user>`` (a Unix
time), the password ``base64(HMAC-SHA1(secret, username))``. The TURN server recomputes it
with the same shared secret and refuses it after the expiry; Nexus stores nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from nexus_meet._models import IceConfig, IceServer
from nexus_meet._settings import MeetSettings, secret

__all__ = ("ice_config", "turn_credential")


def turn_credential(shared_secret: str, user: str, expires: datetime) -> tuple[str, str]:
    """The TURN REST API username and password of ``user`` until ``expires``."""
    username = f"{int(expires.timestamp())}:{user}"
    digest = hmac.new(shared_secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode()


def ice_config(settings: MeetSettings, user: str, now: datetime | None = None) -> IceConfig:
    """The tenant's STUN servers, and its TURN servers with a credential for ``user``.

    TURN servers are left out when ``NEXUS_MEET_TURN_SECRET`` is not set: a credential
    the server would refuse helps no one.
    """
    servers = [IceServer(urls=list(settings.stun_urls))] if settings.stun_urls else []
    shared = secret("turn")
    expires_at = None
    if settings.turn_urls and shared:
        expires_at = (now or datetime.now(UTC)) + timedelta(seconds=settings.turn_ttl_seconds)
        username, password = turn_credential(shared, user, expires_at)
        servers.append(
            IceServer(urls=list(settings.turn_urls), username=username, credential=password)
        )
    return IceConfig(ice_servers=servers, expires_at=expires_at)
