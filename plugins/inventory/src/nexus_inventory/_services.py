"""The operations Inventory offers other plugins through the kernel's services port.

Each runs in the caller's transaction (row-level security set to the tenant) with this
plugin's settings, and reuses the move validation of :mod:`nexus_inventory._stock` — locks,
availability, average-cost valuation and the events ``inventory.move.done.v1`` /
``inventory.valuation.posted.v1`` / ``inventory.stock.low.v1`` in the same transaction. A
problem (404/409/422) rolls the caller's whole transaction back.

Idempotent per line: the moves and reservations they make keep ``<origin>/<origin_line>``
(``<origin>/<move id>`` for returns) as their origin, so a retried call answers what the
first one did and moves nothing twice.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal
from uuid import UUID

import msgspec
from nexus_hookspecs import Service, new_id
from nexus_hookspecs.http import FieldErrors, conflict, invalid

from nexus_inventory._amounts import money, positive, qty
from nexus_inventory._fields import Amount, Reference
from nexus_inventory._keys import RESERVATIONS, VALUATION
from nexus_inventory._layout import read_layout
from nexus_inventory._returns import return_move
from nexus_inventory._settings import InventorySettings
from nexus_inventory._stock import InsufficientStock, available_at, validate_draft

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from nexus_hookspecs import Connection, EventPublisher, ServiceContext

__all__ = (
    "SERVICES",
    "DeliverRequest",
    "Delivered",
    "ProductInfo",
    "ProductsGet",
    "ReceiveRequest",
    "Received",
    "ReleaseRequest",
    "Released",
    "ReserveRequest",
    "Reserved",
    "ReturnRequest",
    "Returned",
    "deliver",
    "products_get",
    "receive",
    "release",
    "reserve",
    "return_goods",
)


Origin = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=200,
        examples=["sales.order:42"],
        description="What asks (the caller's document); the reservations' reference.",
    ),
]
OriginLine = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=100,
        examples=["1"],
        description="The caller's line id: the call is idempotent per origin and line.",
    ),
]
Policy = Annotated[
    Literal["refuse", "backorder"],
    msgspec.Meta(description="Short stock: refuse (409) or backorder; the tenant's by default."),
]
MoveReference = Annotated[
    Reference,
    msgspec.Meta(description="The moves' reference (an order or delivery number)."),
]


class _Request(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    pass


class ProductsGet(_Request):
    """The products to read, by id (at most 500)."""

    ids: Annotated[list[UUID], msgspec.Meta(max_length=500, description="Product ids.")]


class ProductInfo(msgspec.Struct, kw_only=True):
    """A product with its stock over every internal location (decimal strings)."""

    id: UUID
    sku: str
    name: str
    tracked: bool
    uom: str
    on_hand: str
    available: str
    average_cost: str
    currency: str


class Line(_Request):
    """A caller's line: its own line id, the product and a positive quantity."""

    origin_line: OriginLine
    product_id: UUID
    quantity: Amount


class ReserveRequest(_Request):
    """Hold stock at the default stock location for ``origin`` (an order)."""

    origin: Origin
    lines: Annotated[list[Line], msgspec.Meta(min_length=1, max_length=500)]


class ReservedLine(msgspec.Struct, kw_only=True):
    """What was held for a line, and what could not be (``short``)."""

    origin_line: str
    product_id: UUID
    reserved: str
    short: str


class Reserved(msgspec.Struct, kw_only=True):
    """The answer of ``inventory.reserve``."""

    lines: list[ReservedLine]


class ReleaseRequest(_Request):
    """Release every active reservation held for ``origin``."""

    origin: Origin


class ReleasedLine(msgspec.Struct, kw_only=True):
    """A reservation released."""

    origin_line: str | None
    product_id: UUID
    released: str


class Released(msgspec.Struct, kw_only=True):
    """The answer of ``inventory.release``."""

    origin: str
    lines: list[ReleasedLine]


class DeliverRequest(_Request):
    """Deliver from the default stock location to the customer location.

    ``policy`` defaults to the tenant's ``oversell_policy``.
    """

    origin: Origin
    lines: Annotated[list[Line], msgspec.Meta(min_length=1, max_length=500)]
    reference: MoveReference | None = None
    policy: Policy | None = None


class DeliveredLine(msgspec.Struct, kw_only=True):
    """What left stock for a line (``move_id`` ``None`` when nothing did)."""

    origin_line: str
    product_id: UUID
    delivered: str
    backordered: str
    unit_cost: str | None
    value: str | None
    currency: str | None
    move_id: UUID | None


