"""The API conventions in the OpenAPI document: bearer auth and problem responses."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Components, Schema, SecurityScheme
from litestar.openapi.spec.enums import OpenAPIType
from litestar.plugins import OpenAPISchemaPlugin
from litestar.routes import HTTPRoute

from nexus.http._problems import PROBLEM_MEDIA_TYPE, PROBLEM_TYPES, Problem
from nexus.http._request import OPEN_ACCESS

if TYPE_CHECKING:
    from litestar import Litestar

__all__ = (
    "SECURITY_SCHEME",
    "TimeOfDaySchema",
    "document_conventions",
    "problem_spec",
    "security_components",
)

SECURITY_SCHEME = "bearer"
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_EVERY_ROUTE = (404, 422, 429, 500)
_AUTHENTICATED = (401, 403)
_WRITE = (400, 409, 413, 415)


class TimeOfDaySchema(OpenAPISchemaPlugin):
    """Document ``datetime.time`` as what it is, a time of day (``09:00:00``).

    Litestar maps it to ``format: duration`` (ISO 8601 ``PT9H``), which its values are not;
    JSON Schema's ``time`` format wants an offset, which a local time of day has not either.
    """

    @staticmethod
    def is_plugin_supported_type(value: Any) -> bool:
        """Only ``datetime.time``."""
        return value is dt.time

    def to_openapi_schema(self, field_definition: Any, schema_creator: Any) -> Schema:
        """A string ``HH:MM:SS[.ffffff]``, as msgspec reads and writes it."""
        return Schema(
            type=OpenAPIType.STRING,
            pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?$",
            description="A time of day, HH:MM:SS",
        )


def security_components() -> Components:
    """The security scheme every non-public operation requires."""
    return Components(
        security_schemes={
            SECURITY_SCHEME: SecurityScheme(
                type="http",
                scheme="bearer",
                description="An API key (`nxk_…`, `nxp_…`) or a JWT from POST /api/v1/auth/token.",
            )
        }
    )


def problem_spec(status: int, description: str | None = None) -> ResponseSpec:
    """The OpenAPI description of a problem response with ``status``."""
    problem = next((p for p in PROBLEM_TYPES.values() if p.status == status), None)
    return ResponseSpec(
        data_container=Problem,
        media_type=PROBLEM_MEDIA_TYPE,
        description=description or (problem.title if problem else "Problem"),
        generate_examples=False,
    )


def document_conventions(app: Litestar) -> None:
    """Declare, on every operation, its security and the problem responses it may give.

    Runs once after the app is built and before the schema is first generated, so the
    OpenAPI document tells clients (and Schemathesis) the truth: which operations need a
    bearer token, and which ``application/problem+json`` statuses each may answer with.
    A handler's own ``responses`` with a status of 400 or more (``{409:
    ResponseSpec(None, description="A draft has no e-invoice")}``) are problems too.
    """
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if not handler.include_in_schema:
                continue
            codes = set(_EVERY_ROUTE)
            # Public and visitor routes take no credentials (a visitor's names its tenant).
            if handler.opt.get("nexus_access", "tenant") not in OPEN_ACCESS:
                codes.update(_AUTHENTICATED)
                handler.security = [*(handler.security or ()), {SECURITY_SCHEME: []}]
            if handler.http_methods & _WRITES:
                codes.update(_WRITE)
            declared = dict(handler.responses or {})
            # A route declares the problems it answers beyond the conventions (a read that
            # answers 409, say) with a description only: each gets the problem schema.
            for code, spec in declared.items():
                if code >= 400:
                    declared[code] = problem_spec(code, spec.description)
            handler.responses = {**{code: problem_spec(code) for code in sorted(codes)}, **declared}
