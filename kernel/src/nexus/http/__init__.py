"""HTTP conventions shared by every route: problems, request ids, health."""

from __future__ import annotations

from nexus.http._context import KernelContext, provide_context, request_id_middleware
from nexus.http._health import health_routes
from nexus.http._problems import (
    PROBLEM_MEDIA_TYPE,
    PROBLEM_TYPES,
    ProblemType,
    exception_handlers,
    problem_response,
    problem_routes,
)

__all__ = (
    "PROBLEM_MEDIA_TYPE",
    "PROBLEM_TYPES",
    "KernelContext",
    "ProblemType",
    "exception_handlers",
    "health_routes",
    "problem_response",
    "problem_routes",
    "provide_context",
    "request_id_middleware",
)