class Delivered(msgspec.Struct, kw_only=True):
    """The answer of ``inventory.deliver``."""

    lines: list[DeliveredLine]


class ReceiveLine(_Request):
    """A line received: quantity at a unit cost in the tenant's valuation currency."""

    origin_line: OriginLine
    product_id: UUID
    quantity: Amount
    unit_cost: Amount
    currency: Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$", examples=["NGN"])]


class ReceiveRequest(_Request):
    """Receive goods from the supplier location into the default stock location."""

    origin: Origin
    lines: Annotated[list[ReceiveLine], msgspec.Meta(min_length=1, max_length=500)]
    reference: MoveReference | None = None


class ReceivedLine(msgspec.Struct, kw_only=True):
    """The receipt move of a line and the value it added to stock."""

    origin_line: str
    product_id: UUID
    move_id: UUID
    quantity: str
    unit_cost: str
    value: str
    currency: str


class Received(msgspec.Struct, kw_only=True):
    """The answer of ``inventory.receive``."""

    lines: list[ReceivedLine]


class ReturnLine(_Request):
    """Return ``quantity`` of a done delivery (or receipt) move."""

    move_id: UUID
    quantity: Amount


class ReturnRequest(_Request):
    """Returns against done moves."""

    origin: Origin
    lines: Annotated[list[ReturnLine], msgspec.Meta(min_length=1, max_length=500)]
    reference: MoveReference | None = None


class ReturnedLine(msgspec.Struct, kw_only=True):
    """A return made: ``move_id`` the returned move, ``return_move_id`` the return itself."""

    move_id: UUID
    return_move_id: UUID
    kind: str
    product_id: UUID
    quantity: str
    unit_cost: str | None
    value: str | None
    currency: str | None


class Returned(msgspec.Struct, kw_only=True):
    """The answer of ``inventory.return``."""

    lines: list[ReturnedLine]


async def _settings(ctx: ServiceContext) -> InventorySettings:
    found = await ctx.settings()
    return found if isinstance(found, InventorySettings) else InventorySettings()


def _check_lines(lines: Sequence[Line | ReceiveLine]) -> None:
    """Every quantity (and unit cost) valid, every ``origin_line`` once (422 otherwise)."""
    errors = FieldErrors()
    seen: set[str] = set()
    for index, line in enumerate(lines):
        positive(errors, f"lines[{index}].quantity", line.quantity)
        if isinstance(line, ReceiveLine):
            positive(errors, f"lines[{index}].unit_cost", line.unit_cost, zero=True)
        if line.origin_line in seen:
            errors.add(f"lines[{index}].origin_line", "each line once")
        seen.add(line.origin_line)
    errors.raise_if_any()


async def _lock_products(conn: Connection, lines: Sequence[Line | ReceiveLine]) -> dict[UUID, Any]:
    """Lock the lines' products in id order (moves and reservations queue on them)."""
    found: dict[UUID, Any] = {}
    for product_id in sorted({line.product_id for line in lines}):
        row = await conn.fetchrow(
            "select * from inventory_product where id = $1 for no key update", product_id
        )
        if row is not None:
            found[product_id] = row
    errors = FieldErrors()
    for index, line in enumerate(lines):
        if line.product_id not in found:
            errors.add(f"lines[{index}].product_id", "no such product")
    errors.raise_if_any()
    return found


def _key(origin: str, line: str) -> str:
    return f"{origin}/{line}"


async def _existing(conn: Connection, keys: list[str]) -> dict[str, Mapping[str, Any]]:
    rows = await conn.fetch("select * from inventory_move where origin = any($1::text[])", keys)
    return {row["origin"]: row for row in rows}


def _cost(value: Any) -> str | None:
    return None if value is None else qty(Decimal(value))


def _money(value: Any) -> str | None:
    return None if value is None else money(Decimal(value))


def _currency(value: Any) -> str | None:
    return None if value is None else str(value).strip()


async def products_get(data: ProductsGet, ctx: ServiceContext) -> list[ProductInfo]:
    """Products by id (unknown ids are left out), in the order asked.

    ``on_hand`` over every internal location, ``available`` = on hand − active reservations,
    ``average_cost`` in the tenant's valuation currency. Reads only.
    """
    settings = await _settings(ctx)
    rows = await ctx.conn.fetch(
        "select p.*, coalesce((select sum(q.quantity) from inventory_quant q "
        "  join inventory_location l on l.id = q.location_id "
        "  where q.product_id = p.id and l.kind = 'internal'), 0) as on_hand, "
        "coalesce((select sum(r.quantity) from inventory_reservation r "
        "  where r.product_id = p.id and r.state = 'active'), 0) as reserved "
        "from inventory_product p where p.id = any($1::uuid[]) "
        "order by array_position($1::uuid[], p.id)",
        data.ids,
    )
    return [
        ProductInfo(
            id=row["id"],
            sku=row["sku"],
            name=row["name"],
            tracked=row["tracked"],
            uom=row["uom"],
            on_hand=qty(Decimal(row["on_hand"])),
            available=qty(Decimal(row["on_hand"]) - Decimal(row["reserved"])),
            average_cost=qty(Decimal(row["average_cost"])),
            currency=settings.valuation_currency,
        )
        for row in rows
    ]


