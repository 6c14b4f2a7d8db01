"""Document types: their metadata fields and retention rule; the types every tenant starts with.

A type's ``key`` names it in the API (``"type": "contract"``); it is made from the name when
left out, unique in the tenant. Its retention rule keeps a document ``period`` days or years
after a date field of its metadata (``after``) or after its creation; each document's
``retain_until`` is computed from the rule in SQL, on every write of the document and again
for all its documents when the rule changes.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import FieldErrors, conflict, not_found

from nexus_documents._fields import FieldDef, check_fields

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from nexus_hookspecs import Connection

__all__ = (
    "DEFAULT_TYPES",
    "Retention",
    "TypeIn",
    "TypeOut",
    "TypePatch",
    "create_type",
    "delete_type",
    "get_type",
    "list_types",
    "recompute_retention",
    "seed_types",
    "type_by_key",
    "update_type",
)

TypeKey = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Fields = Annotated[list[FieldDef], msgspec.Meta(max_length=100)]

RETAIN_UNTIL = """
    case when t.retention_days is null and t.retention_years is null then null else (
        coalesce(
            case when t.retention_from is not null and t.retention_from <> 'created'
                then (d.metadata ->> t.retention_from)::date end,
            (d.created_at at time zone 'UTC')::date
        ) + make_interval(
            years => coalesce(t.retention_years, 0), days => coalesce(t.retention_days, 0)
        )
    )::date end
