"""Outbound addresses: an outgoing webhook's URL must not reach the deployment's network.

A channel admin sets the URL; one whose host resolves to a loopback, private, link-local or
reserved address is refused (a tenant must not probe the deployment's internal services or
the cloud's metadata endpoint), unless the process allows it with
``NEXUS_CHAT_ALLOW_PRIVATE_URLS=1`` (local development, tests against a local receiver).
The same approach as the notification plugin's guard; checked when the webhook is created
and again before each delivery (the name may resolve elsewhere by then).
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
from urllib.parse import urlsplit

__all__ = ("ALLOW_VARIABLE", "RefusedURL", "check_url")

ALLOW_VARIABLE = "NEXUS_CHAT_ALLOW_PRIVATE_URLS"


class RefusedURL(Exception):  # noqa: N818 - reads as what happened
    """The URL may not be called; ``permanent`` unless it merely did not resolve."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.permanent = permanent


async def check_url(url: str) -> None:
    """Raise :class:`RefusedURL` for a URL that is not http(s) or reaches a non-public address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RefusedURL("not an http(s) URL", permanent=True)
    if os.environ.get(ALLOW_VARIABLE) == "1":
        return
    try:
        found = await asyncio.get_running_loop().getaddrinfo(
            parts.hostname,
            parts.port or (443 if parts.scheme == "https" else 80),
            type=socket.SOCK_STREAM,
        )
    except OSError as exc:
        raise RefusedURL(f"cannot resolve {parts.hostname}", permanent=False) from exc
    for *_, address in found:
        if not ipaddress.ip_address(address[0]).is_global:
            raise RefusedURL(f"{parts.hostname} resolves to a non-public address", permanent=True)
