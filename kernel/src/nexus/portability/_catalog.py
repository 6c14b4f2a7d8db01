"""Which tables hold a tenant's rows, found in the PostgreSQL catalog, and how to read them.

Every table of the schema with a ``tenant_id`` column counts (kernel and plugins alike,
whatever they are named); partitions are read through their parent. Columns PostgreSQL
computes itself (``generated always`` identities and generated columns) are left out: the
target computes them again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

if TYPE_CHECKING:
    import asyncpg

__all__ = ("CANONICAL_SETTINGS", "TenantTable", "read_query", "tenant_tables")

# Text forms that do not depend on the session, so export and verification produce the
# same bytes on any server.
CANONICAL_SETTINGS = (
    "set local timezone to 'UTC'; set local datestyle to 'ISO, YMD'; "
    "set local intervalstyle to 'postgres'; set local extra_float_digits to 3; "
    "set local bytea_output to 'hex'"
)

# Bus state that is only meaningful in the database it was assigned in: an event's place in
# the embedded log. Imported events keep ``published_at``, so they are not relayed again.
_RESET_COLUMNS = {("nexus_event_outbox", "position")}

_TABLES = """
select c.oid, c.relname::text as name,
       (select array_agg(a.attname::text order by a.attnum) from pg_attribute a
         where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
           and a.attidentity <> 'a' and a.attgenerated = '') as columns,
       (select array_agg(a.attname::text order by k.ord)
          from pg_index i
          cross join lateral unnest(i.indkey) with ordinality as k(attnum, ord)
          join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
         where i.indrelid = c.oid and i.indisprimary) as primary_key,
       (select array_agg(distinct f.confrelid::regclass::text) from pg_constraint f
         where f.conrelid = c.oid and f.contype = 'f' and f.confrelid <> c.oid) as references
  from pg_class c
  join pg_attribute t on t.attrelid = c.oid and t.attname = 'tenant_id' and not t.attisdropped
 where c.relkind in ('r', 'p') and not c.relispartition
   and c.relnamespace = current_schema()::regnamespace
 order by c.relname
"""


class TenantTable(msgspec.Struct, frozen=True, kw_only=True):
    """A table with a ``tenant_id`` column.

    Attributes:
        name: The table's name (in the current schema).
        columns: The columns an archive carries, in table order.
        primary_key: The primary key's columns (empty when there is none).
        references: Other tables its foreign keys point at.
    """

    name: str
    columns: tuple[str, ...]
    primary_key: tuple[str, ...]
    references: tuple[str, ...]


async def tenant_tables(conn: asyncpg.Connection) -> list[TenantTable]:
    """Every tenant table, parents before the tables whose foreign keys point at them."""
    found = {
        r["name"]: TenantTable(
            name=r["name"],
            columns=tuple(r["columns"] or ()),
            primary_key=tuple(r["primary_key"] or ()),
            references=tuple(name.strip('"') for name in r["references"] or ()),
        )
        for r in await conn.fetch(_TABLES)
    }
    ordered: list[TenantTable] = []
    placed: set[str] = set()
    pending = sorted(found)
    while pending:
        ready = [
            name
            for name in pending
            if all(ref in placed or ref not in found for ref in found[name].references)
        ]
        if not ready:  # a cycle of foreign keys: keep name order, the database will tell
            ready = pending[:1]
        for name in ready:
            ordered.append(found[name])
            placed.add(name)
        pending = [name for name in pending if name not in placed]
    return ordered


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read_query(table: str, columns: list[str], primary_key: tuple[str, ...]) -> str:
    """The query reading one tenant's rows (``$1``) of ``table`` as an archive stores them.

    With ``$2`` also given, ``tenant_id`` reads as ``$2`` — how an import, which may have
    given the tenant a new id, re-reads its rows to compare them with the archive.
    """
    selected = []
    for column in columns:
        if column == "tenant_id":
            selected.append("coalesce($2::uuid, tenant_id) as tenant_id")
        elif (table, column) in _RESET_COLUMNS:
            selected.append(f"null as {_quote(column)}")
        else:
            selected.append(_quote(column))
    order = ", ".join(_quote(c) for c in primary_key) if primary_key else "t::text"
    return (
        f"select {', '.join(selected)} from {_quote(table)} as t "
        f"where tenant_id = $1::uuid order by {order}"
    )


def quote(name: str) -> str:
    """``name`` as a quoted SQL identifier."""
    return _quote(name)
