"""A provider's refusal (bad key, rate limit, outage) as the SDKs raise it, and its 409.

The kernel shows no 5xx of a plugin's to clients (a 502 would become a 500): a provider
refusing is the state of the tenant's provider settings, a 409 naming what it answered.
"""

from __future__ import annotations

import anthropic
import openai
from google.genai import errors as genai_errors
from litestar.exceptions import HTTPException

__all__ = ("PROVIDER_ERRORS", "provider_failed")

PROVIDER_ERRORS: tuple[type[Exception], ...] = (
    openai.APIError,
    anthropic.APIError,
    genai_errors.APIError,
)
"""What the three SDKs raise when the provider refuses or cannot be reached."""


def provider_failed(exc: Exception) -> HTTPException:
    """A 409 problem naming what the provider said (``provider_status`` when it answered)."""
    status = getattr(exc, "status_code", None) or getattr(exc, "code", None)
    return HTTPException(
        f"the AI provider refused the call: {exc}"[:500],
        status_code=409,
        extra={"provider_status": status if isinstance(status, int) else None},
    )
