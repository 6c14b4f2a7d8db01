"""HTTP conventions shared by every route: problems, request ids, limits, idempotency."""

from __future__ import annotations

from nexus.http._context import (
    SECURITY_HEADERS,
    KernelContext,
    provide_context,
    request_id_middleware,
)
from nexus.http._health import health_routes
from nexus.http._idempotency import (
    IDEMPOTENCY_HEADER,
    IdempotencyMiddleware,
    parse_idempotency_key,
)
from nexus.http._problems import (
    PROBLEM_MEDIA_TYPE,
    PROBLEM_TYPES,
    ProblemType,
    exception_handlers,
    problem_response,
    problem_routes,
    send_problem,
)
from nexus.http._ratelimit import RateLimitMiddleware, RateLimits

__all__ = (
    "IDEMPOTENCY_HEADER",
    "PROBLEM_MEDIA_TYPE",
    "PROBLEM_TYPES",
    "SECURITY_HEADERS",
    "IdempotencyMiddleware",
    "KernelContext",
    "ProblemType",
    "RateLimitMiddleware",
    "RateLimits",
    "exception_handlers",
    "health_routes",
    "parse_idempotency_key",
    "problem_response",
    "problem_routes",
    "provide_context",
    "request_id_middleware",
    "send_problem",
)
