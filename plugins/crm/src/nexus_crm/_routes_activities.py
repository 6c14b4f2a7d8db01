"""Activities: calls, meetings, notes and tasks (the ``crm.activities`` feature)."""

from __future__ import annotations

import enum
from datetime import date  # noqa: TC003 - Litestar reads it at run time
from typing import Annotated
from uuid import UUID  # noqa: TC003

from litestar import Controller, delete, get, patch, post, put
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs.http import BY_ID, Context, Cursor, Db, Limit, Page, not_found, route_opt

from nexus_crm._activities import (
    BY_DUE,
    ActivityFilter,
    ActivityIn,
    ActivityKind,
    ActivityOut,
    ActivityPatch,
    activity_page,
    load_activity,
    save_activity,
)
from nexus_crm._companies import merge
from nexus_crm._examples import body
from nexus_crm._keys import ACTIVITIES_FEATURE, ACTIVITIES_READ, ACTIVITIES_WRITE

__all__ = ("ActivityController",)

_READ = route_opt(permission=ACTIVITIES_READ)
_WRITE = route_opt(permission=ACTIVITIES_WRITE)

IdFilter = Annotated[UUID | None, QueryParameter()]


class ActivitySort(enum.StrEnum):
    """Orders of the activity list."""

    CREATED = "created"
    DUE_DATE = "due_date"


class ActivityController(Controller):
    """Activities (the ``crm.activities`` feature)."""

    path = "/activities"
    tags = ["crm: activities"]
    opt = route_opt(feature=ACTIVITIES_FEATURE)

    @get("/", summary="List activities", opt=_READ)
    async def list_activities(
        self,
        db: Db,
        limit: Limit = 50,
        cursor: Cursor = None,
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
        where = ActivityFilter(
            kind=kind,
            done=done,
            contact_id=contact_id,
            company_id=company_id,
            deal_id=deal_id,
            owner=owner,
            due_before=due_before,
        )
        order = BY_DUE if sort is ActivitySort.DUE_DATE else BY_ID
        async with db.transaction() as conn:
            return await activity_page(conn, where, order=order, cursor=cursor, limit=limit)

    @post("/", summary="Create an activity", opt=_WRITE)
    async def create_activity(
        self,
        db: Db,
        context: Context,
        data: Annotated[ActivityIn, body("POST /activities", "A call to make")],
    ) -> ActivityOut:
        """A new activity; the owner defaults to the caller."""
        async with db.transaction() as conn:
            return await save_activity(conn, data, None, actor=context.actor)

    @get("/{activity_id:uuid}", summary="Show an activity", opt=_READ)
    async def show_activity(self, db: Db, activity_id: FromPath[UUID]) -> ActivityOut:
        """One activity."""
        async with db.transaction() as conn:
            return await load_activity(conn, activity_id)

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
            return await save_activity(conn, data, activity_id, actor=context.actor)

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
            current = await load_activity(conn, activity_id)
            merged = merge(current, data, ActivityIn)
            return await save_activity(conn, merged, activity_id, actor=context.actor)

    @delete("/{activity_id:uuid}", summary="Delete an activity", opt=_WRITE)
    async def delete_activity(self, db: Db, activity_id: FromPath[UUID]) -> None:
        """Delete an activity."""
        async with db.transaction() as conn:
            gone = await conn.fetchval(
                "delete from crm_activity where id = $1 returning id", activity_id
            )
        if gone is None:
            not_found()
