"""HTTP conventions shared by every route: problems, request ids, limits, idempotency."""

from __future__ import annotations

from nexus.http._allow import correct_allow_header
from nexus.http._assets import ASSET_TYPES, load_assets
from nexus.http._body import TEXT_LINES_OPT, StrictRequest
from nexus.http._context import (
    SECURITY_HEADERS,
    KernelContext,
    provide_context,
    request_id_middleware,
)
from nexus.http._docs import DOCS_CSP, docs_render_plugins, docs_router
from nexus.http._health import health_routes
from nexus.http._idempotency import (
    IDEMPOTENCY_HEADER,
    IdempotencyMiddleware,
    parse_idempotency_key,
)
from nexus.http._limits import request_limits
from nexus.http._openapi import (
    TimeOfDaySchema,
    document_conventions,
    problem_spec,
    security_components,
)
from nexus.http._ports import KernelDb
from nexus.http._problems import (
    PROBLEM_MEDIA_TYPE,
    PROBLEM_TYPES,
    ProblemType,
    exception_handlers,
    problem_response,
    problem_routes,
    send_problem,
)
from nexus.http._ratelimit import Exhausted, RateLimitMiddleware, RateLimits, TenantPlan
from nexus.http._request import (
    OPEN_ACCESS,
    VISITOR_TENANT_PARAM,
    Caller,
    bind_caller,
    bind_visitor,
    request_actor,
    request_caller,
    request_tenant,
    required_actor,
    required_tenant,
)

__all__ = (
    "Exhausted",
    "ASSET_TYPES",
    "OPEN_ACCESS",
    "VISITOR_TENANT_PARAM",
    "TimeOfDaySchema",
    "TEXT_LINES_OPT",
    "KernelDb",
    "DOCS_CSP",
    "IDEMPOTENCY_HEADER",
    "PROBLEM_MEDIA_TYPE",
    "PROBLEM_TYPES",
    "SECURITY_HEADERS",
    "Caller",
    "IdempotencyMiddleware",
    "KernelContext",
    "ProblemType",
    "RateLimitMiddleware",
    "RateLimits",
    "TenantPlan",
    "StrictRequest",
    "bind_caller",
    "bind_visitor",
    "correct_allow_header",
    "docs_render_plugins",
    "docs_router",
    "document_conventions",
    "exception_handlers",
    "health_routes",
    "load_assets",
    "parse_idempotency_key",
    "problem_response",
    "problem_routes",
    "problem_spec",
    "provide_context",
    "request_actor",
    "request_caller",
    "request_id_middleware",
    "request_limits",
    "request_tenant",
    "required_actor",
    "required_tenant",
    "security_components",
    "send_problem",
)
