"""Retries with exponential backoff for calls to a remote system, honouring its rate limit.

A call that fails on the network, or that the remote answers 429 or 5xx, is tried again
after 0.2 s, 0.4 s, 0.8 s … (``Retry-After`` wins when the remote sends one, capped at
30 s); after ``attempts`` tries the last error is raised. Understood: XML-RPC protocol
errors (Odoo), google-api-python-client's ``HttpError`` (Google) and httpx's status errors
(Zoho, OAuth token endpoints).
"""

from __future__ import annotations

import time
import xmlrpc.client
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
from googleapiclient.errors import HttpError

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("RateLimited", "retrying")

T = TypeVar("T")

_RETRIED_STATUS = frozenset({429, 500, 502, 503, 504})


class RateLimited(Exception):  # noqa: N818 - what the remote said
    """A remote's answer asking to wait (raised by clients that read the status themselves)."""

    def __init__(self, status: int, retry_after: str | None) -> None:
        super().__init__(f"the remote answered {status}")
        self.status = status
        self.retry_after = retry_after


def _status(error: Exception) -> tuple[int, str] | None:
    """The HTTP status and ``Retry-After`` of a remote's refusal, or None."""
    headers: Any
    if isinstance(error, xmlrpc.client.ProtocolError):
        status, headers = error.errcode, error.headers or {}
    elif isinstance(error, HttpError):
        status, headers = int(error.resp.status), error.resp
    elif isinstance(error, httpx.HTTPStatusError):
        status, headers = error.response.status_code, error.response.headers
    elif isinstance(error, RateLimited):
        return error.status, error.retry_after or ""
    else:
        return None
    return status, str(headers.get("Retry-After") or headers.get("retry-after") or "")


def _wait(error: Exception, attempt: int, base: float) -> float | None:
    """How long to wait before the next try, or None when ``error`` is not worth retrying."""
    answered = _status(error)
    if answered is not None:
        status, after = answered
        if status not in _RETRIED_STATUS:
            return None
        if after.isdigit():
            return min(float(after), 30.0)
    elif not isinstance(error, (OSError, httpx.TransportError)):
        return None
    return base * (1 << attempt)


def retrying(call: Callable[[], T], *, attempts: int = 4, base: float = 0.2) -> T:
    """Run ``call`` (blocking), retrying what a remote's transient failure warrants."""
    for attempt in range(attempts):
        try:
            return call()
        except Exception as error:
            wait = _wait(error, attempt, base)
            if wait is None or attempt == attempts - 1:
                raise
            time.sleep(wait)
    raise AssertionError("unreachable")
