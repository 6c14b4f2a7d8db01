"""Per-tenant settings of Meet, and the process settings holding its secrets.

The STUN/TURN servers and the SFU's address are per tenant (a preset or a tenant admin sets
them); the secrets that sign TURN credentials and SFU tokens are the deployment's, read from
the process environment and never stored or answered back.
"""

from __future__ import annotations

import os
from typing import Annotated, Literal

import msgspec

__all__ = ("MeetSettings", "secret")


class MeetSettings(msgspec.Struct, kw_only=True, frozen=True):
    """What a preset (or a tenant admin) may set for Meet.

    Attributes:
        public_base_url: Where people reach this deployment (no trailing slash): a
            meeting's join link starts with it.
        stun_urls: STUN servers handed to browsers (``stun:stun.example.com:3478``).
        turn_urls: TURN servers (``turn:turn.example.com:3478?transport=udp``,
            ``turns:…``); credentials come from ``NEXUS_MEET_TURN_SECRET``.
        turn_ttl_seconds: How long a TURN credential is valid.
        mesh_max: Most participants admitted to a mesh (peer-to-peer) meeting.
        sfu: The SFU larger meetings (mode ``sfu``) are handed to: ``livekit``, ``jitsi``,
            or ``none``.
        sfu_url: The SFU's address given to clients (``wss://livekit.example.com``,
            ``https://meet.example.com``).
        jitsi_app_id: The ``app_id`` Jitsi's JWT authentication is configured with.
        jitsi_domain: The Jitsi domain named in tokens' ``sub`` (``*`` for any).
        token_ttl_seconds: How long an SFU token is valid.
    """

    public_base_url: str = "http://localhost:8000"
    stun_urls: list[str] = []
    turn_urls: list[str] = []
    turn_ttl_seconds: Annotated[int, msgspec.Meta(ge=60, le=86400)] = 3600
    mesh_max: Annotated[int, msgspec.Meta(ge=2, le=4)] = 4
    sfu: Literal["none", "livekit", "jitsi"] = "none"
    sfu_url: str = ""
    jitsi_app_id: str = "nexus"
    jitsi_domain: str = "*"
    token_ttl_seconds: Annotated[int, msgspec.Meta(ge=60, le=86400)] = 3600


SECRETS = {
    "turn": "NEXUS_MEET_TURN_SECRET",
    "livekit_key": "NEXUS_MEET_LIVEKIT_API_KEY",
    "livekit_secret": "NEXUS_MEET_LIVEKIT_API_SECRET",
    "jitsi": "NEXUS_MEET_JITSI_APP_SECRET",
}
"""The process settings holding Meet's secrets."""


def secret(name: str) -> str:
    """The secret ``name`` (a key of :data:`SECRETS`) from the process, or ``""``."""
    return os.environ.get(SECRETS[name], "")
