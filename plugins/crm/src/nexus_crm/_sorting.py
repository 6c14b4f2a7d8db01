"""Sorted lists with keyset cursors: the cursor carries the last row's sort key and id.

The default order of every list is creation (ids are time-ordered), with the kernel's
cursor; another order (``?sort=name``) gets a cursor that names the order, so a cursor of
one order is refused (422) by another.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

import msgspec
from litestar.exceptions import ValidationException

from nexus_crm._common import Page

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = ("SortOrder",)

T = TypeVar("T")


@dataclass(frozen=True)
class SortOrder:
    """An order over a list query's rows (``q``), ties broken by id.

    Attributes:
        name: The ``sort`` value naming it.
        keys: SQL expressions over the inner query's columns (``q.<column>``), each with the
            PostgreSQL type its cursor value is cast to. They must not be null.
    """

    name: str
    keys: tuple[tuple[str, str], ...]

    def query(self, inner: str, args: list[Any], cursor: str | None, limit: int) -> str:
        """The page query over ``inner`` (a ``select`` without order or limit)."""
        extras = ", ".join(f"{expr} as _k{i}" for i, (expr, _) in enumerate(self.keys))
        order = ", ".join([expr for expr, _ in self.keys] + ["q.id"])
        where = ""
        if cursor is not None:
            *values, last_id = self._decode(cursor)
            params = []
            for (_, pg_type), value in zip(self.keys, values, strict=True):
                args.append(value)
                params.append(f"${len(args)}::text::{pg_type}")
            args.append(last_id)
            params.append(f"${len(args)}::uuid")
            where = f"where ({order}) > ({', '.join(params)})"
        args.append(limit + 1)
        return f"select q.*, {extras} from ({inner}) q {where} order by {order} limit ${len(args)}"

    def page(
        self, rows: Sequence[Any], limit: int, convert: Callable[[dict[str, Any]], T]
    ) -> Page[T]:
        """The page of ``rows`` (fetched with ``limit + 1``), with the cursor after it."""
        items = [convert(dict(row)) for row in rows[:limit]]
        if len(rows) <= limit:
            return Page(items=items)
        last = rows[limit - 1]
        values = [self.name, *(str(last[f"_k{i}"]) for i in range(len(self.keys)))]
        raw = msgspec.json.encode([*values, str(last["id"])])
        return Page(items=items, next_cursor=base64.urlsafe_b64encode(raw).decode().rstrip("="))

    def _decode(self, cursor: str) -> list[Any]:
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            name, *values, last_id = msgspec.json.decode(raw, type=list[str])
            if name != self.name or len(values) != len(self.keys):
                raise ValueError(cursor)
            return [*values, UUID(last_id)]
        except (ValueError, msgspec.DecodeError):
            raise ValidationException(
                "invalid cursor",
                extra=[
                    {
                        "key": "cursor",
                        "message": f"not a cursor of this list sorted by {self.name}",
                        "source": "query",
                    }
                ],
            ) from None
