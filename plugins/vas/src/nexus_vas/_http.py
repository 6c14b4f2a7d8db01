"""One HTTP call to a provider: the address checked, network errors made unknowns."""

from __future__ import annotations

from typing import Any

import httpx

from nexus_vas._errors import ProviderError
from nexus_vas._guard import check_url

__all__ = ("call", "json_of", "refusal")

TIMEOUT = httpx.Timeout(15.0)


async def call(method: str, url: str, **kwargs: Any) -> httpx.Response:
    """Send one request; a network error is a :class:`ProviderError` of unknown outcome."""
    await check_url(url)
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT) as client:
            return await client.request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        raise ProviderError(f"{type(exc).__name__}: {exc}"[:500], permanent=False) from exc


def json_of(response: httpx.Response) -> Any:
    """The body as JSON, or ``{}`` when it is not JSON."""
    try:
        return response.json()
    except ValueError:
        return {}


def refusal(response: httpx.Response, detail: str) -> ProviderError:
    """A non-2xx answer: a 4xx (but 408, 409, 429) refused the call; others are unknowns."""
    status = response.status_code
    permanent = 400 <= status < 500 and status not in (408, 409, 429)
    return ProviderError(f"HTTP {status}: {detail}"[:500], permanent=permanent)