async def reserve(data: ReserveRequest, ctx: ServiceContext) -> Reserved:
    """Hold stock at the default stock location for ``origin``, line by line.

    Each line reserves what is available (on hand − other active reservations) up to its
    quantity and answers the rest as ``short``; no stock moves and nothing is booked.
    Untracked products need no reservation (answered reserved in full). A line reserved
    before (same origin and origin_line, still active) answers that reservation. 409 when
    ``inventory.reservations`` is off for the tenant.
    """
    if not await ctx.feature_enabled(RESERVATIONS):
        conflict("reservations are switched off for the tenant", blocking=[RESERVATIONS])
    _check_lines(data.lines)
    conn = ctx.conn
    products = await _lock_products(conn, data.lines)
    stock = (await read_layout(conn)).stock
    answered: list[ReservedLine] = []
    for line in data.lines:
        key = _key(data.origin, line.origin_line)
        if not products[line.product_id]["tracked"]:
            held = line.quantity
        else:
            before = await conn.fetchval(
                "select quantity from inventory_reservation where origin = $1 and state = 'active'",
                key,
            )
            if before is not None:
                held = Decimal(before)
            else:
                on_hand, reserved = await available_at(conn, line.product_id, stock)
                held = max(min(line.quantity, on_hand - reserved), Decimal(0))
                if held > 0:
                    await conn.execute(
                        "insert into inventory_reservation "
                        "(id, product_id, location_id, quantity, reference, origin) "
                        "values ($1, $2, $3, $4, $5, $6)",
                        new_id(),
                        line.product_id,
                        stock,
                        held,
                        data.origin,
                        key,
                    )
        answered.append(
            ReservedLine(
                origin_line=line.origin_line,
                product_id=line.product_id,
                reserved=qty(held),
                short=qty(max(line.quantity - held, Decimal(0))),
            )
        )
    return Reserved(lines=answered)


async def release(data: ReleaseRequest, ctx: ServiceContext) -> Released:
    """Release every active reservation held for ``origin`` (they become ``released``).

    No stock moves and nothing is booked; releasing twice answers no lines the second time.
    """
    rows = await ctx.conn.fetch(
        "update inventory_reservation set state = 'released' "
        "where reference = $1 and state = 'active' returning origin, product_id, quantity",
        data.origin,
    )
    prefix = f"{data.origin}/"
    return Released(
        origin=data.origin,
        lines=[
            ReleasedLine(
                origin_line=row["origin"][len(prefix) :]
                if row["origin"] and row["origin"].startswith(prefix)
                else None,
                product_id=row["product_id"],
                released=qty(Decimal(row["quantity"])),
            )
            for row in rows
        ],
    )


def _delivered(line: Line, move: Mapping[str, Any] | None) -> DeliveredLine:
    if move is None:  # an untracked product: nothing to move, delivered as asked
        return DeliveredLine(
            origin_line=line.origin_line,
            product_id=line.product_id,
            delivered=qty(line.quantity),
            backordered="0",
            unit_cost=None,
            value=None,
            currency=None,
            move_id=None,
        )
    done = move["state"] == "done"
    delivered = Decimal(move["quantity"]) if done else Decimal(0)
    requested = Decimal(move["requested"] or move["quantity"])
    return DeliveredLine(
        origin_line=line.origin_line,
        product_id=move["product_id"],
        delivered=qty(delivered),
        backordered=qty(requested - delivered),
        unit_cost=_cost(move["unit_cost"]) if done else None,
        value=_money(move["value"]) if done else None,
        currency=_currency(move["currency"]) if done else None,
        move_id=move["id"] if done else None,
    )


