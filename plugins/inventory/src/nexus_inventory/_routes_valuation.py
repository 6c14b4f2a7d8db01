"""``/valuation``: the stock's value at average cost."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import msgspec
from litestar import Controller, get
from nexus_hookspecs.http import Db, TenantSettings, route_opt

from nexus_inventory._amounts import money, qty
from nexus_inventory._keys import VALUATION, VALUATION_READ
from nexus_inventory._settings import InventorySettings

__all__ = ("ValuationController", "ValuationLine", "ValuationOut")


class ValuationLine(msgspec.Struct, kw_only=True):
    """One product's stock value: quantity on hand × average cost."""

    product_id: UUID
    sku: str
    name: str
    quantity: str
    average_cost: str
    value: str


class ValuationOut(msgspec.Struct, kw_only=True):
    """The tenant's stock valuation at average cost."""

    currency: str
    total_value: str
    products: list[ValuationLine]


class ValuationController(Controller):
    """The stock's value at average cost."""

    path = "/valuation"
    tags = ["inventory"]
    opt = route_opt(feature=VALUATION)

    @get("/", summary="Show the stock valuation", opt=route_opt(permission=VALUATION_READ))
    async def show_valuation(
        self, db: Db, settings: TenantSettings[InventorySettings]
    ) -> ValuationOut:
        """Each product with stock in internal locations: quantity × average cost."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select p.id, p.sku, p.name, p.average_cost, sum(q.quantity) as quantity "
                "from inventory_product p join inventory_quant q on q.product_id = p.id "
                "join inventory_location l on l.id = q.location_id and l.kind = 'internal' "
                "group by p.tenant_id, p.id having sum(q.quantity) <> 0 order by p.id"
            )
        lines = []
        total = Decimal(0)
        for row in rows:
            value = Decimal(row["quantity"]) * Decimal(row["average_cost"])
            total += value.quantize(Decimal("0.01"))
            lines.append(
                ValuationLine(
                    product_id=row["id"],
                    sku=row["sku"],
                    name=row["name"],
                    quantity=qty(Decimal(row["quantity"])),
                    average_cost=qty(Decimal(row["average_cost"])),
                    value=money(value),
                )
            )
        return ValuationOut(
            currency=settings.valuation_currency, total_value=money(total), products=lines
        )
