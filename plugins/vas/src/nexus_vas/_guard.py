"""Outbound addresses: tenant-given URLs must not reach the deployment's own network.

Provider ``base_url`` overrides are set by tenant admins; a URL whose
host resolves to a loopback, private, link-local or reserved address is refused (a tenant
must not probe the deployment's internal services, or the cloud's metadata endpoint), unless
the process allows it with ``NEXUS_VAS_ALLOW_PRIVATE_URLS=1`` (local development, tests
against local fakes).
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
from urllib.parse import urlsplit

from nexus_vas._errors import ProviderError

__all__ = ("ALLOW_VARIABLE", "check_url")

ALLOW_VARIABLE = "NEXUS_VAS_ALLOW_PRIVATE_URLS"


async def check_url(url: str) -> None:
    """Refuse (a permanent :class:`ProviderError`) a URL that reaches a non-public address."""
    if os.environ.get(ALLOW_VARIABLE) == "1":
        return
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ProviderError(f"not an http(s) URL: {url[:200]}", permanent=True)
    try:
        found = await asyncio.get_running_loop().getaddrinfo(
            parts.hostname,
            parts.port or (443 if parts.scheme == "https" else 80),
            type=socket.SOCK_STREAM,
        )
    except OSError as exc:
        raise ProviderError(f"cannot resolve {parts.hostname}: {exc}", permanent=False) from exc
    for *_, address in found:
        ip = ipaddress.ip_address(address[0])
        if not ip.is_global:
            raise ProviderError(
                f"{parts.hostname} resolves to a non-public address", permanent=True
            )
