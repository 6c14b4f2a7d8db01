"""A provider's refusal (bad key, rate limit, outage) as its 409.

Each adapter names what its SDK raises then (``Adapter.errors``).

The kernel shows no 5xx of a plugin's to clients (a 502 would become a 500): a provider
refusing is the state of the tenant's provider settings, a 409 naming what it answered.
"""

from __future__ import annotations

from litestar.exceptions import HTTPException

__all__ = ("provider_failed",)


def provider_failed(exc: Exception) -> HTTPException:
    """A 409 problem naming what the provider said (``provider_status`` when it answered)."""
    status = getattr(exc, "status_code", None) or getattr(exc, "code", None)
    return HTTPException(
        f"the AI provider refused the call: {exc}"[:500],
        status_code=409,
        extra={"provider_status": status if isinstance(status, int) else None},
    )
