"""Stock moves: the only way quantities change.

A move is created as a draft (``_moves.create_move``) and validated by :func:`validate_draft`,
which in one transaction locks the product row and the quant rows it touches
(``SELECT … FOR UPDATE``, always in the same order, so concurrent moves queue instead of
both passing the availability check), checks availability, changes on-hand quantities,
consumes the reservations of the move's reference, values the move at average cost and
publishes ``inventory.move.done.v1``, ``inventory.valuation.posted.v1`` and
``inventory.stock.low.v1`` in that same transaction.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from nexus_hookspecs import new_id
from nexus_hookspecs.http import FieldErrors, conflict, invalid, not_found

from nexus_inventory._amounts import money, qty
from nexus_inventory._events import (
    MOVE_DONE,
    STOCK_LOW,
    VALUATION_POSTED,
    MoveDone,
    StockLow,
    ValuationPosted,
)

if TYPE_CHECKING:
    from collections.abc import Mapping
    from uuid import UUID

    from nexus_hookspecs import Connection, EventPublisher

    from nexus_inventory._settings import InventorySettings

__all__ = (
    "InsufficientStock",
    "available_at",
    "check_locations",
    "validate_draft",
    "validate_move",
)

# Which location kinds each move kind goes between.
_ROUTES: dict[str, set[tuple[str, str]]] = {
    "receipt": {("supplier", "internal")},
    "delivery": {("internal", "customer")},
    "internal": {("internal", "internal")},
    "adjustment": {("adjustment", "internal"), ("internal", "adjustment")},
    "return": {("customer", "internal")},
    "supplier_return": {("internal", "supplier")},
}


class InsufficientStock(Exception):  # noqa: N818 - the name says what happened
    """The move needs more than is available at its source location.

    :func:`validate_move` answers it as a 409 problem; the invoice handler records it on a
    failed move instead.
    """

    def __init__(
        self,
        *,
        available: Decimal,
        requested: Decimal,
        location_id: UUID,
        on_hand: Decimal | None = None,
    ) -> None:
        self.available = available
        self.on_hand = available if on_hand is None else on_hand
        self.requested = requested
        self.location_id = location_id
        super().__init__(self.reason)

    @property
    def reason(self) -> str:
        """What is short, for a person."""
        return (
            f"only {qty(self.available)} available at the source location, "
            f"{qty(self.requested)} requested; negative stock is not allowed"
        )


async def check_locations(
    conn: Connection, kind: str, from_id: UUID, to_id: UUID
) -> tuple[str, str]:
    """Check both locations exist and suit the move kind; return their kinds (else 422)."""
    rows = await conn.fetch(
        "select id, kind from inventory_location where id = any($1::uuid[])", [from_id, to_id]
    )
    kinds = {row["id"]: row["kind"] for row in rows}
    errors = FieldErrors()
    for field, location in (("from_location_id", from_id), ("to_location_id", to_id)):
        if location not in kinds:
            errors.add(field, "no such location")
    errors.raise_if_any()
    if from_id == to_id:
        invalid("to_location_id", "must differ from from_location_id")
    pair = (kinds[from_id], kinds[to_id])
    if pair not in _ROUTES[kind]:
        allowed = " or ".join(f"{a} → {b}" for a, b in sorted(_ROUTES[kind]))
        invalid("to_location_id", f"a {kind} goes {allowed}, not {pair[0]} → {pair[1]}")
    return pair


async def available_at(
    conn: Connection,
    product_id: UUID,
    location_id: UUID,
    *,
    reference: str | None = None,
    reserved_for: str | None = None,
) -> tuple[Decimal, Decimal]:
    """On hand and reserved quantity (reservations of ``reference``, ``reserved_for`` aside)."""
    row = await conn.fetchrow(
        "select coalesce((select quantity from inventory_quant "
        "  where product_id = $1 and location_id = $2), 0) as on_hand, "
        "coalesce((select sum(quantity) from inventory_reservation where product_id = $1 "
        "  and location_id = $2 and state = 'active' "
        "  and reference is distinct from $3 and reference is distinct from $4), 0) as reserved",
        product_id,
        location_id,
        reference,
        reserved_for,
    )
    assert row is not None
    return Decimal(row["on_hand"]), Decimal(row["reserved"])


async def _lock_quants(
    conn: Connection, product_id: UUID, locations: list[UUID]
) -> dict[UUID, Decimal]:
    """Make and lock the quant rows of ``product_id`` at ``locations``; their quantities."""
    ordered = sorted(set(locations))
    for location_id in ordered:
        await conn.execute(
            "insert into inventory_quant (id, product_id, location_id, quantity) "
            "values ($1, $2, $3, 0) on conflict (tenant_id, product_id, location_id) do nothing",
            new_id(),
            product_id,
            location_id,
        )
    rows = await conn.fetch(
        "select location_id, quantity from inventory_quant "
        "where product_id = $1 and location_id = any($2::uuid[]) "
        "order by location_id for update",
        product_id,
        ordered,
    )
    return {row["location_id"]: Decimal(row["quantity"]) for row in rows}


async def validate_move(
    conn: Connection,
    events: EventPublisher,
    move_id: UUID,
    *,
    settings: InventorySettings,
    valuation: bool,
) -> Mapping[str, Any]:
    """Validate a draft move as a request asks: like :func:`validate_draft`, short stock a 409.

    The 409 problem has the members ``on_hand``, ``available``, ``requested`` and
    ``location_id``.
    """
    try:
        return await validate_draft(conn, events, move_id, settings=settings, valuation=valuation)
    except InsufficientStock as short:
        conflict(
            short.reason,
            on_hand=qty(short.on_hand),
            available=qty(short.available),
            requested=qty(short.requested),
            location_id=str(short.location_id),
        )


async def validate_draft(
    conn: Connection,
    events: EventPublisher,
    move_id: UUID,
    *,
    settings: InventorySettings,
    valuation: bool,
    reserved_for: str | None = None,
) -> Mapping[str, Any]:
    """Validate a draft move: change quantities, value it, publish its events.

    Args:
        conn: The transaction (row-level security set to the tenant).
        events: Publisher of the inventory plugin's events on ``conn``.
        move_id: The draft move.
        settings: The tenant's inventory settings (``allow_negative_stock``…).
        valuation: Whether ``inventory.valuation`` is on: publish valuation events.
        reserved_for: Another reference (a service call's ``origin``) whose reservations,
            like those of the move's own reference, do not count against it and are
            consumed by it.

    Returns:
        The move's row, now done.

    Raises:
        InsufficientStock: the source location lacks stock and negative stock is refused
            (nothing changed).

    A missing move answers 404, a move that is not a draft 409 (the kit's problems).
    """
    move = await conn.fetchrow("select * from inventory_move where id = $1 for update", move_id)
    if move is None:
        not_found()
    if move["state"] != "draft":
        conflict(f"the move is {move['state']}, only a draft can be validated")
    # The product row lock queues every move and reservation of the product (valuation
    # reads all its quants). NO KEY UPDATE, not UPDATE: the draft moves other transactions
    # just inserted hold KEY SHARE locks on it through their foreign key, and UPDATE would
    # deadlock with them.
    product = await conn.fetchrow(
        "select * from inventory_product where id = $1 for no key update", move["product_id"]
    )
    assert product is not None  # a foreign key holds it
    rows = await conn.fetch(
        "select id, kind from inventory_location where id = any($1::uuid[])",
        [move["from_location_id"], move["to_location_id"]],
    )
    kinds: dict[UUID, str] = {row["id"]: row["kind"] for row in rows}
    source, target = move["from_location_id"], move["to_location_id"]
    internal = [loc for loc in (source, target) if kinds[loc] == "internal"]
    quantity = Decimal(move["quantity"])
    # Every internal quant of the product is read for valuation; lock those the move touches.
    before = await _lock_quants(conn, product["id"], internal)
    if kinds[source] == "internal":
        _, reserved = await available_at(
            conn, product["id"], source, reference=move["reference"], reserved_for=reserved_for
        )
        available = before[source] - reserved
        if quantity > available and not settings.allow_negative_stock:
            raise InsufficientStock(
                available=available,
                requested=quantity,
                location_id=source,
                on_hand=before[source],
            )
    valued = await _value(conn, move, product, kinds, settings)
    if kinds[source] == "internal":
        await _change(conn, product["id"], source, -quantity)
        for held_for in dict.fromkeys((move["reference"], reserved_for)):
            await _consume_reservations(conn, product["id"], source, held_for, quantity)
    if kinds[target] == "internal":
        await _change(conn, product["id"], target, quantity)
    done = await conn.fetchrow(
        "update inventory_move set state = 'done', done_at = now(), unit_cost = $2, value = $3, "
        "currency = $4 where id = $1 returning *",
        move_id,
        valued["unit_cost"] if valued else None,
        valued["value"] if valued else None,
        settings.valuation_currency if valued else None,
    )
    assert done is not None
    done_event = MoveDone(
        id=move_id,
        kind=move["kind"],
        product_id=product["id"],
        sku=product["sku"],
        quantity=qty(quantity),
        from_location_id=source,
        to_location_id=target,
        reference=move["reference"],
    )
    await events.publish(conn, type=MOVE_DONE.type, data=done_event, subject=str(move_id))
    if valued and valuation:
        posted = ValuationPosted(
            move_id=move_id,
            kind=move["kind"],
            direction=valued["direction"],
            product_id=product["id"],
            sku=product["sku"],
            quantity=qty(quantity),
            unit_cost=qty(valued["unit_cost"]),
            value=money(valued["value"]),
            currency=settings.valuation_currency,
        )
        await events.publish(conn, type=VALUATION_POSTED.type, data=posted, subject=str(move_id))
    if kinds[source] == "internal":
        await _signal_low(conn, events, product, source, before[source] - quantity)
    return done


async def _change(conn: Connection, product_id: UUID, location_id: UUID, delta: Decimal) -> None:
    await conn.execute(
        "update inventory_quant set quantity = quantity + $3 "
        "where product_id = $1 and location_id = $2",
        product_id,
        location_id,
        delta,
    )


async def _consume_reservations(
    conn: Connection, product_id: UUID, location_id: UUID, reference: str | None, moved: Decimal
) -> None:
    """Mark the reservations the move fulfils (same reference, oldest first) consumed."""
    if reference is None:
        return
    rows = await conn.fetch(
        "select id, quantity from inventory_reservation where product_id = $1 "
        "and location_id = $2 and reference = $3 and state = 'active' order by id for update",
        product_id,
        location_id,
        reference,
    )
    left = moved
    for row in rows:
        if left <= 0:
            break
        await conn.execute(
            "update inventory_reservation set state = 'consumed' where id = $1", row["id"]
        )
        left -= Decimal(row["quantity"])


async def _value(
    conn: Connection,
    move: Mapping[str, Any],
    product: Mapping[str, Any],
    kinds: Mapping[UUID, str],
    settings: InventorySettings,
) -> dict[str, Any] | None:
    """Value the move at average cost and update the product's average; ``None`` if internal.

    Incoming stock (a receipt, an adjustment in, a customer return) brings its unit cost —
    the move's, else the product's cost price — and moves the average; outgoing stock leaves
    at the average, except a supplier return, which leaves at its receipt's unit cost (kept
    on the move) and moves the average of what stays.
    """
    incoming = kinds[move["to_location_id"]] == "internal"
    outgoing = kinds[move["from_location_id"]] == "internal"
    if incoming == outgoing:
        return None  # an internal transfer: the value stays in stock
    quantity = Decimal(move["quantity"])
    average = Decimal(product["average_cost"])
    on_hand = Decimal(
        await conn.fetchval(
            "select coalesce(sum(q.quantity), 0) from inventory_quant q "
            "join inventory_location l on l.id = q.location_id "
            "where q.product_id = $1 and l.kind = 'internal'",
            product["id"],
        )
    )
    fallback = average if on_hand > 0 else Decimal(product["cost_price"])
    if incoming:
        given = move["unit_cost"]
        unit_cost = Decimal(given) if given is not None else fallback
        if on_hand > 0:
            average = (on_hand * average + quantity * unit_cost) / (on_hand + quantity)
        else:
            average = unit_cost
        average = average.quantize(Decimal("0.000001"))
    elif move["unit_cost"] is not None:
        unit_cost = Decimal(move["unit_cost"])
        left = on_hand - quantity
        if left > 0:
            average = ((on_hand * average - quantity * unit_cost) / left).quantize(
                Decimal("0.000001")
            )
            average = max(average, Decimal(0))
    else:
        unit_cost = average if average > 0 else fallback
    await conn.execute(
        "update inventory_product set average_cost = $2 where id = $1", product["id"], average
    )
    value = (quantity * unit_cost).quantize(Decimal("0.01"))
    signed = value if incoming else -value
    await conn.execute(
        "insert into inventory_valuation_entry "
        "(id, move_id, product_id, kind, quantity, unit_cost, value, currency) "
        "values ($1, $2, $3, $4, $5, $6, $7, $8)",
        new_id(),
        move["id"],
        product["id"],
        move["kind"],
        quantity if incoming else -quantity,
        unit_cost,
        signed,
        settings.valuation_currency,
    )
    return {
        "unit_cost": unit_cost,
        "value": value,
        "direction": "in" if incoming else "out",
    }


async def _signal_low(
    conn: Connection,
    events: EventPublisher,
    product: Mapping[str, Any],
    location_id: UUID,
    on_hand: Decimal,
) -> None:
    """Publish ``inventory.stock.low.v1`` when a rule's minimum is no longer met.

    The payload carries what a purchase draft needs: the rule's maximum, what draft receipts
    into the location will bring, and the suggested quantity maximum − on hand − incoming.
    """
    rule = await conn.fetchrow(
        "select minimum, maximum from inventory_reorder_rule "
        "where product_id = $1 and location_id = $2",
        product["id"],
        location_id,
    )
    if rule is None or on_hand >= Decimal(rule["minimum"]):
        return
    incoming = Decimal(
        await conn.fetchval(
            "select coalesce(sum(quantity), 0) from inventory_move where product_id = $1 "
            "and to_location_id = $2 and kind = 'receipt' and state = 'draft'",
            product["id"],
            location_id,
        )
    )
    maximum = Decimal(rule["maximum"])
    low = StockLow(
        product_id=product["id"],
        sku=product["sku"],
        location_id=location_id,
        on_hand=qty(on_hand),
        minimum=qty(Decimal(rule["minimum"])),
        maximum=qty(maximum),
        incoming=qty(incoming),
        suggested_quantity=qty(max(maximum - on_hand - incoming, Decimal(0))),
    )
    await events.publish(conn, type=STOCK_LOW.type, data=low, subject=str(product["id"]))
