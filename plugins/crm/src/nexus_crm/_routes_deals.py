"""Deals: opportunities moving through a pipeline's stages until won or lost."""

from __future__ import annotations

import enum
from typing import Annotated, Any
from uuid import UUID  # noqa: TC003

import msgspec
from litestar import Controller, delete, get, patch, post, put
from litestar.params import FromPath, QueryParameter

from nexus_crm._common import (
    DEALS_FEATURE,
    DEALS_WRITE,
    Context,
    CursorParam,
    Db,
    Events,
    LimitParam,
    Page,
    Settings,
    conflict,
    decode_cursor,
    not_found,
    page_of,
)
from nexus_crm._deal_schemas import (
    DealIn,
    DealLoss,
    DealMove,
    DealOut,
    DealPatch,
    DealStageChange,
    DealStatus,
)
from nexus_crm._deal_store import (
    SELECT,
    close_deal,
    deal_row,
    load_deal,
    merge_deal,
    record_change,
    save_deal,
    won_payload,
)
from nexus_crm._events import DEAL_WON
from nexus_crm._examples import body
from nexus_crm._sorting import SortOrder

__all__ = ("DealController", "DealOut", "won_payload")

_WRITE = {"permission": DEALS_WRITE}

StatusFilter = Annotated[
    DealStatus | None, QueryParameter(description="Only deals in this status.")
]
IdFilter = Annotated[UUID | None, QueryParameter()]


class DealSort(enum.StrEnum):
    """Orders of the deal list."""

    CREATED = "created"
    EXPECTED_CLOSE = "expected_close"


_BY_CLOSE = SortOrder(
    "expected_close", (("coalesce(q.expected_close, '9999-12-31'::date)", "date"),)
)


