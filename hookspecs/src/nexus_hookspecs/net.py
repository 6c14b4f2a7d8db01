"""Outbound addresses: a URL a tenant gives must not reach the deployment's own network.

Webhook endpoints, provider ``base_url`` overrides and external servers are set by tenant
admins. A URL whose host resolves to a loopback, private, link-local or reserved address is
refused (a tenant must not probe the deployment's internal services or the cloud's metadata
endpoint), unless the process allows it with the plugin's own variable set to ``1``
(``NEXUS_<PLUGIN>_ALLOW_PRIVATE_URLS``: local development, tests against local fakes).
Check when the URL is saved and again before each call: the name may resolve elsewhere by
then.

Example::

    try:
        await check_public_url(url, allow_variable="NEXUS_LOYALTY_ALLOW_PRIVATE_URLS")
    except RefusedURL as exc:
        raise ValidationException(str(exc)) from exc
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
from urllib.parse import urlsplit

__all__ = ("RefusedURL", "check_public_url")


class RefusedURL(Exception):  # noqa: N818 - reads as what happened
    """The URL may not be called; ``permanent`` unless its host merely did not resolve."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.permanent = permanent


async def check_public_url(url: str, *, allow_variable: str) -> None:
    """Raise :class:`RefusedURL` unless ``url`` is http(s) to public addresses only.

    Args:
        url: The URL a tenant gave.
        allow_variable: The environment variable that, set to ``1``, allows any address.

    Raises:
        RefusedURL: Not an http(s) URL, malformed, or its host resolves to a non-public
            address (``permanent``); or its host does not resolve now (not ``permanent``).
    """
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError as exc:  # an unbalanced "[" or a port out of range
        raise RefusedURL(f"not a valid URL: {url[:200]}", permanent=True) from exc
    if parts.scheme not in ("http", "https") or not host:
        raise RefusedURL(f"not an http(s) URL: {url[:200]}", permanent=True)
    if os.environ.get(allow_variable) == "1":
        return
    try:
        found = await asyncio.get_running_loop().getaddrinfo(
            host, port or (443 if parts.scheme == "https" else 80), type=socket.SOCK_STREAM
        )
    except (OSError, UnicodeError) as exc:
        raise RefusedURL(f"cannot resolve {host}: {exc}", permanent=False) from exc
    for *_, address in found:
        if not ipaddress.ip_address(address[0]).is_global:
            raise RefusedURL(f"{host} resolves to a non-public address", permanent=True)
