"""``/moves``: receipts, deliveries, internal transfers, adjustments and returns."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs.http import (
    Cursor,
    Db,
    Events,
    FeatureFlags,
    FieldErrors,
    Limit,
    Page,
    TenantSettings,
    after_id,
    conflict,
    not_found,
    page_of,
    route_opt,
)

from nexus_inventory._amounts import money, positive, qty
from nexus_inventory._examples import body
from nexus_inventory._fields import Amount, Reference
from nexus_inventory._keys import MOVES_READ, MOVES_WRITE, VALUATION
from nexus_inventory._layout import read_layout
from nexus_inventory._moves import MoveCreate, create_move
from nexus_inventory._returns import return_move
from nexus_inventory._settings import InventorySettings
from nexus_inventory._stock import validate_move

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nexus_hookspecs import Connection

__all__ = ("MoveController", "MoveOut", "ReturnCreate")

_SELECT = "select m.*, p.sku from inventory_move m join inventory_product p on p.id = m.product_id"


class MoveOut(msgspec.Struct, kw_only=True):
    """A stock move; ``unit_cost``, ``value`` and ``currency`` are set once it is done.

    ``return_of``: the delivery or receipt a return is made against. ``backorder``: a draft
    delivery the oversell policy ``backorder`` left for what stock could not cover,
    ``backorder_of`` the partial delivery it completes. ``requested``: what an automatic
    delivery (an invoice's, a service call's) was asked for.
    """

    id: UUID
    kind: str
    state: str
    product_id: UUID
    sku: str
    quantity: str
    from_location_id: UUID
    to_location_id: UUID
    reference: str | None
    origin: str | None
    unit_cost: str | None
    value: str | None
    currency: str | None
    failure_reason: str | None
    created_at: datetime
    done_at: datetime | None
    return_of: UUID | None = None
    backorder: bool = False
    backorder_of: UUID | None = None
    requested: str | None = None


class ReturnCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Return ``quantity`` of a done delivery (or receipt); ``reference`` defaults to its own."""

    quantity: Amount
    reference: Reference | None = None


def _move(row: Mapping[str, Any]) -> MoveOut:
    """A move row (with its product's ``sku``) as the API shows it."""
    values = dict(row)
    values["quantity"] = qty(Decimal(row["quantity"]))
    if row["unit_cost"] is not None:
        values["unit_cost"] = qty(Decimal(row["unit_cost"]))
    if row["value"] is not None:
        values["value"] = money(Decimal(row["value"]))
    if row["requested"] is not None:
        values["requested"] = qty(Decimal(row["requested"]))
    if values["currency"] is not None:
        values["currency"] = values["currency"].strip()
    return msgspec.convert(values, MoveOut, strict=False)


async def _read_move(conn: Connection, move_id: UUID) -> MoveOut:
    row = await conn.fetchrow(f"{_SELECT} where m.id = $1", move_id)
    if row is None:
        not_found()
    return _move(row)


