"""What every CRM route shares: port aliases, cursor pages, permissions and features."""

from __future__ import annotations

import base64
import inspect
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar
from uuid import UUID

import msgspec
from litestar.di import NamedDependency
from litestar.exceptions import ClientException, NotFoundException, ValidationException
from litestar.handlers import HTTPRouteHandler
from litestar.params import QueryParameter, SkipValidation
from nexus_hookspecs import (
    Connection,
    Database,
    EventPublisher,
    PluginSettings,
    RequestContext,
)
from nexus_hookspecs.piccolo import TimeOrderedId

if TYPE_CHECKING:
    from litestar import Controller

__all__ = (
    "ACTIVITIES_FEATURE",
    "ACTIVITIES_WRITE",
    "CONTACTS_IMPORT",
    "CONTACTS_WRITE",
    "DEALS_FEATURE",
    "DEALS_WRITE",
    "IMPORT_FEATURE",
    "MAX_LIMIT",
    "PIPELINES_WRITE",
    "Context",
    "CursorParam",
    "Db",
    "Events",
    "LimitParam",
    "Page",
    "Settings",
    "conflict",
    "decode_cursor",
    "documented",
    "exists",
    "new_id",
    "not_found",
    "page_of",
    "unset",
)

T = TypeVar("T")

_IDS = TimeOrderedId()

CONTACTS_WRITE = "crm.contacts:write"
CONTACTS_IMPORT = "crm.contacts:import"
DEALS_WRITE = "crm.deals:write"
PIPELINES_WRITE = "crm.pipelines:write"
ACTIVITIES_WRITE = "crm.activities:write"

DEALS_FEATURE = "crm.deals"
ACTIVITIES_FEATURE = "crm.activities"
IMPORT_FEATURE = "crm.import"

# The ports are runtime-checkable Protocols; validating an injected one is an isinstance
# check against the Protocol (about 10 µs per request and port on Python 3.11) of an object
# the kernel itself provides, so Litestar is told to skip it. Static types are unchanged.
Db = NamedDependency[SkipValidation[Database]]
Events = NamedDependency[SkipValidation[EventPublisher]]
Context = NamedDependency[SkipValidation[RequestContext]]
Settings = NamedDependency[SkipValidation[PluginSettings]]

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

LimitParam = Annotated[
    int,
    QueryParameter(ge=1, le=MAX_LIMIT, description=f"Page size (at most {MAX_LIMIT})."),
]
CursorParam = Annotated[
    str | None,
    QueryParameter(description="`next_cursor` of the previous page.", max_length=1024),
]


class Page(msgspec.Struct, Generic[T]):
    """One page of a list, the kernel's way: oldest first, with an opaque cursor.

    Attributes:
        items: The page's items, oldest first.
        next_cursor: Pass as ``cursor`` to get the next page; ``null`` on the last page.
    """

    items: list[T]
    next_cursor: str | None = None


def decode_cursor(cursor: str | None) -> UUID | None:
    """Read a cursor; a 422 naming ``cursor`` when it is not one of ours."""
    if cursor is None:
        return None
    try:
        return UUID(bytes=base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except ValueError:
        raise ValidationException(
            "invalid cursor",
            extra=[{"key": "cursor", "message": "not a cursor of this list", "source": "query"}],
        ) from None


def page_of(items: list[T], limit: int, last_id: Any) -> Page[T]:
    """The page of ``items`` fetched with ``limit + 1`` rows: the extra row means "more"."""
    if len(items) <= limit:
        return Page(items=items)
    items = items[:limit]
    cursor = base64.urlsafe_b64encode(last_id(items[-1]).bytes).decode().rstrip("=")
    return Page(items=items, next_cursor=cursor)


def documented(controller: type[Controller]) -> type[Controller]:
    """Give each route of ``controller`` its docstring as its OpenAPI description."""
    for value in vars(controller).values():
        if isinstance(value, HTTPRouteHandler) and value.description is None:
            doc = inspect.getdoc(value.fn)
            if doc:
                value.description = doc
    return controller


def not_found() -> NotFoundException:
    """What a missing resource (or another tenant's) answers: 404."""
    return NotFoundException()


def conflict(detail: str) -> ClientException:
    """A 409 problem."""
    return ClientException(detail, status_code=409)


def unset(value: Any) -> bool:
    """Whether a PATCH field was left out."""
    return value is msgspec.UNSET


def new_id() -> UUID:
    """A new time-ordered id (UUIDv7), as ``TenantOwned`` tables use."""
    return _IDS.python()


async def exists(conn: Connection, table: str, row_id: UUID) -> bool:
    """Whether ``table`` has the row ``row_id`` for the transaction's tenant."""
    return bool(await conn.fetchval(f"select exists(select 1 from {table} where id = $1)", row_id))
