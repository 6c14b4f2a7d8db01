"""Reservations: quantity held for a reference; available = on hand − reserved."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, post
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs import new_id
from nexus_hookspecs.http import (
    Cursor,
    Db,
    FieldErrors,
    Limit,
    Page,
    after_id,
    conflict,
    invalid,
    not_found,
    page_of,
    route_opt,
)

from nexus_inventory._amounts import positive, qty
from nexus_inventory._examples import body
from nexus_inventory._fields import Amount, Reference
from nexus_inventory._keys import RESERVATIONS, RESERVATIONS_READ, RESERVATIONS_WRITE
from nexus_inventory._layout import read_layout
from nexus_inventory._stock import available_at

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ("ReservationController", "ReservationCreate", "ReservationOut")


class ReservationCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Hold ``quantity`` for ``reference`` at a location (the default stock location if none).

    A delivery with the same reference consumes it when done.
    """

    quantity: Amount
    reference: Reference
    location_id: UUID | None = None


class ReservationOut(msgspec.Struct, kw_only=True):
    """A reservation: ``active``, ``released`` (deleted) or ``consumed`` (delivered)."""

    id: UUID
    product_id: UUID
    location_id: UUID
    quantity: str
    reference: str
    state: str
    created_at: datetime


def _reservation(row: Mapping[str, Any] | None) -> ReservationOut:
    if row is None:
        not_found()
    values = {**row, "quantity": qty(Decimal(row["quantity"]))}
    return msgspec.convert(values, ReservationOut, strict=False)


class ReservationController(Controller):
    """Reserve stock for a reference (an order, a project); a delivery with it consumes it."""

    path = "/"
    tags = ["inventory"]
    opt = route_opt(feature=RESERVATIONS)

    @post(
        "/products/{product_id:uuid}/reservations",
        summary="Reserve a product",
        opt=route_opt(permission=RESERVATIONS_WRITE),
    )
    async def reserve(
        self,
        db: Db,
        product_id: FromPath[UUID],
        data: Annotated[
            ReservationCreate,
            body("POST /products/{product_id}/reservations", "Two units for an order"),
        ],
    ) -> ReservationOut:
        """Hold a quantity at a location; 409 when more than is available is asked for.

        On hand is unchanged and nothing is booked; available (on hand − reserved) goes
        down for every other reference until a delivery with this reference consumes it.
        """
        errors = FieldErrors()
        positive(errors, "quantity", data.quantity)
        errors.raise_if_any()
        quantity = data.quantity
        async with db.transaction() as conn:
            # The product row lock queues reservations and moves of the product alike.
            product = await conn.fetchrow(
                "select id from inventory_product where id = $1 for no key update", product_id
            )
            if product is None:
                not_found()
            location_id = data.location_id or (await read_layout(conn)).stock
            kind = await conn.fetchval(
                "select kind from inventory_location where id = $1", location_id
            )
            if kind != "internal":
                invalid("location_id", "reserve at an internal location")
            on_hand, reserved = await available_at(conn, product_id, location_id)
            available = on_hand - reserved
            if quantity > available:
                conflict(
                    f"only {qty(available)} available, {qty(quantity)} requested",
                    available=qty(available),
                    requested=qty(quantity),
                )
            row = await conn.fetchrow(
                "insert into inventory_reservation (id, product_id, location_id, quantity, "
                "reference, state) values ($1, $2, $3, $4, $5, 'active') returning *",
                new_id(),
                product_id,
                location_id,
                quantity,
                data.reference,
            )
        return _reservation(row)

    @get("/reservations", summary="List reservations", opt=route_opt(permission=RESERVATIONS_READ))
    async def list_reservations(
        self,
        db: Db,
        cursor: Cursor = None,
        limit: Limit = 50,
        product_id: Annotated[UUID | None, QueryParameter(description="This product's.")] = None,
        in_state: Annotated[
            str | None,
            QueryParameter(
                name="state", description="In this state.", enum=["active", "released", "consumed"]
            ),
        ] = None,
        reference: Annotated[
            str | None, QueryParameter(description="For this reference.", max_length=200)
        ] = None,
    ) -> Page[ReservationOut]:
        """Reservations, oldest first."""
        after = after_id(cursor)
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select * from inventory_reservation where ($1::uuid is null or id > $1) "
                "and ($2::uuid is null or product_id = $2) and ($3::text is null or state = $3) "
                "and ($4::text is null or reference = $4) order by id limit $5",
                after,
                product_id,
                in_state,
                reference,
                limit + 1,
            )
        return page_of([_reservation(row) for row in rows], limit)

    @get(
        "/reservations/{reservation_id:uuid}",
        summary="Show a reservation",
        opt=route_opt(permission=RESERVATIONS_READ),
    )
    async def show_reservation(self, db: Db, reservation_id: FromPath[UUID]) -> ReservationOut:
        """One reservation."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "select * from inventory_reservation where id = $1", reservation_id
            )
        return _reservation(row)

    @delete(
        "/reservations/{reservation_id:uuid}",
        summary="Release a reservation",
        opt=route_opt(permission=RESERVATIONS_WRITE),
    )
    async def release(self, db: Db, reservation_id: FromPath[UUID]) -> None:
        """Release an active reservation (kept as ``released``); 409 once consumed.

        The quantity is available again; no stock moves and nothing is booked.
        """
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "update inventory_reservation set state = case when state = 'active' "
                "then 'released' else state end where id = $1 returning state",
                reservation_id,
            )
        if row is None:
            not_found()
        if row["state"] == "consumed":
            conflict("the reservation was consumed by a delivery")
