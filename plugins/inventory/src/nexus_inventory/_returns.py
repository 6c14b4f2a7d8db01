"""Returns against a done move: a customer's goods back into stock, a supplier's goods back.

A ``return`` takes goods from the customer location back to the location a delivery left
from, at the unit cost the delivery left with (not today's average; the average is
recomputed from it). A ``supplier_return`` sends goods a receipt brought back to the supplier
at the receipt's unit cost. Never more than the move moved less what was returned already.
Both are ordinary moves validated by :func:`nexus_inventory._stock.validate_move`: locks,
availability (a supplier return leaves an internal location), valuation entry of their own
kind and the events ``inventory.move.done.v1`` and ``inventory.valuation.posted.v1``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from nexus_hookspecs import new_id
from nexus_hookspecs.http import conflict, not_found

from nexus_inventory._amounts import qty
from nexus_inventory._stock import validate_move

if TYPE_CHECKING:
    from collections.abc import Mapping
    from uuid import UUID

    from nexus_hookspecs import Connection, EventPublisher

    from nexus_inventory._settings import InventorySettings

__all__ = ("RETURN_KINDS", "return_move")

RETURN_KINDS = {"delivery": "return", "receipt": "supplier_return"}
"""The move kinds that can be returned, and the kind of their return."""


async def return_move(
    conn: Connection,
    events: EventPublisher,
    move_id: UUID,
    quantity: Decimal,
    *,
    reference: str | None,
    origin: str | None,
    settings: InventorySettings,
    valuation: bool,
) -> Mapping[str, Any]:
    """Return ``quantity`` of the done delivery or receipt ``move_id``; the done return row.

    404 when the move is missing (or another tenant's); 409 when it is not a done delivery
    or receipt, when ``quantity`` exceeds what it moved less what was returned already
    (members ``returnable``, ``requested``), or when a supplier return finds too little
    stock (members ``on_hand``, ``available``, ``requested``, ``location_id``).
    """
    original = await conn.fetchrow("select * from inventory_move where id = $1 for update", move_id)
    if original is None:
        not_found()
    kind = RETURN_KINDS.get(original["kind"])
    if kind is None:
        conflict(f"a {original['kind']} cannot be returned: only a delivery or a receipt")
    if original["state"] != "done":
        conflict(f"the move is {original['state']}: only a done move can be returned")
    returned = Decimal(
        await conn.fetchval(
            "select coalesce(sum(quantity), 0) from inventory_move "
            "where return_of = $1 and state in ('draft', 'done')",
            move_id,
        )
    )
    left = Decimal(original["quantity"]) - returned
    if quantity > left:
        conflict(
            f"only {qty(left)} of the move is left to return, {qty(quantity)} requested",
            returnable=qty(left),
            requested=qty(quantity),
        )
    return_id = new_id()
    await conn.execute(
        "insert into inventory_move (id, kind, product_id, quantity, from_location_id, "
        "to_location_id, reference, origin, unit_cost, return_of) "
        "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        return_id,
        kind,
        original["product_id"],
        quantity,
        original["to_location_id"],
        original["from_location_id"],
        reference if reference is not None else original["reference"],
        origin,
        original["unit_cost"],
        move_id,
    )
    return await validate_move(conn, events, return_id, settings=settings, valuation=valuation)
