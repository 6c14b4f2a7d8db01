"""Outbound addresses: tenant-given URLs must not reach the deployment's own network.

Provider ``base_url`` overrides are set by tenant admins; the guard is
``nexus_hookspecs.net``'s, allowing any address when ``NEXUS_VAS_ALLOW_PRIVATE_URLS=1``
(local development, tests against local fakes).
"""

from __future__ import annotations

from nexus_hookspecs.net import RefusedURL, check_public_url

from nexus_vas._errors import ProviderError

__all__ = ("ALLOW_VARIABLE", "check_url")

ALLOW_VARIABLE = "NEXUS_VAS_ALLOW_PRIVATE_URLS"


async def check_url(url: str) -> None:
    """Refuse (a :class:`ProviderError`) a URL that reaches a non-public address."""
    try:
        await check_public_url(url, allow_variable=ALLOW_VARIABLE)
    except RefusedURL as exc:
        raise ProviderError(str(exc), permanent=exc.permanent) from exc