async def deliver(data: DeliverRequest, ctx: ServiceContext) -> Delivered:
    """Deliver each line from the default stock location to the customer location.

    Stock: on hand goes down by what is delivered; reservations held for ``origin`` or
    ``reference`` do not count against it and are consumed. Ledger: each delivery is valued
    at the product's average cost (``inventory.valuation.posted.v1``, kind ``delivery``:
    Finance books Dr Cost of goods sold / Cr Inventory). Policy ``refuse`` (the tenant's
    ``oversell_policy`` when not given): any line short → 409 naming ``product_id``,
    ``sku``, ``on_hand``, ``available`` and ``requested``, nothing delivered. ``backorder``:
    each line delivers what is available and answers the rest as ``backordered`` (the caller
    keeps the backorder). Untracked products move nothing and answer delivered in full.
    Idempotent per ``origin_line``: a retry answers the first call's result.
    """
    settings = await _settings(ctx)
    valuation = await ctx.feature_enabled(VALUATION)
    policy = data.policy or settings.oversell_policy
    _check_lines(data.lines)
    conn = ctx.conn
    products = await _lock_products(conn, data.lines)
    layout = await read_layout(conn)
    existing = await _existing(conn, [_key(data.origin, x.origin_line) for x in data.lines])
    if policy == "refuse" and not settings.allow_negative_stock:
        needed: dict[UUID, Decimal] = defaultdict(Decimal)
        for line in data.lines:
            tracked = products[line.product_id]["tracked"]
            if tracked and _key(data.origin, line.origin_line) not in existing:
                needed[line.product_id] += line.quantity
        for product_id, amount in needed.items():
            on_hand, reserved = await available_at(
                conn, product_id, layout.stock, reference=data.reference, reserved_for=data.origin
            )
            available = on_hand - reserved
            if amount > available:
                sku = products[product_id]["sku"]
                conflict(
                    f"{sku}: only {qty(available)} available ({qty(on_hand)} on hand), "
                    f"{qty(amount)} requested",
                    product_id=str(product_id),
                    sku=sku,
                    on_hand=qty(on_hand),
                    available=qty(available),
                    requested=qty(amount),
                )
    answered: list[DeliveredLine] = []
    for line in data.lines:
        key = _key(data.origin, line.origin_line)
        if key in existing:
            answered.append(_delivered(line, existing[key]))
            continue
        if not products[line.product_id]["tracked"]:
            answered.append(_delivered(line, None))
            continue
        move_id = new_id()
        await conn.execute(
            "insert into inventory_move (id, kind, product_id, quantity, from_location_id, "
            "to_location_id, reference, origin, requested) "
            "values ($1, 'delivery', $2, $3, $4, $5, $6, $7, $3)",
            move_id,
            line.product_id,
            line.quantity,
            layout.stock,
            layout.customer,
            data.reference,
            key,
        )
        move = await _validate_or_backorder(
            conn, ctx.events, move_id, settings=settings, valuation=valuation, origin=data.origin
        )
        answered.append(_delivered(line, move))
    return Delivered(lines=answered)


async def _validate_or_backorder(
    conn: Connection,
    events: EventPublisher,
    move_id: UUID,
    *,
    settings: InventorySettings,
    valuation: bool,
    origin: str,
) -> Mapping[str, Any]:
    """Validate the delivery; short (policy backorder) → deliver what is available.

    With nothing available the move is kept ``cancelled`` (its ``requested`` and the reason
    recorded) so a retry answers the same backorder instead of delivering later stock.
    """
    try:
        return await validate_draft(
            conn, events, move_id, settings=settings, valuation=valuation, reserved_for=origin
        )
    except InsufficientStock as short:
        if short.available <= 0:
            row = await conn.fetchrow(
                "update inventory_move set state = 'cancelled', failure_reason = $2 "
                "where id = $1 returning *",
                move_id,
                f"backordered: {short.reason}",
            )
            assert row is not None
            return row
        await conn.execute(
            "update inventory_move set quantity = $2 where id = $1", move_id, short.available
        )
        return await validate_draft(
            conn, events, move_id, settings=settings, valuation=valuation, reserved_for=origin
        )