class MoveController(Controller):
    """Stock moves: drafts, validated (done) or cancelled. The only way quantities change."""

    path = "/moves"
    tags = ["inventory"]

    @get("/", summary="List moves", opt=route_opt(permission=MOVES_READ))
    async def list_moves(
        self,
        db: Db,
        cursor: Cursor = None,
        limit: Limit = 50,
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
                enum=["receipt", "delivery", "internal", "adjustment", "return", "supplier_return"],
            ),
        ] = None,
        backorder: Annotated[
            bool | None,
            QueryParameter(description="Backorders (true) or not (false) only."),
        ] = None,
        reference: Annotated[
            str | None, QueryParameter(description="With this reference.", max_length=200)
        ] = None,
    ) -> Page[MoveOut]:
        """Moves, oldest first; ``backorder=true`` lists the backorders waiting for stock."""
        after = after_id(cursor)
        async with db.transaction() as conn:
            rows = await conn.fetch(
                f"{_SELECT} where ($1::uuid is null or m.id > $1) "
                "and ($2::uuid is null or m.product_id = $2) "
                "and ($3::text is null or m.state = $3) and ($4::text is null or m.kind = $4) "
                "and ($5::text is null or m.reference = $5) "
                "and ($6::boolean is null or m.backorder = $6) "
                "order by m.id limit $7",
                after,
                product_id,
                in_state,
                kind,
                reference,
                backorder,
                limit + 1,
            )
        return page_of([_move(row) for row in rows], limit)

    @post("/", summary="Create a move", opt=route_opt(permission=MOVES_WRITE))
    async def create_move(
        self,
        db: Db,
        events: Events,
        features: FeatureFlags,
        settings: TenantSettings[InventorySettings],
        data: Annotated[MoveCreate, body("POST /moves", "A validated receipt of a new product")],
    ) -> MoveOut:
        """Create a draft move, or create and validate it at once with ``"validate": true``.

        A draft changes no stock and books nothing. Validated, the source location's on hand
        goes down and the target's up, and a receipt, delivery or adjustment is valued at
        average cost (``inventory.valuation.posted.v1``: Finance books a receipt Dr Inventory /
        Cr Stock received not billed, a delivery Dr Cost of goods sold / Cr Inventory, an
        adjustment against Stock adjustments). Validating a delivery beyond the available
        quantity answers 409 unless the tenant's ``allow_negative_stock`` setting is on;
        nothing is stored then.
        """
        valuation = await features.enabled(VALUATION)
        async with db.transaction() as conn:
            layout = await read_layout(conn)
            move_id = await create_move(conn, data, settings=settings, layout=layout)
            if data.validate:
                await validate_move(conn, events, move_id, settings=settings, valuation=valuation)
            return await _read_move(conn, move_id)

    @get("/{move_id:uuid}", summary="Show a move", opt=route_opt(permission=MOVES_READ))
    async def show_move(self, db: Db, move_id: FromPath[UUID]) -> MoveOut:
        """One move."""
        async with db.transaction() as conn:
            return await _read_move(conn, move_id)

    @post(
        "/{move_id:uuid}/done",
        summary="Validate a move",
        opt=route_opt(permission=MOVES_WRITE),
        status_code=200,
    )
    async def validate(
        self,
        db: Db,
        events: Events,
        features: FeatureFlags,
        settings: TenantSettings[InventorySettings],
        move_id: FromPath[UUID],
    ) -> MoveOut:
        """Validate a draft: quantities change and the move's events are published.

        Stock: the source location's on hand goes down and the target's up. Ledger: a
        receipt, delivery or adjustment is valued at average cost and published as
        ``inventory.valuation.posted.v1`` (Finance books it). A backorder is validated like
        any draft. 409 when the move is not a draft, or when stock is short (see ``create``).
        """
        valuation = await features.enabled(VALUATION)
        async with db.transaction() as conn:
            await validate_move(conn, events, move_id, settings=settings, valuation=valuation)
            return await _read_move(conn, move_id)

    @post(
        "/{move_id:uuid}/return",
        summary="Return goods of a move",
        opt=route_opt(permission=MOVES_WRITE),
    )
    async def return_goods(
        self,
        db: Db,
        events: Events,
        features: FeatureFlags,
        settings: TenantSettings[InventorySettings],
        move_id: FromPath[UUID],
        data: Annotated[
            ReturnCreate, body("POST /moves/{move_id}/return", "One unit back from the customer")
        ],
    ) -> MoveOut:
        """Return goods of a done delivery (kind ``return``) or receipt (``supplier_return``).

        Stock: a customer return moves the goods from the customer location back to the
        location the delivery left from, at the unit cost the delivery left with (not the
        current average; the average is recomputed); a supplier return sends goods back
        from the receipt's location to the supplier at the receipt's unit cost. Ledger: the
        return is valued and published as ``inventory.valuation.posted.v1`` with kind
        ``return`` (Finance: Dr Inventory / Cr Cost of goods sold) or ``supplier_return``.
        409 when the move is not a done delivery or receipt, when more is asked than it
        moved less what was returned already (member ``returnable``), or when stock is
        short for a supplier return; the return move is answered (201).
        """
        errors = FieldErrors()
        positive(errors, "quantity", data.quantity)
        errors.raise_if_any()
        valuation = await features.enabled(VALUATION)
        async with db.transaction() as conn:
            done = await return_move(
                conn,
                events,
                move_id,
                data.quantity,
                reference=data.reference,
                origin=None,
                settings=settings,
                valuation=valuation,
            )
            return await _read_move(conn, done["id"])

    @post(
        "/{move_id:uuid}/cancel",
        summary="Cancel a move",
        opt=route_opt(permission=MOVES_WRITE),
        status_code=200,
    )
    async def cancel(self, db: Db, move_id: FromPath[UUID]) -> MoveOut:
        """Cancel a draft move (a backorder too); 409 when it is done already.

        No stock moves and nothing is booked: a draft never changed either.
        """
        async with db.transaction() as conn:
            await conn.execute(
                "update inventory_move set state = 'cancelled' where id = $1 and state = 'draft'",
                move_id,
            )
            move = await _read_move(conn, move_id)
        if move.state != "cancelled":
            conflict(f"the move is {move.state}, only a draft can be cancelled")
        return move
