"""Activities: calls, meetings, notes and tasks, with due dates, linked to CRM records."""

from __future__ import annotations

import enum
from datetime import date, datetime  # noqa: TC003 - msgspec reads them at run time
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID  # noqa: TC003

import msgspec
from litestar import Controller, delete, get, patch, post, put
from litestar.params import FromPath, QueryParameter

from nexus_crm._common import (
    ACTIVITIES_FEATURE,
    ACTIVITIES_WRITE,
    Context,
    CursorParam,
    Db,
    LimitParam,
    Page,
    decode_cursor,
    new_id,
    not_found,
    page_of,
)
from nexus_crm._examples import body
from nexus_crm._sorting import SortOrder
from nexus_crm._validation import Errors

if TYPE_CHECKING:
    from nexus_hookspecs import Connection, RequestContext

__all__ = ("ActivityController",)

_WRITE = {"permission": ACTIVITIES_WRITE}
Subject = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"\S")]
Note = Annotated[str, msgspec.Meta(max_length=10_000)]
Short = Annotated[str, msgspec.Meta(max_length=200)]


class ActivityKind(enum.StrEnum):
    """What an activity is."""

    CALL = "call"
    MEETING = "meeting"
    NOTE = "note"
    TASK = "task"


class ActivityIn(msgspec.Struct, kw_only=True):
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


class ActivityPatch(msgspec.Struct, kw_only=True):
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


_SELECT = """
select a.id, a.kind, a.subject, a.note, a.due_date, a.done, a.done_at,
       coalesce(not a.done and a.due_date < current_date, false) as overdue, a.owner,
       a.contact_id, a.company_id, a.deal_id, a.created_at, a.updated_at
  from crm_activity a
"""


def _activity(row: Any) -> ActivityOut:
    if row is None:
        raise not_found()
    return msgspec.convert(dict(row), ActivityOut)


async def _save(
    conn: Connection, data: ActivityIn, activity_id: UUID | None, context: RequestContext
) -> ActivityOut:
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
            owner if data.owner is not None else context.actor,
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
            raise not_found()
    return _activity(await conn.fetchrow(f"{_SELECT} where a.id = $1", activity_id))


IdFilter = Annotated[UUID | None, QueryParameter()]


class ActivitySort(enum.StrEnum):
    """Orders of the activity list."""

    CREATED = "created"
    DUE_DATE = "due_date"


_BY_DUE = SortOrder("due_date", (("coalesce(q.due_date, '9999-12-31'::date)", "date"),))


class ActivityController(Controller):
    """Activities (the ``crm.activities`` feature)."""

    path = "/activities"
    tags = ["crm: activities"]
    opt = {"feature": ACTIVITIES_FEATURE}

    @get("/", summary="List activities")
    async def list_activities(
        self,
        db: Db,
        limit: LimitParam = 50,
        cursor: CursorParam = None,
        kind: Annotated[ActivityKind | None, QueryParameter()] = None,
        done: Annotated[bool | None, QueryParameter()] = None,
        contact_id: IdFilter = None,
        company_id: IdFilter = None,
        deal_id: IdFilter = None,
        owner: Annotated[str | None, QueryParameter(max_length=200)] = None,
        due_before: Annotated[
            date | None, QueryParameter(description="Only those due on or before this date.")
        ] = None,
        sort: Annotated[
            ActivitySort,
            QueryParameter(
                description="`created` (oldest first) or `due_date` (soonest first, "
                "activities without a date last)."
            ),
        ] = ActivitySort.CREATED,
    ) -> Page[ActivityOut]:
        """The tenant's activities, oldest first or by due date, optionally filtered."""
        conditions = ["($1::uuid is null or a.id > $1)"]
        sorted_ = sort is not ActivitySort.CREATED
        args: list[Any] = [None if sorted_ else decode_cursor(cursor)]
        for column, op, value in (
            ("a.kind", "=", kind.value if kind else None),
            ("a.done", "=", done),
            ("a.contact_id", "=", contact_id),
            ("a.company_id", "=", company_id),
            ("a.deal_id", "=", deal_id),
            ("a.owner", "=", owner),
            ("a.due_date", "<=", due_before),
        ):
            if value is not None:
                args.append(value)
                conditions.append(f"{column} {op} ${len(args)}")
        if sorted_:
            inner = f"{_SELECT} where {' and '.join(conditions)}"
            query = _BY_DUE.query(inner, args, cursor, limit)
            async with db.transaction() as conn:
                rows = await conn.fetch(query, *args)
            return _BY_DUE.page(rows, limit, _activity)
        args.append(limit + 1)
        query = f"{_SELECT} where {' and '.join(conditions)} order by a.id limit ${len(args)}"
        async with db.transaction() as conn:
            rows = await conn.fetch(query, *args)
        return page_of([_activity(row) for row in rows], limit, lambda a: a.id)

    @post("/", summary="Create an activity", opt=_WRITE)
    async def create_activity(
        self,
        db: Db,
        context: Context,
        data: Annotated[ActivityIn, body("POST /activities", "A call to make")],
    ) -> ActivityOut:
        """A new activity; the owner defaults to the caller."""
        async with db.transaction() as conn:
            return await _save(conn, data, None, context)

    @get("/{activity_id:uuid}", summary="Show an activity")
    async def show_activity(self, db: Db, activity_id: FromPath[UUID]) -> ActivityOut:
        """One activity."""
        async with db.transaction() as conn:
            return _activity(await conn.fetchrow(f"{_SELECT} where a.id = $1", activity_id))

    @put("/{activity_id:uuid}", summary="Replace an activity", opt=_WRITE)
    async def replace_activity(
        self,
        db: Db,
        context: Context,
        activity_id: FromPath[UUID],
        data: Annotated[ActivityIn, body("PUT /activities/{activity_id}", "A follow-up call")],
    ) -> ActivityOut:
        """Every field of an activity."""
        async with db.transaction() as conn:
            return await _save(conn, data, activity_id, context)

    @patch("/{activity_id:uuid}", summary="Change an activity", opt=_WRITE)
    async def change_activity(
        self,
        db: Db,
        context: Context,
        activity_id: FromPath[UUID],
        data: Annotated[ActivityPatch, body("PATCH /activities/{activity_id}", "Mark it done")],
    ) -> ActivityOut:
        """Some fields of an activity (``{"done": true}`` marks it done)."""
        async with db.transaction() as conn:
            current = _activity(await conn.fetchrow(f"{_SELECT} where a.id = $1", activity_id))
            values = {field: getattr(current, field) for field in ActivityIn.__struct_fields__}
            for field in data.__struct_fields__:
                value = getattr(data, field)
                if value is not msgspec.UNSET:
                    values[field] = value
            return await _save(conn, ActivityIn(**values), activity_id, context)

    @delete("/{activity_id:uuid}", summary="Delete an activity", opt=_WRITE)
    async def delete_activity(self, db: Db, activity_id: FromPath[UUID]) -> None:
        """Delete an activity."""
        async with db.transaction() as conn:
            gone = await conn.fetchval(
                "delete from crm_activity where id = $1 returning id", activity_id
            )
        if gone is None:
            raise not_found()