"""
"""A document's last day under its type's rule (``d``: the document, ``t``: its type)."""


class Retention(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """How long documents of a type are kept.

    Attributes:
        period: How many ``unit`` they are kept.
        unit: ``days`` or ``years``.
        after: ``created`` (the document's creation) or the name of one of the type's
            ``date`` fields (``issued_on``); a document without that date counts from its
            creation.
    """

    period: Annotated[int, msgspec.Meta(ge=1, le=36_500)]
    unit: Literal["days", "years"]
    after: Annotated[str, msgspec.Meta(min_length=1, max_length=40)] = "created"


class TypeIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new document type."""

    name: Name
    key: TypeKey | None = None
    fields: Fields = msgspec.field(default_factory=list)
    retention: Retention | None = None


class TypePatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Changes to a type; omitted members stay. ``retention: null`` removes the rule.

    Changed fields apply to documents written from now on; documents kept before keep their
    metadata as it is.
    """

    name: Name | msgspec.UnsetType = msgspec.UNSET
    fields: Fields | msgspec.UnsetType = msgspec.UNSET
    retention: Retention | None | msgspec.UnsetType = msgspec.UNSET


class TypeOut(msgspec.Struct, kw_only=True):
    """A document type as the API shows it."""

    id: UUID
    key: str
    name: str
    fields: list[FieldDef]
    retention: Retention | None
    created_at: datetime


def _out(row: Mapping[str, Any]) -> TypeOut:
    retention = None
    if row["retention_days"] is not None or row["retention_years"] is not None:
        years = row["retention_years"]
        retention = Retention(
            period=years if years is not None else row["retention_days"],
            unit="years" if years is not None else "days",
            after=row["retention_from"] or "created",
        )
    return TypeOut(
        id=row["id"],
        key=row["key"],
        name=row["name"],
        fields=msgspec.convert(_json(row["fields"]), list[FieldDef]),
        retention=retention,
        created_at=row["created_at"],
    )


def _json(value: Any) -> Any:
    return msgspec.json.decode(value) if isinstance(value, str | bytes) else value


_COLUMNS = "id, key, name, fields, retention_days, retention_years, retention_from, created_at"


def _check(fields: Sequence[FieldDef], retention: Retention | None, errors: FieldErrors) -> None:
    check_fields(fields, errors)
    if retention is not None and retention.after != "created":
        dates = {field.name for field in fields if field.kind == "date"}
        if retention.after not in dates:
            errors.add(
                "retention.after",
                f"must be 'created' or one of the type's date fields {sorted(dates)}",
            )


def _retention_columns(retention: Retention | None) -> tuple[int | None, int | None, str | None]:
    if retention is None:
        return None, None, None
    days = retention.period if retention.unit == "days" else None
    years = retention.period if retention.unit == "years" else None
    return days, years, retention.after


async def _free_key(conn: Connection, name: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:32] or "type"
    if not base[0].isalpha():
        base = f"t_{base}"[:32]
    taken = {
        row["key"]
        for row in await conn.fetch(
            "select key from documents_type where key = $1 or key like $1 || '\\_%'", base
        )
    }
    key, number = base, 1
    while key in taken:
        number += 1
        key = f"{base}_{number}"
    return key


async def create_type(conn: Connection, data: TypeIn) -> TypeOut:
    """Create a type; 409 when its key is taken, 422 naming what is wrong in its fields."""
    errors = FieldErrors()
    _check(data.fields, data.retention, errors)
    errors.raise_if_any()
    key = data.key or await _free_key(conn, data.name)
    if await conn.fetchval("select 1 from documents_type where key = $1", key):
        conflict(f"a document type with key {key!r} exists", key=key)
    days, years, after = _retention_columns(data.retention)
    row = await conn.fetchrow(
        "insert into documents_type (id, key, name, fields, retention_days, retention_years, "
        f"retention_from) values ($1, $2, $3, $4::text::jsonb, $5, $6, $7) returning {_COLUMNS}",
        new_id(),
        key,
        data.name,
        msgspec.json.encode(data.fields).decode(),
        days,
        years,
        after,
    )
    assert row is not None  # noqa: S101 - an insert returns its row
    return _out(row)


async def get_type(conn: Connection, type_id: UUID) -> TypeOut:
    """One type; 404 when the tenant has none with this id."""
    row = await conn.fetchrow(f"select {_COLUMNS} from documents_type where id = $1", type_id)
    if row is None:
        not_found()
    return _out(row)


async def type_by_key(conn: Connection, key: str) -> TypeOut | None:
    """The type with this key, if the tenant has one."""
    row = await conn.fetchrow(f"select {_COLUMNS} from documents_type where key = $1", key)
    return None if row is None else _out(row)


async def list_types(conn: Connection, *, after: UUID | None, limit: int) -> list[TypeOut]:
    """Types in creation order, ``limit`` after ``after``."""
    rows = await conn.fetch(
        f"select {_COLUMNS} from documents_type where ($1::uuid is null or id > $1) "
        "order by id limit $2",
        after,
        limit,
    )
    return [_out(row) for row in rows]


async def update_type(conn: Connection, type_id: UUID, data: TypePatch) -> TypeOut:
    """Change a type; a changed retention rule is applied to all its documents at once."""
    current = await get_type(conn, type_id)
    fields = current.fields if isinstance(data.fields, msgspec.UnsetType) else data.fields
    retention = (
        current.retention if isinstance(data.retention, msgspec.UnsetType) else data.retention
    )
    errors = FieldErrors()
    _check(fields, retention, errors)
    errors.raise_if_any()
    name = current.name if isinstance(data.name, msgspec.UnsetType) else data.name
    days, years, after = _retention_columns(retention)
    await conn.execute(
        "update documents_type set name = $2, fields = $3::text::jsonb, retention_days = $4, "
        "retention_years = $5, retention_from = $6 where id = $1",
        type_id,
        name,
        msgspec.json.encode(fields).decode(),
        days,
        years,
        after,
    )
    if retention != current.retention:
        await recompute_retention(conn, type_id=type_id)
    return await get_type(conn, type_id)


async def recompute_retention(
    conn: Connection, *, type_id: UUID | None = None, document_id: UUID | None = None
) -> None:
    """Set ``retain_until`` of a type's documents, or of one document, from the type's rule."""
    await conn.execute(
        f"update documents_document d set retain_until = {RETAIN_UNTIL} "
        "from documents_type t where t.id = d.type_id "
        "and ($1::uuid is null or d.type_id = $1) and ($2::uuid is null or d.id = $2)",
        type_id,
        document_id,
    )


async def delete_type(conn: Connection, type_id: UUID) -> None:
    """Delete a type; 409 while documents of it exist."""
    await get_type(conn, type_id)
    count = await conn.fetchval(
        "select count(*) from documents_document where type_id = $1", type_id
    )
    if count:
        conflict(f"{count} document(s) are of this type; delete or keep them", documents=count)
    await conn.execute("delete from documents_type where id = $1", type_id)


DEFAULT_TYPES: tuple[TypeIn, ...] = (
    TypeIn(key="general", name="General document"),
    TypeIn(
        key="contract",
        name="Contract",
        fields=[
            FieldDef(name="counterparty", kind="text", required=True),
            FieldDef(name="starts_on", kind="date"),
            FieldDef(name="ends_on", kind="date"),
            FieldDef(name="value", kind="money"),
        ],
        retention=Retention(period=6, unit="years", after="ends_on"),
    ),
    TypeIn(
        key="invoice",
        name="Invoice",
        fields=[
            FieldDef(name="number", kind="text", required=True),
            FieldDef(name="issued_on", kind="date", required=True),
        ],
        retention=Retention(period=10, unit="years", after="issued_on"),
    ),
    TypeIn(
        key="payslip",
        name="Payslip",
        fields=[
            FieldDef(name="label", kind="text", required=True),
            FieldDef(name="issued_on", kind="date", required=True),
        ],
        retention=Retention(period=6, unit="years", after="issued_on"),
    ),
)
"""The types a tenant starts with; ``invoice`` and ``payslip`` receive generated documents."""


async def seed_types(conn: Connection) -> None:
    """Create the default types the tenant does not have yet (by key)."""
    for default in DEFAULT_TYPES:
        assert default.key is not None  # noqa: S101 - every default names its key
        if await type_by_key(conn, default.key) is None:
            await create_type(conn, default)
