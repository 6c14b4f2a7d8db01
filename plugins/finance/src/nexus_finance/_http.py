"""What every Finance route shares: ports, permissions, pages and the tenant's books."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar
from uuid import UUID

import msgspec
from litestar.di import NamedDependency
from litestar.params import QueryParameter, SkipValidation
from nexus_hookspecs import (
    Database,
    EventPublisher,
    Features,
    PluginSettings,
    RequestContext,
)

from nexus_finance._books import company
from nexus_finance._errors import invalid

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

    from nexus_finance._books import Company
    from nexus_finance._settings import FinanceSettings

__all__ = (
    "ACCOUNTS_WRITE",
    "ENTRIES_WRITE",
    "INVOICES_WRITE",
    "MAX_LIMIT",
    "MULTI_CURRENCY",
    "PARTNERS_WRITE",
    "PAYMENTS_WRITE",
    "PERIODS_WRITE",
    "Ctx",
    "CursorParam",
    "Db",
    "Events",
    "FeaturesDep",
    "LimitParam",
    "Page",
    "SettingsDep",
    "books",
    "decode_cursor",
    "page",
    "tenant_settings",
)

ACCOUNTS_WRITE = "finance.accounts:write"
ENTRIES_WRITE = "finance.entries:write"
INVOICES_WRITE = "finance.invoices:write"
PARTNERS_WRITE = "finance.partners:write"
PAYMENTS_WRITE = "finance.payments:write"
PERIODS_WRITE = "finance.periods:write"
MULTI_CURRENCY = "finance.multi_currency"

Db = NamedDependency[SkipValidation[Database]]
Ctx = NamedDependency[SkipValidation[RequestContext]]
Events = NamedDependency[SkipValidation[EventPublisher]]
FeaturesDep = NamedDependency[SkipValidation[Features]]
SettingsDep = NamedDependency[SkipValidation[PluginSettings]]

T = TypeVar("T")
MAX_LIMIT = 200
LimitParam = Annotated[
    int, QueryParameter(ge=1, le=MAX_LIMIT, description=f"Page size (at most {MAX_LIMIT}).")
]
CursorParam = Annotated[
    str | None,
    QueryParameter(
        description="`next_cursor` of the previous page.",
        min_length=22,
        max_length=22,
        pattern="^[A-Za-z0-9_-]{22}$",
    ),
]


class Page(msgspec.Struct, Generic[T]):
    """One page of a list, oldest first; pass ``next_cursor`` as ``cursor`` for the next."""

    items: list[T]
    next_cursor: str | None = None


def decode_cursor(cursor: str | None) -> UUID | None:
    """The id a cursor continues after; 422 when it is not one of ours."""
    if cursor is None:
        return None
    try:
        return UUID(bytes=base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except ValueError:
        invalid("cursor", "not a cursor of this list")


def page(items: list[T], rows: list[Any], limit: int) -> Page[T]:
    """A page of ``items`` built from ``limit + 1`` fetched ``rows`` (the extra says more)."""
    if len(rows) <= limit:
        return Page(items=items)
    last: UUID = rows[limit - 1]["id"]
    cursor = base64.urlsafe_b64encode(last.bytes).decode().rstrip("=")
    return Page(items=items[:limit], next_cursor=cursor)


async def tenant_settings(
    plugin_settings: PluginSettings, context: RequestContext
) -> FinanceSettings:
    """The request tenant's Finance settings (its preset's values over the defaults)."""
    if context.tenant_id is None:  # the gate admits Finance routes only inside a tenant
        raise RuntimeError("a Finance route was called outside a tenant")
    loaded: FinanceSettings = await plugin_settings.get(context.tenant_id)
    return loaded


async def books(
    conn: Connection, plugin_settings: PluginSettings, context: RequestContext
) -> Company:
    """The request tenant's books (seeded on first use from its settings)."""
    return await company(conn, lambda: tenant_settings(plugin_settings, context))
