"""``/moves``: receipts, deliveries, internal transfers and adjustments."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, get, post
from litestar.params import FromPath, QueryParameter

from nexus_inventory._common import Conflict, CursorParam, LimitParam, Page, after_cursor, page_of
from nexus_inventory._deps import (
    MOVES_WRITE,
    Context,
    Db,
    Events,
    FeatureFlags,
    Settings,
    opt,
    tenant_layout,
    tenant_settings,
)
from nexus_inventory._examples import body
from nexus_inventory._moves import MOVE_SELECT, create_move, move_out, read_move
from nexus_inventory._schemas import MoveCreate, MoveOut
from nexus_inventory._stock import validate_move

__all__ = ("MoveController",)


class MoveController(Controller):
    """Stock moves: drafts, validated (done) or cancelled. The only way quantities change."""

    path = "/moves"
    tags = ["inventory"]

    @get("/", summary="List moves")
    async def list_moves(
        self,
        db: Db,
        cursor: CursorParam = None,
        limit: LimitParam = 50,
        product_id: Annotated[UUID | None, QueryParameter(description="This product's.")] = None,
        in_state: Annotated[
            str | None,
            QueryParameter(
                name="state",
                description="In this state.",
                enum=["draft", "done", "cancelled", "failed"],
            ),
        ] = None,
        kind: Annotated[
            str | None,
            QueryParameter(
                description="Of this kind.",
                enum=["receipt", "delivery", "internal", "adjustment"],
            ),
        ] = None,
        reference: Annotated[
            str | None, QueryParameter(description="With this reference.", max_length=200)
        ] = None,
    ) -> Page[MoveOut]:
        """Moves, oldest first."""
        after = after_cursor(cursor)
        async with db.transaction() as conn:
            rows = await conn.fetch(
                f"{MOVE_SELECT} where ($1::uuid is null or m.id > $1) "
                "and ($2::uuid is null or m.product_id = $2) "
                "and ($3::text is null or m.state = $3) and ($4::text is null or m.kind = $4) "
                "and ($5::text is null or m.reference = $5) "
                "order by m.id limit $6",
                after,
                product_id,
                in_state,
                kind,
                reference,
                limit + 1,
            )
        return page_of([move_out(row) for row in rows], limit)

    @post("/", summary="Create a move", opt=opt(MOVES_WRITE))
    async def create_move(
        self,
        db: Db,
        events: Events,
        features: FeatureFlags,
        plugin_settings: Settings,
        context: Context,
        data: Annotated[MoveCreate, body("POST /moves", "A validated receipt of a new product")],
    ) -> MoveOut:
        """Create a draft move, or create and validate it at once with ``"validate": true``.

        Validating a delivery beyond the available quantity answers 409 unless the tenant's
        ``allow_negative_stock`` setting is on; nothing is stored then.
        """
        settings = await tenant_settings(plugin_settings, context)
        valuation = await features.enabled("inventory.valuation")
        async with db.transaction() as conn:
            layout = await tenant_layout(conn, settings)
            move_id = await create_move(conn, data, settings=settings, layout=layout)
            if data.validate:
                await validate_move(conn, events, move_id, settings=settings, valuation=valuation)
            return await read_move(conn, move_id)

    @get("/{move_id:uuid}", summary="Show a move")
    async def show_move(self, db: Db, move_id: FromPath[UUID]) -> MoveOut:
        """One move."""
        async with db.transaction() as conn:
            return await read_move(conn, move_id)

    @post("/{move_id:uuid}/done", summary="Validate a move", opt=opt(MOVES_WRITE), status_code=200)
    async def validate(
        self,
        db: Db,
        events: Events,
        features: FeatureFlags,
        plugin_settings: Settings,
        context: Context,
        move_id: FromPath[UUID],
    ) -> MoveOut:
        """Validate a draft: quantities change and the move's events are published.

        409 when the move is not a draft, or when stock is short (see ``create``).
        """
        settings = await tenant_settings(plugin_settings, context)
        valuation = await features.enabled("inventory.valuation")
        async with db.transaction() as conn:
            await validate_move(conn, events, move_id, settings=settings, valuation=valuation)
            return await read_move(conn, move_id)

    @post("/{move_id:uuid}/cancel", summary="Cancel a move", opt=opt(MOVES_WRITE), status_code=200)
    async def cancel(self, db: Db, move_id: FromPath[UUID]) -> MoveOut:
        """Cancel a draft move; 409 when it is done already."""
        async with db.transaction() as conn:
            await conn.execute(
                "update inventory_move set state = 'cancelled' where id = $1 and state = 'draft'",
                move_id,
            )
            move = await read_move(conn, move_id)
        if move.state != "cancelled":
            raise Conflict(detail=f"the move is {move.state}, only a draft can be cancelled")
        return move