class DealController(Controller):
    """Deals (the ``crm.deals`` feature)."""

    path = "/deals"
    tags = ["crm: deals"]
    opt = {"feature": DEALS_FEATURE}

    @get("/", summary="List deals")
    async def list_deals(
        self,
        db: Db,
        limit: LimitParam = 50,
        cursor: CursorParam = None,
        status: StatusFilter = None,
        pipeline_id: IdFilter = None,
        stage_id: IdFilter = None,
        company_id: IdFilter = None,
        contact_id: IdFilter = None,
        owner: Annotated[str | None, QueryParameter(max_length=200)] = None,
        sort: Annotated[
            DealSort,
            QueryParameter(
                description="`created` (oldest first) or `expected_close` (soonest first, "
                "deals without a date last)."
            ),
        ] = DealSort.CREATED,
    ) -> Page[DealOut]:
        """The tenant's deals, oldest first or by expected close, optionally filtered."""
        conditions = ["($1::uuid is null or d.id > $1)"]
        sorted_ = sort is not DealSort.CREATED
        args: list[Any] = [None if sorted_ else decode_cursor(cursor)]
        for column, value in (
            ("d.status", status.value if status else None),
            ("d.pipeline_id", pipeline_id),
            ("d.stage_id", stage_id),
            ("d.company_id", company_id),
            ("d.contact_id", contact_id),
            ("d.owner", owner),
        ):
            if value is not None:
                args.append(value)
                conditions.append(f"{column} = ${len(args)}")
        if sorted_:
            inner = f"{SELECT} where {' and '.join(conditions)}"
            query = _BY_CLOSE.query(inner, args, cursor, limit)
            async with db.transaction() as conn:
                rows = await conn.fetch(query, *args)
            return _BY_CLOSE.page(rows, limit, deal_row)
        args.append(limit + 1)
        query = f"{SELECT} where {' and '.join(conditions)} order by d.id limit ${len(args)}"
        async with db.transaction() as conn:
            rows = await conn.fetch(query, *args)
        return page_of([deal_row(row) for row in rows], limit, lambda deal: deal.id)

    @post("/", summary="Create a deal", opt=_WRITE)
    async def create_deal(
        self,
        db: Db,
        events: Events,
        context: Context,
        plugin_settings: Settings,
        data: Annotated[DealIn, body("POST /deals", "A deal with two lines")],
    ) -> DealOut:
        """A new open deal (owned by the caller by default); publishes ``crm.deal.created.v1``."""
        settings = await plugin_settings.get(context.tenant_id)  # type: ignore[arg-type]
        async with db.transaction() as conn:
            return await save_deal(
                conn, data, deal_id=None, events=events, settings=settings, context=context
            )

    @get("/{deal_id:uuid}", summary="Show a deal")
    async def show_deal(self, db: Db, deal_id: FromPath[UUID]) -> DealOut:
        """One deal with its lines."""
        async with db.transaction() as conn:
            return await load_deal(conn, deal_id)

    @put("/{deal_id:uuid}", summary="Replace a deal", opt=_WRITE)
    async def replace_deal(
        self,
        db: Db,
        events: Events,
        context: Context,
        plugin_settings: Settings,
        deal_id: FromPath[UUID],
        data: Annotated[DealIn, body("PUT /deals/{deal_id}", "The deal, retitled")],
    ) -> DealOut:
        """Every field of an open deal (409 once closed); publishes ``crm.deal.updated.v1``."""
        settings = await plugin_settings.get(context.tenant_id)  # type: ignore[arg-type]
        async with db.transaction() as conn:
            return await save_deal(
                conn, data, deal_id=deal_id, events=events, settings=settings, context=context
            )

    @patch("/{deal_id:uuid}", summary="Change a deal", opt=_WRITE)
    async def change_deal(
        self,
        db: Db,
        events: Events,
        context: Context,
        plugin_settings: Settings,
        deal_id: FromPath[UUID],
        data: Annotated[DealPatch, body("PATCH /deals/{deal_id}", "A later expected close")],
    ) -> DealOut:
        """Some fields of an open deal; publishes ``crm.deal.updated.v1``."""
        settings = await plugin_settings.get(context.tenant_id)  # type: ignore[arg-type]
        async with db.transaction() as conn:
            current = await load_deal(conn, deal_id)
            return await save_deal(
                conn,
                merge_deal(current, data),
                deal_id=deal_id,
                events=events,
                settings=settings,
                context=context,
            )

    @delete("/{deal_id:uuid}", summary="Delete a deal", opt=_WRITE)
    async def delete_deal(self, db: Db, deal_id: FromPath[UUID]) -> None:
        """Delete a deal with its lines, history and activities."""
        async with db.transaction() as conn:
            gone = await conn.fetchval("delete from crm_deal where id = $1 returning id", deal_id)
        if gone is None:
            raise not_found()

    @post("/{deal_id:uuid}/move", summary="Move a deal to a stage", opt=_WRITE, status_code=200)
    async def move_deal(
        self,
        db: Db,
        events: Events,
        context: Context,
        plugin_settings: Settings,
        deal_id: FromPath[UUID],
        data: Annotated[DealMove, body("POST /deals/{deal_id}/move", "To another stage")],
    ) -> DealOut:
        """Move an open deal to another stage, recorded in its history.

        The stage is in the deal's pipeline, or in ``pipeline_id``'s. Publishes
        ``crm.deal.updated.v1``.
        """
        settings = await plugin_settings.get(context.tenant_id)  # type: ignore[arg-type]
        async with db.transaction() as conn:
            current = await load_deal(conn, deal_id)
            patch_ = DealPatch(stage_id=data.stage_id)
            if data.pipeline_id is not None:
                patch_.pipeline_id = data.pipeline_id
            return await save_deal(
                conn,
                merge_deal(current, patch_),
                deal_id=deal_id,
                events=events,
                settings=settings,
                context=context,
            )

    @post("/{deal_id:uuid}/win", summary="Mark a deal won", opt=_WRITE, status_code=200)
    async def win_deal(
        self, db: Db, events: Events, context: Context, deal_id: FromPath[UUID]
    ) -> DealOut:
        """Close an open deal as won; 409 when it is not open.

        Publishes ``crm.deal.won.v1`` with the deal's lines (Finance may draft an invoice
        from it).
        """
        async with db.transaction() as conn:
            deal = await close_deal(conn, deal_id, DealStatus.WON, None, context)
            await events.publish(
                conn, type=DEAL_WON, data=await won_payload(conn, deal), subject=str(deal.id)
            )
            return deal

    @post("/{deal_id:uuid}/lose", summary="Mark a deal lost", opt=_WRITE, status_code=200)
    async def lose_deal(
        self,
        db: Db,
        context: Context,
        deal_id: FromPath[UUID],
        data: Annotated[DealLoss, body("POST /deals/{deal_id}/lose", "Lost on price")],
    ) -> DealOut:
        """Close an open deal as lost, with a reason. 409 when it is not open."""
        async with db.transaction() as conn:
            return await close_deal(
                conn, deal_id, DealStatus.LOST, data.reason.strip() or None, context
            )

    @post("/{deal_id:uuid}/reopen", summary="Reopen a deal", opt=_WRITE, status_code=200)
    async def reopen_deal(self, db: Db, context: Context, deal_id: FromPath[UUID]) -> DealOut:
        """Make a won or lost deal open again (in the stage it was closed in)."""
        async with db.transaction() as conn:
            current = await load_deal(conn, deal_id)
            if current.status == DealStatus.OPEN:
                raise conflict("the deal is open")
            await conn.execute(
                "update crm_deal set status = 'open', lost_reason = null, closed_at = null, "
                "updated_at = now() where id = $1",
                deal_id,
            )
            await record_change(
                conn,
                deal_id,
                from_stage=current.stage_id,
                to_stage=current.stage_id,
                status=DealStatus.OPEN.value,
                actor=context.actor,
            )
            return await load_deal(conn, deal_id)

    @get("/{deal_id:uuid}/history", summary="A deal's stage history")
    async def deal_history(self, db: Db, deal_id: FromPath[UUID]) -> list[DealStageChange]:
        """Every move between stages and change of status, oldest first."""
        async with db.transaction() as conn:
            await load_deal(conn, deal_id)
            rows = await conn.fetch(
                "select id, from_stage_id, from_stage, to_stage_id, to_stage, status, actor, "
                "changed_at from crm_deal_stage_history where deal_id = $1 order by id",
                deal_id,
            )
        return [msgspec.convert(dict(row), DealStageChange) for row in rows]
