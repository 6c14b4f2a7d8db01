"""Activities: calls, meetings, notes and tasks, with due dates, linked to CRM records."""

from __future__ import annotations

import enum
from datetime import date, datetime  # noqa: TC003 - msgspec reads them at run time
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID  # noqa: TC003

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import BY_ID, Keyset, Multiline, Page, not_found

from nexus_crm._validation import Errors

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

__all__ = (
    "BY_DUE",
    "ActivityFilter",
    "ActivityIn",
    "ActivityKind",
    "ActivityOut",
    "ActivityPatch",
    "activity_page",
    "load_activity",
    "save_activity",
)

Subject = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"\S")]
Note = Annotated[Multiline, msgspec.Meta(max_length=10_000)]
Short = Annotated[str, msgspec.Meta(max_length=200)]


class ActivityKind(enum.StrEnum):
    """What an activity is."""

    CALL = "call"
    MEETING = "meeting"
    NOTE = "note"
    TASK = "task"


class ActivityIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An activity, linked to any of a contact, a company and a deal."""

    kind: ActivityKind
    subject: Subject
    note: Note = ""
    due_date: date | None = None
    done: bool = False
    owner: Short | None = None
    contact_id: UUID | None = None
    company_id: UUID | None = None
    deal_id: UUID | None = None


class ActivityPatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Some fields of an activity; ``"done": true`` marks it done."""

    kind: ActivityKind | msgspec.UnsetType = msgspec.UNSET
    subject: Subject | msgspec.UnsetType = msgspec.UNSET
    note: Note | msgspec.UnsetType = msgspec.UNSET
    due_date: date | None | msgspec.UnsetType = msgspec.UNSET
    done: bool | msgspec.UnsetType = msgspec.UNSET
    owner: Short | None | msgspec.UnsetType = msgspec.UNSET
    contact_id: UUID | None | msgspec.UnsetType = msgspec.UNSET
    company_id: UUID | None | msgspec.UnsetType = msgspec.UNSET
    deal_id: UUID | None | msgspec.UnsetType = msgspec.UNSET


class ActivityOut(msgspec.Struct, kw_only=True):
    """An activity as the API shows it.

    ``overdue`` is true for an activity not done whose due date has passed.
    """

    id: UUID
    kind: ActivityKind
    subject: str
    note: str
    due_date: date | None
    done: bool
    done_at: datetime | None
    overdue: bool
    owner: str | None
    contact_id: UUID | None
    company_id: UUID | None
    deal_id: UUID | None
    created_at: datetime
    updated_at: datetime


class ActivityFilter(msgspec.Struct, kw_only=True):
    """What the activity list keeps (``None``: no filter on that field)."""

    kind: ActivityKind | None = None
    done: bool | None = None
    contact_id: UUID | None = None
    company_id: UUID | None = None
    deal_id: UUID | None = None
    owner: str | None = None
    due_before: date | None = None


_SELECT = """
select a.id, a.kind, a.subject, a.note, a.due_date, a.done, a.done_at,
       coalesce(not a.done and a.due_date < current_date, false) as overdue, a.owner,
       a.contact_id, a.company_id, a.deal_id, a.created_at, a.updated_at
  from crm_activity a
"""

BY_DUE = Keyset("due_date", keys=(("coalesce(q.due_date, '9999-12-31'::date)", "date"),))
"""The activity list by due date, soonest first, those without one last (``?sort=due_date``)."""


def _activity(row: Any) -> ActivityOut:
    if row is None:
        not_found()
    return msgspec.convert(dict(row), ActivityOut)


async def load_activity(conn: Connection, activity_id: UUID) -> ActivityOut:
    """One activity (404 when missing)."""
    return _activity(await conn.fetchrow(f"{_SELECT} where a.id = $1", activity_id))


async def activity_page(
    conn: Connection,
    where: ActivityFilter,
    *,
    order: Keyset = BY_ID,
    cursor: str | None,
    limit: int,
) -> Page[ActivityOut]:
    """One page of the tenant's activities in ``order``, filtered."""
    conditions = ["true"]
    args: list[Any] = []
    for column, op, value in (
        ("a.kind", "=", where.kind.value if where.kind else None),
        ("a.done", "=", where.done),
        ("a.contact_id", "=", where.contact_id),
        ("a.company_id", "=", where.company_id),
        ("a.deal_id", "=", where.deal_id),
        ("a.owner", "=", where.owner),
        ("a.due_date", "<=", where.due_before),
    ):
        if value is not None:
            args.append(value)
            conditions.append(f"{column} {op} ${len(args)}")
    query = order.sql(f"{_SELECT} where {' and '.join(conditions)}", args, cursor, limit)
    return order.page(await conn.fetch(query, *args), limit, _activity)


async def save_activity(
    conn: Connection, data: ActivityIn, activity_id: UUID | None, *, actor: str | None
) -> ActivityOut:
    """Create (``activity_id`` ``None``; owned by ``actor`` by default) or replace one.

    Answers 422 naming each linked record that does not exist, 404 for a missing activity.
    """
    errors = Errors()
    for column, table, value in (
        ("contact_id", "crm_contact", data.contact_id),
        ("company_id", "crm_company", data.company_id),
        ("deal_id", "crm_deal", data.deal_id),
    ):
        if value is not None and not await conn.fetchval(
            f"select 1 from {table} where id = $1", value
        ):
            errors.add(column, f"no such {column.removesuffix('_id')}")
    errors.raise_if_any()
    owner = (data.owner or "").strip() or None
    values = (
        data.kind.value,
        data.subject.strip(),
        data.note,
        data.due_date,
        data.done,
        data.contact_id,
        data.company_id,
        data.deal_id,
    )
    if activity_id is None:
        activity_id = new_id()
        await conn.execute(
            "insert into crm_activity (id, kind, subject, note, due_date, done, contact_id, "
            "company_id, deal_id, owner, done_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
            "$10, case when $6 then now() end)",
            activity_id,
            *values,
            owner if data.owner is not None else actor,
        )
    else:
        status = await conn.execute(
            "update crm_activity set kind = $2, subject = $3, note = $4, due_date = $5, "
            "done = $6, contact_id = $7, company_id = $8, deal_id = $9, owner = $10, "
            "done_at = case when not $6 then null else coalesce(done_at, now()) end, "
            "updated_at = now() where id = $1",
            activity_id,
            *values,
            owner,
        )
        if status.endswith(" 0"):
            not_found()
    return await load_activity(conn, activity_id)
