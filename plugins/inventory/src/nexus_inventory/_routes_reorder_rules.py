"""Reorder rules: a minimum and a maximum on hand per product and location."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, patch, post
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
from nexus_inventory._fields import Amount
from nexus_inventory._keys import REORDER_RULES, RULES_READ, RULES_WRITE
from nexus_inventory._layout import read_layout

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nexus_hookspecs import Connection

__all__ = ("ReorderRuleController", "RuleChanges", "RuleCreate", "RuleOut")


class RuleCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A reorder rule at a location (the default stock location if none)."""

    minimum: Amount
    maximum: Amount
    location_id: UUID | None = None


class RuleChanges(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """New bounds of a reorder rule."""

    minimum: Amount | None = None
    maximum: Amount | None = None


class RuleOut(msgspec.Struct, kw_only=True):
    """A reorder rule: keep on hand between ``minimum`` and ``maximum``.

    ``to_order`` is what brings on hand back up to the maximum once it is below the
    minimum (``"0"`` otherwise).
    """

    id: UUID
    product_id: UUID
    location_id: UUID
    minimum: str
    maximum: str
    on_hand: str
    to_order: str
    created_at: datetime


# A rule with the on hand it watches.
_RULES = (
    "select r.*, coalesce(q.quantity, 0) as on_hand from inventory_reorder_rule r "
    "left join inventory_quant q on q.product_id = r.product_id and q.location_id = r.location_id"
)


def _rule(row: Mapping[str, Any] | None) -> RuleOut:
    if row is None:
        not_found()
    minimum, maximum = Decimal(row["minimum"]), Decimal(row["maximum"])
    on_hand = Decimal(row["on_hand"])
    values = {
        **row,
        "minimum": qty(minimum),
        "maximum": qty(maximum),
        "on_hand": qty(on_hand),
        "to_order": qty(maximum - on_hand if on_hand < minimum else Decimal(0)),
    }
    return msgspec.convert(values, RuleOut, strict=False)


async def _read_rule(conn: Connection, rule_id: UUID) -> RuleOut:
    return _rule(await conn.fetchrow(f"{_RULES} where r.id = $1", rule_id))


def _bounds(minimum: Decimal, maximum: Decimal) -> None:
    """Refuse bounds that are not amounts, or a maximum below the minimum (every field)."""
    errors = FieldErrors()
    positive(errors, "minimum", minimum, zero=True)
    positive(errors, "maximum", maximum, zero=True)
    if not errors and maximum < minimum:
        errors.add("maximum", "must be at least the minimum")
    errors.raise_if_any()


class ReorderRuleController(Controller):
    """Keep a product's on hand at a location between a minimum and a maximum.

    A done move that leaves on hand below the minimum publishes ``inventory.stock.low.v1``.
    """

    path = "/"
    tags = ["inventory"]
    opt = route_opt(feature=REORDER_RULES)

    @post(
        "/products/{product_id:uuid}/reorder-rules",
        summary="Create a reorder rule",
        opt=route_opt(permission=RULES_WRITE),
    )
    async def create_rule(
        self,
        db: Db,
        product_id: FromPath[UUID],
        data: Annotated[
            RuleCreate, body("POST /products/{product_id}/reorder-rules", "Keep 5 to 20 in stock")
        ],
    ) -> RuleOut:
        """Create the product's rule at a location (the default stock location if none).

        409 when the product has a rule there already.
        """
        _bounds(data.minimum, data.maximum)
        async with db.transaction() as conn:
            if not await conn.fetchval(
                "select true from inventory_product where id = $1", product_id
            ):
                not_found()
            location_id = data.location_id or (await read_layout(conn)).stock
            kind = await conn.fetchval(
                "select kind from inventory_location where id = $1", location_id
            )
            if kind != "internal":
                invalid("location_id", "a rule watches an internal location")
            row = await conn.fetchrow(
                "insert into inventory_reorder_rule (id, product_id, location_id, minimum, "
                "maximum) values ($1, $2, $3, $4, $5) "
                "on conflict (tenant_id, product_id, location_id) do nothing returning id",
                new_id(),
                product_id,
                location_id,
                data.minimum,
                data.maximum,
            )
            if row is None:
                conflict("the product has a reorder rule at this location")
            return await _read_rule(conn, row["id"])

    @get("/reorder-rules", summary="List reorder rules", opt=route_opt(permission=RULES_READ))
    async def list_rules(
        self,
        db: Db,
        cursor: Cursor = None,
        limit: Limit = 50,
        product_id: Annotated[UUID | None, QueryParameter(description="This product's.")] = None,
    ) -> Page[RuleOut]:
        """Reorder rules, oldest first."""
        after = after_id(cursor)
        async with db.transaction() as conn:
            rows = await conn.fetch(
                f"{_RULES} where ($1::uuid is null or r.id > $1) "
                "and ($2::uuid is null or r.product_id = $2) order by r.id limit $3",
                after,
                product_id,
                limit + 1,
            )
        return page_of([_rule(row) for row in rows], limit)

    @get(
        "/reorder-rules/{rule_id:uuid}",
        summary="Show a reorder rule",
        opt=route_opt(permission=RULES_READ),
    )
    async def show_rule(self, db: Db, rule_id: FromPath[UUID]) -> RuleOut:
        """One reorder rule."""
        async with db.transaction() as conn:
            return await _read_rule(conn, rule_id)

    @patch(
        "/reorder-rules/{rule_id:uuid}",
        summary="Change a reorder rule",
        opt=route_opt(permission=RULES_WRITE),
    )
    async def change_rule(
        self,
        db: Db,
        rule_id: FromPath[UUID],
        data: Annotated[RuleChanges, body("PATCH /reorder-rules/{rule_id}", "A lower minimum")],
    ) -> RuleOut:
        """Change the minimum, the maximum or both."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "select * from inventory_reorder_rule where id = $1 for update", rule_id
            )
            if row is None:
                not_found()
            minimum = data.minimum if data.minimum is not None else Decimal(row["minimum"])
            maximum = data.maximum if data.maximum is not None else Decimal(row["maximum"])
            _bounds(minimum, maximum)
            await conn.execute(
                "update inventory_reorder_rule set minimum = $2, maximum = $3 where id = $1",
                rule_id,
                minimum,
                maximum,
            )
            return await _read_rule(conn, rule_id)

    @delete(
        "/reorder-rules/{rule_id:uuid}",
        summary="Delete a reorder rule",
        opt=route_opt(permission=RULES_WRITE),
    )
    async def delete_rule(self, db: Db, rule_id: FromPath[UUID]) -> None:
        """Delete a reorder rule."""
        async with db.transaction() as conn:
            gone = await conn.fetchval(
                "delete from inventory_reorder_rule where id = $1 returning id", rule_id
            )
        if gone is None:
            not_found()
