"""RFC 9457 problem details for every error response, with a documented ``type`` each."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import asyncpg
import msgspec
import structlog
from litestar import Request, Response, get
from litestar.exceptions import (
    HTTPException,
    NotFoundException,
    SerializationException,
    ValidationException,
)
from litestar.params import FromPath
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

if TYPE_CHECKING:
    from litestar.types import Receive, Scope, Send

__all__ = (
    "PROBLEM_MEDIA_TYPE",
    "PROBLEM_TYPES",
    "Problem",
    "ProblemType",
    "exception_handlers",
    "problem_response",
    "problem_routes",
    "send_problem",
)

log = structlog.get_logger("nexus.http")

PROBLEM_MEDIA_TYPE = "application/problem+json"
_PUBLIC = {"nexus_access": "public"}


class ProblemType(msgspec.Struct, frozen=True):
    """A documented problem type, served at ``/problems/<slug>``."""

    slug: str
    title: str
    status: int
    description: str

    @property
    def uri(self) -> str:
        """The ``type`` member of problems of this type (relative to the API's origin)."""
        return f"/problems/{self.slug}"


PROBLEM_TYPES: dict[str, ProblemType] = {
    p.slug: p
    for p in (
        ProblemType(
            "bad-request",
            "Bad request",
            400,
            "The request could not be understood: a body that is not JSON (malformed, not "
            "UTF-8, or nested too deeply), say; `detail` says what.",
        ),
        ProblemType(
            "validation-error",
            "Validation failed",
            422,
            "The body, query or path parameters do not match the operation's schema; "
            "`errors` lists each failing field with its message.",
        ),
        ProblemType(
            "unauthorized", "Not authenticated", 401, "Credentials are missing or invalid."
        ),
        ProblemType("forbidden", "Forbidden", 403, "The caller may not perform this operation."),
        ProblemType(
            "tenant-suspended",
            "Tenant suspended",
            403,
            "The tenant of these credentials is suspended; a platform admin can resume it.",
        ),
        ProblemType(
            "tenant-inactive",
            "Tenant not active",
            403,
            "The tenant is still being provisioned, or has been deprovisioned.",
        ),
        ProblemType(
            "tenant-required",
            "Tenant required",
            403,
            "This route acts on one tenant's data: platform admins name it in `X-Nexus-Tenant` "
            "(its id or slug).",
        ),
        ProblemType(
            "not-found",
            "Not found",
            404,
            "No such resource or route. A resource of another tenant, or of a plugin switched "
            "off for this tenant, answers exactly like a missing one.",
        ),
        ProblemType(
            "method-not-allowed", "Method not allowed", 405, "The route exists but not this method."
        ),
        ProblemType("conflict", "Conflict", 409, "The request conflicts with the current state."),
        ProblemType(
            "idempotency-key-invalid",
            "Invalid Idempotency-Key",
            400,
            "`Idempotency-Key` must be 1 to 255 visible ASCII characters, sent plain or as a "
            'quoted string (`"…"`).',
        ),
        ProblemType(
            "idempotency-in-flight",
            "Idempotent request in flight",
            409,
            "A request with this `Idempotency-Key` is still running. Retry once it has "
            "finished: the retry gets its response replayed.",
        ),
        ProblemType(
            "idempotency-key-reused",
            "Idempotency-Key reused",
            422,
            "This `Idempotency-Key` was used for a different request (another method, path, "
            "query, caller or body). Keys are scoped to the tenant (to the caller outside a "
            "tenant) and expire `NEXUS_IDEMPOTENCY_TTL_S` seconds (24 hours by default) after "
            "their first response; use a new key for a new request.",
        ),
        ProblemType(
            "payload-too-large",
            "Payload too large",
            413,
            "The body exceeds the limit (`NEXUS_MAX_BODY_BYTES`, 10 MiB by default).",
        ),
        ProblemType(
            "unsupported-media-type",
            "Unsupported media type",
            415,
            "A route that takes a JSON body takes it as `application/json` (or an "
            "`application/*+json` type) only; a body without a `Content-Type` is refused too.",
        ),
        ProblemType(
            "request-header-fields-too-large",
            "Request header fields too large",
            431,
            "A header is longer than `NEXUS_MAX_HEADER_BYTES` (8 KiB by default), or all the "
            "headers together are longer than four times that; nothing of the request was "
            "read.",
        ),
        ProblemType(
            "rate-limited",
            "Too many requests",
            429,
            "The tenant or the credential (API key or user) has used up its request budget "
            "(`NEXUS_RATE_LIMIT_TENANT` or its plan's `api_rate`, `NEXUS_RATE_LIMIT_KEY`); "
            "retry after the number of seconds in `Retry-After`. When the tenant's plan set "
            "the budget, `plan`, `limit` (`api_rate`) and `allowed` name it.",
        ),
        ProblemType(
            "plan-limit",
            "Plan limit reached",
            403,
            "The tenant's plan does not allow this: more users than its seats, a plugin it "
            "does not include, or more language-model tokens this month (docs/plans.md). "
            "`plan` names the plan, `limit` the limit (`users`, `plugins`, `ai_tokens`), "
            "`allowed` what the plan allows and `used` the tenant's usage.",
        ),
        ProblemType(
            "internal-error",
            "Internal server error",
            500,
            "Something failed on the server; the `request_id` finds it in the logs.",
        ),
        ProblemType(
            "insufficient-storage",
            "Insufficient storage",
            507,
            "Storing this would exceed a storage quota (a plugin's, e.g. Drive's per tenant or "
            "per user); `limit`, `used` and `needed` give the numbers in bytes.",
        ),
        ProblemType(
            "not-ready",
            "Not ready",
            503,
            "A dependency the kernel needs is failing; `checks` names it.",
        ),
        ProblemType("http-error", "HTTP error", 0, "Any other HTTP error status."),
    )
}

_BY_STATUS: dict[int, ProblemType] = {}
for _type in PROBLEM_TYPES.values():
    _BY_STATUS.setdefault(_type.status, _type)  # the first type of a status is its generic one


class Problem(msgspec.Struct, omit_defaults=True):
    """An RFC 9457 problem details object."""

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    request_id: str | None = None
    errors: list[dict[str, Any]] | None = None


def problem_response(
    request: Request[Any, Any, Any],
    *,
    status: int,
    detail: str | None = None,
    problem_type: ProblemType | None = None,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> Response[Any]:
    """Build an ``application/problem+json`` response."""
    ptype = problem_type or _BY_STATUS.get(status) or PROBLEM_TYPES["http-error"]
    body: dict[str, Any] = msgspec.structs.asdict(
        Problem(
            type=ptype.uri,
            title=ptype.title,
            status=status,
            detail=detail,
            instance=request.url.path,
            request_id=request.scope.get("state", {}).get("request_id"),
        )
    )
    body = {key: value for key, value in body.items() if value is not None}
    body.update(extensions)
    return Response(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


async def send_problem(
    scope: Scope,
    receive: Receive,
    send: Send,
    *,
    status: int,
    detail: str | None = None,
    problem_type: ProblemType | None = None,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> None:
    """Answer with a problem straight from ASGI middleware, before any handler runs."""
    request: Request[Any, Any, Any] = Request(scope, receive, send)
    response = problem_response(
        request,
        status=status,
        detail=detail,
        problem_type=problem_type,
        headers=headers,
        **extensions,
    )
    await response.to_asgi_response(app=None, request=request)(scope, receive, send)


def _http_exception(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if isinstance(exc, ValidationException):
        errors = exc.extra if isinstance(exc.extra, list) else None
        return problem_response(
            request, status=422, detail="the request does not match the schema", errors=errors
        )
    if exc.status_code >= 500 and exc.status_code not in _CLIENT_VISIBLE_5XX:
        # Server-side failures keep their internals in the log, never in the response.
        return _internal_error(request, exc)
    generic = isinstance(exc, NotFoundException) or exc.detail == _default_detail(exc.status_code)
    detail = None if generic else exc.detail
    # A dict in ``extra`` carries extension members (e.g. the features in the way of a 409).
    extensions = exc.extra if isinstance(exc.extra, dict) else {}
    return problem_response(
        request, status=exc.status_code, detail=detail, headers=exc.headers, **extensions
    )


_CLIENT_VISIBLE_5XX = frozenset({507})
"""5xx statuses that describe the request, not a failure: 507 (a storage quota is full)."""


def _default_detail(status: int) -> str:
    from http import HTTPStatus  # noqa: PLC0415

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _internal_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.error("unhandled error", path=request.url.path, exc_info=exc)
    return problem_response(request, status=HTTP_500_INTERNAL_SERVER_ERROR)


def _data_error(request: Request[Any, Any, Any], exc: asyncpg.DataError) -> Response[Any]:
    # A value that passed the schema but that PostgreSQL cannot take (a NUL character in a
    # string, a date out of range…): the client's mistake, so 422, without internals.
    log.info("value refused by the database", path=request.url.path, sqlstate=exc.sqlstate)
    return problem_response(
        request, status=422, detail="a value in the request cannot be stored or compared"
    )


def _undecodable(request: Request[Any, Any, Any], exc: SerializationException) -> Response[Any]:
    # Litestar failed to decode something the client sent (a body read outside
    # ``StrictRequest.json``): the client's mistake, never a 500.
    log.info("request not decodable", path=request.url.path, error=str(exc))
    return problem_response(request, status=400, detail="the request could not be decoded")


exception_handlers: dict[type[Exception] | int, Any] = {
    HTTPException: _http_exception,
    SerializationException: _undecodable,
    asyncpg.DataError: _data_error,
    Exception: _internal_error,
}


@get("/problems", tags=["kernel"], summary="List problem types", opt=_PUBLIC)
async def list_problem_types() -> list[ProblemType]:
    """Every problem ``type`` the API may answer with."""
    return list(PROBLEM_TYPES.values())


@get("/problems/{slug:str}", tags=["kernel"], summary="Describe a problem type", opt=_PUBLIC)
async def show_problem_type(slug: FromPath[str]) -> ProblemType:
    """The documentation of one problem ``type``."""
    try:
        return PROBLEM_TYPES[slug]
    except KeyError:
        raise NotFoundException() from None


problem_routes = [list_problem_types, show_problem_type]
