"""Cursor pages: one page type, one parameter pair, one opaque cursor format, keyset paging.

Every list answers ``{"items": [...], "next_cursor": "..." | null}``, oldest first unless a
sort says otherwise, at most :data:`MAX_LIMIT` items a page. A cursor is the base64url
encoding of the JSON array ``[order, *sort values, last id]``: it names the order it was made
for, so a cursor of one list order is refused (422 naming ``cursor``) by another.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar
from uuid import UUID

import msgspec
from litestar.params import QueryParameter

from nexus_hookspecs.http._problems import invalid

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = (
    "BY_ID",
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "Cursor",
    "Keyset",
    "Limit",
    "Page",
    "after_id",
    "page_of",
    "piccolo_page",
)

T = TypeVar("T")

DEFAULT_LIMIT = 50
"""The page size when the client does not ask for one."""

MAX_LIMIT = 200
"""The largest page a client may ask for."""

_CURSOR_MAX = 1024

Limit = Annotated[
    int, QueryParameter(ge=1, le=MAX_LIMIT, description=f"Page size (at most {MAX_LIMIT}).")
]
"""The ``limit`` query parameter: ``limit: Limit = DEFAULT_LIMIT``."""

Cursor = Annotated[
    str | None,
    QueryParameter(
        description="`next_cursor` of the previous page.",
        min_length=1,
        max_length=_CURSOR_MAX,
        pattern="^[A-Za-z0-9_-]+$",
    ),
]
"""The ``cursor`` query parameter: ``cursor: Cursor = None``."""


class Page(msgspec.Struct, Generic[T]):
    """One page of a list.

    Attributes:
        items: The page's items, in the list's order (oldest first by default).
        next_cursor: Pass as ``cursor`` to get the next page; ``null`` on the last page.
    """

    items: list[T]
    next_cursor: str | None = None


@dataclass(frozen=True)
class Keyset:
    """An order over a list's rows, ties broken by id, and the cursors that continue it.

    Attributes:
        name: The order's name, carried in its cursors (``"id"``, ``"name"``, …).
        keys: Sort keys before the id: SQL expressions over the inner query's columns
            (``q.<column>``), each with the PostgreSQL type its cursor value is cast back
            to. They must not be null.

    Example::

        BY_NAME = Keyset("name", keys=(("lower(q.name)", "text"),))

        args: list[Any] = []
        sql = BY_NAME.sql("select id, name from crm_company", args, cursor, limit)
        rows = await conn.fetch(sql, *args)
        return BY_NAME.page(rows, limit, lambda row: msgspec.convert(row, CompanyOut))
    """

    name: str = "id"
    keys: tuple[tuple[str, str], ...] = ()

    def decode(self, cursor: str | None) -> tuple[list[str], UUID] | None:
        """The sort values and id a cursor continues after; 422 when it is not one of ours."""
        if cursor is None:
            return None
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            name, *values, last = msgspec.json.decode(raw, type=list[str])
            if name != self.name or len(values) != len(self.keys):
                raise ValueError(cursor)
            return values, UUID(last)
        except (ValueError, binascii.Error, msgspec.DecodeError):
            order = "" if self.name == "id" else f" sorted by {self.name}"
            invalid("cursor", f"not a cursor of this list{order}", source="query")

    def encode(self, values: Sequence[Any], last_id: UUID) -> str:
        """The cursor continuing after a row with sort ``values`` and id ``last_id``."""
        raw = msgspec.json.encode([self.name, *(str(value) for value in values), str(last_id)])
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def sql(self, inner: str, args: list[Any], cursor: str | None, limit: int) -> str:
        """The page query over ``inner`` (a ``select`` with an ``id`` column, no order/limit).

        Appends its parameters to ``args`` (the caller's own come first) and fetches
        ``limit + 1`` rows: the extra one says there is another page.
        """
        extras = "".join(f", {expr} as _k{i}" for i, (expr, _) in enumerate(self.keys))
        order = ", ".join([expr for expr, _ in self.keys] + ["q.id"])
        where = ""
        after = self.decode(cursor)
        if after is not None:
            values, last_id = after
            params = []
            for (_, pg_type), value in zip(self.keys, values, strict=True):
                args.append(value)
                params.append(f"${len(args)}::text::{pg_type}")
            args.append(last_id)
            params.append(f"${len(args)}::uuid")
            where = f" where ({order}) > ({', '.join(params)})"
        args.append(limit + 1)
        return f"select q.*{extras} from ({inner}) q{where} order by {order} limit ${len(args)}"

    def page(
        self, rows: Sequence[Any], limit: int, convert: Callable[[dict[str, Any]], T]
    ) -> Page[T]:
        """The page of ``rows`` fetched by :meth:`sql`, each row converted to an item."""
        items = [convert(dict(row)) for row in rows[:limit]]
        if len(rows) <= limit:
            return Page(items=items)
        last = rows[limit - 1]
        values = [last[f"_k{i}"] for i in range(len(self.keys))]
        return Page(items=items, next_cursor=self.encode(values, last["id"]))


BY_ID = Keyset()
"""Creation order (ids are time-ordered): the default order of every list."""


def after_id(cursor: str | None) -> UUID | None:
    """The id a creation-order cursor continues after (``None`` for the first page).

    Raises a 422 naming ``cursor`` when it is not a cursor of a creation-order list.
    """
    after = BY_ID.decode(cursor)
    return None if after is None else after[1]


def page_of(items: list[T], limit: int, *, id_of: Callable[[T], UUID] | None = None) -> Page[T]:
    """Cut ``limit + 1`` items fetched in creation order into a page and its cursor.

    Args:
        items: The items, fetched with ``limit + 1`` after :func:`after_id`'s id.
        limit: The page size asked for.
        id_of: How to get an item's id (default: its ``id`` attribute or key).
    """
    if len(items) <= limit:
        return Page(items=items)
    items = items[:limit]
    last = items[-1]
    if id_of is not None:
        last_id = id_of(last)
    else:
        last_id = last["id"] if isinstance(last, dict) else last.id  # type: ignore[attr-defined]
    return Page(items=items, next_cursor=BY_ID.encode((), last_id))


async def piccolo_page(
    query: Any,
    id_column: Any,
    *,
    cursor: str | None,
    limit: int,
    convert: Callable[[dict[str, Any]], T],
) -> Page[T]:
    """Run a Piccolo ``select`` as one creation-order page (inside ``db.transaction()``).

    Example::

        async with db.transaction():
            query = Item.select(*COLUMNS).where(Item.status == "open")
            return await piccolo_page(
                query, Item.id, cursor=cursor, limit=limit,
                convert=lambda row: msgspec.convert(row, ItemOut),
            )
    """
    after = after_id(cursor)
    if after is not None:
        query = query.where(id_column > after)
    rows = await query.order_by(id_column).limit(limit + 1)
    items = [convert(row) for row in rows[:limit]]
    if len(rows) <= limit:
        return Page(items=items)
    return Page(items=items, next_cursor=BY_ID.encode((), rows[limit - 1][id_column._meta.name]))