async def receive(data: ReceiveRequest, ctx: ServiceContext) -> Received:
    """Receive each line from the supplier location into the default stock location.

    Stock: on hand goes up; the product's average cost is recomputed with the line's unit
    cost. Ledger: ``inventory.valuation.posted.v1`` kind ``receipt`` (Finance books Dr
    Inventory / Cr Stock received not billed). ``currency`` must be the tenant's valuation
    currency (422 otherwise); untracked products are refused (422). Idempotent per
    ``origin_line``.
    """
    settings = await _settings(ctx)
    valuation = await ctx.feature_enabled(VALUATION)
    _check_lines(data.lines)
    errors = FieldErrors()
    for index, line in enumerate(data.lines):
        if line.currency != settings.valuation_currency:
            errors.add(
                f"lines[{index}].currency",
                f"must be the valuation currency {settings.valuation_currency}",
            )
    errors.raise_if_any()
    conn = ctx.conn
    products = await _lock_products(conn, data.lines)
    for index, line in enumerate(data.lines):
        if not products[line.product_id]["tracked"]:
            invalid(f"lines[{index}].product_id", "the product's quantities are not tracked")
    layout = await read_layout(conn)
    existing = await _existing(conn, [_key(data.origin, x.origin_line) for x in data.lines])
    answered: list[ReceivedLine] = []
    for line in data.lines:
        key = _key(data.origin, line.origin_line)
        move = existing.get(key)
        if move is None:
            move_id = new_id()
            await conn.execute(
                "insert into inventory_move (id, kind, product_id, quantity, from_location_id, "
                "to_location_id, reference, origin, unit_cost, requested) "
                "values ($1, 'receipt', $2, $3, $4, $5, $6, $7, $8, $3)",
                move_id,
                line.product_id,
                line.quantity,
                layout.supplier,
                layout.stock,
                data.reference,
                key,
                line.unit_cost,
            )
            move = await validate_draft(
                conn, ctx.events, move_id, settings=settings, valuation=valuation
            )
        answered.append(
            ReceivedLine(
                origin_line=line.origin_line,
                product_id=move["product_id"],
                move_id=move["id"],
                quantity=qty(Decimal(move["quantity"])),
                unit_cost=qty(Decimal(move["unit_cost"])),
                value=money(Decimal(move["value"])),
                currency=str(move["currency"]).strip(),
            )
        )
    return Received(lines=answered)


async def return_goods(data: ReturnRequest, ctx: ServiceContext) -> Returned:
    """Return goods against done moves: a delivery's back into stock, a receipt's to the supplier.

    Stock: a customer return (kind ``return``) puts the goods back where the delivery left
    from, at the unit cost the delivery left with; the average cost is recomputed. Ledger:
    ``inventory.valuation.posted.v1`` kind ``return`` (Finance books Dr Inventory / Cr Cost
    of goods sold). A receipt's return (kind ``supplier_return``) takes goods out of stock
    at the receipt's unit cost (kind ``supplier_return``: Dr Stock received not billed /
    Cr Inventory). Never more than the move moved less what was returned (409 with
    ``returnable``); 404 for an unknown move. Idempotent per ``origin`` and ``move_id``.
    """
    settings = await _settings(ctx)
    valuation = await ctx.feature_enabled(VALUATION)
    errors = FieldErrors()
    seen: set[UUID] = set()
    for index, line in enumerate(data.lines):
        positive(errors, f"lines[{index}].quantity", line.quantity)
        if line.move_id in seen:
            errors.add(f"lines[{index}].move_id", "each move once")
        seen.add(line.move_id)
    errors.raise_if_any()
    conn = ctx.conn
    existing = await _existing(conn, [_key(data.origin, str(x.move_id)) for x in data.lines])
    answered: list[ReturnedLine] = []
    for line in data.lines:
        key = _key(data.origin, str(line.move_id))
        move = existing.get(key)
        if move is None:
            move = await return_move(
                conn,
                ctx.events,
                line.move_id,
                line.quantity,
                reference=data.reference,
                origin=key,
                settings=settings,
                valuation=valuation,
            )
        answered.append(
            ReturnedLine(
                move_id=line.move_id,
                return_move_id=move["id"],
                kind=move["kind"],
                product_id=move["product_id"],
                quantity=qty(Decimal(move["quantity"])),
                unit_cost=_cost(move["unit_cost"]),
                value=_money(move["value"]),
                currency=_currency(move["currency"]),
            )
        )
    return Returned(lines=answered)


def _service(name: str, handler: Any, request: type[msgspec.Struct], response: Any) -> Service:
    """A service described by its handler's docstring on one line (side effects included)."""
    return Service(
        name=name,
        handler=handler,
        request=request,
        response=response,
        description=" ".join((handler.__doc__ or "").split()),
    )


SERVICES: tuple[Service, ...] = (
    _service("inventory.products.get", products_get, ProductsGet, list[ProductInfo]),
    _service("inventory.reserve", reserve, ReserveRequest, Reserved),
    _service("inventory.release", release, ReleaseRequest, Released),
    _service("inventory.deliver", deliver, DeliverRequest, Delivered),
    _service("inventory.receive", receive, ReceiveRequest, Received),
    _service("inventory.return", return_goods, ReturnRequest, Returned),
)
"""What ``nexus_services`` registers; each description is the handler's docstring."""
