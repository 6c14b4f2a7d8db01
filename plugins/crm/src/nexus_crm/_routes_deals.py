"""Deals: opportunities moving through a pipeline's stages until won or lost."""

from __future__ import annotations

import enum
from typing import Annotated
from uuid import UUID  # noqa: TC003 - Litestar reads it at run time

from litestar import Controller, delete, get, patch, post, put
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs.http import (
    BY_ID,
    Context,
    Cursor,
    Db,
    Events,
    Limit,
    Page,
    TenantSettings,
    not_found,
    route_opt,
)

from nexus_crm import _deals
from nexus_crm._deal_schemas import (
    DealIn,
    DealLoss,
    DealMove,
    DealOut,
    DealPatch,
    DealStageChange,
    DealStatus,
)
from nexus_crm._deals import BY_CLOSE, DealFilter, load_deal, merge_deal, save_deal
from nexus_crm._examples import body
from nexus_crm._keys import DEALS_FEATURE, DEALS_READ, DEALS_WRITE
from nexus_crm._settings import CrmSettings

__all__ = ("DealController",)

_READ = route_opt(permission=DEALS_READ)
_WRITE = route_opt(permission=DEALS_WRITE)

StatusFilter = Annotated[
    DealStatus | None, QueryParameter(description="Only deals in this status.")
]
IdFilter = Annotated[UUID | None, QueryParameter()]


class DealSort(enum.StrEnum):
    """Orders of the deal list."""

    CREATED = "created"
    EXPECTED_CLOSE = "expected_close"


class DealController(Controller):
    """Deals (the ``crm.deals`` feature)."""

    path = "/deals"
    tags = ["crm: deals"]
    opt = route_opt(feature=DEALS_FEATURE)

    @get("/", summary="List deals", opt=_READ)
    async def list_deals(
        self,
        db: Db,
        limit: Limit = 50,
        cursor: Cursor = None,
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
        where = DealFilter(
            status=status,
            pipeline_id=pipeline_id,
            stage_id=stage_id,
            company_id=company_id,
            contact_id=contact_id,
            owner=owner,
        )
        order = BY_CLOSE if sort is DealSort.EXPECTED_CLOSE else BY_ID
        async with db.transaction() as conn:
            return await _deals.deal_page(conn, where, order=order, cursor=cursor, limit=limit)

    @post("/", summary="Create a deal", opt=_WRITE)
    async def create_deal(
        self,
        db: Db,
        events: Events,
        context: Context,
        settings: TenantSettings[CrmSettings],
        data: Annotated[DealIn, body("POST /deals", "A deal with two lines")],
    ) -> DealOut:
        """A new open deal (owned by the caller by default); publishes ``crm.deal.created.v1``."""
        async with db.transaction() as conn:
            return await save_deal(
                conn, data, deal_id=None, events=events, settings=settings, context=context
            )

    @get("/{deal_id:uuid}", summary="Show a deal", opt=_READ)
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
        settings: TenantSettings[CrmSettings],
        deal_id: FromPath[UUID],
        data: Annotated[DealIn, body("PUT /deals/{deal_id}", "The deal, retitled")],
    ) -> DealOut:
        """Every field of an open deal (409 once closed); publishes ``crm.deal.updated.v1``."""
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
        settings: TenantSettings[CrmSettings],
        deal_id: FromPath[UUID],
        data: Annotated[DealPatch, body("PATCH /deals/{deal_id}", "A later expected close")],
    ) -> DealOut:
        """Some fields of an open deal; publishes ``crm.deal.updated.v1``."""
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
            not_found()

    @post("/{deal_id:uuid}/move", summary="Move a deal to a stage", opt=_WRITE, status_code=200)
    async def move_deal(
        self,
        db: Db,
        events: Events,
        context: Context,
        settings: TenantSettings[CrmSettings],
        deal_id: FromPath[UUID],
        data: Annotated[DealMove, body("POST /deals/{deal_id}/move", "To another stage")],
    ) -> DealOut:
        """Move an open deal to another stage, recorded in its history.

        The stage is in the deal's pipeline, or in ``pipeline_id``'s. Publishes
        ``crm.deal.updated.v1``.
        """
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
            return await _deals.win_deal(conn, events, deal_id, context)

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
            return await _deals.close_deal(
                conn, deal_id, DealStatus.LOST, data.reason.strip() or None, context
            )

    @post("/{deal_id:uuid}/reopen", summary="Reopen a deal", opt=_WRITE, status_code=200)
    async def reopen_deal(self, db: Db, context: Context, deal_id: FromPath[UUID]) -> DealOut:
        """Make a won or lost deal open again (in the stage it was closed in)."""
        async with db.transaction() as conn:
            return await _deals.reopen_deal(conn, deal_id, context)

    @get("/{deal_id:uuid}/history", summary="A deal's stage history", opt=_READ)
    async def deal_history(self, db: Db, deal_id: FromPath[UUID]) -> list[DealStageChange]:
        """Every move between stages and change of status, oldest first."""
        async with db.transaction() as conn:
            return await _deals.stage_history(conn, deal_id)
