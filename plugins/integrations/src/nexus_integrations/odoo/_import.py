"""Odoo → Nexus: customers, products and posted customer invoices.

Partners become Finance partners (``finance.partners.ensure``), products Inventory
products by SKU (``inventory.products.ensure``, untracked); each posted
``out_invoice`` becomes a posted Finance invoice (``finance.documents.draft`` with
``post``), its Odoo number kept as the reference. A line carries Odoo's own amounts: an
untaxed line its quantity, unit price and discount with no tax; a taxed line its total
(tax included) as one unit, so that the invoice's total, and so the receivable, is Odoo's.
Cursors are the highest ``write_date`` seen per model: the next run asks only for what
changed since.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec

from nexus_integrations._connector import Fetched, Item
from nexus_integrations.odoo._client import OdooClient, OdooConfig

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from nexus_hookspecs import Connection
    from nexus_hookspecs.http import Services

__all__ = ("CONNECTOR", "OdooConnector")

_PARTNER = "res.partner"
_PRODUCT = "product.product"
_PRODUCT_FIELDS = ["id", "name", "default_code", "list_price", "standard_price", "write_date"]
_MOVE = "account.move"
_PARTNER_FIELDS = ["id", "name", "email", "is_company", "write_date"]
_MOVE_FIELDS = [
    "id",
    "name",
    "partner_id",
    "invoice_date",
    "invoice_date_due",
    "currency_id",
    "amount_total",
    "amount_residual",
    "write_date",
]
_LINE_FIELDS = [
    "move_id",
    "name",
    "quantity",
    "price_unit",
    "discount",
    "price_subtotal",
    "price_total",
]


class _Ensured(msgspec.Struct):
    id: UUID


def _since(cursors: dict[str, str], model: str) -> list[Any]:
    cursor = cursors.get(model)
    return [["write_date", ">", cursor]] if cursor else []


def _money(value: Any) -> str:
    return str(Decimal(str(value)).quantize(Decimal("0.01")))


def _line(line: dict[str, Any]) -> dict[str, Any]:
    total, subtotal = _money(line["price_total"]), _money(line["price_subtotal"])
    name = str(line.get("name") or "Odoo line")[:500]
    if total == subtotal:
        return {
            "description": name,
            "quantity": str(line["quantity"]),
            "unit_price": str(line["price_unit"]),
            "discount_percent": str(line.get("discount") or 0),
            "tax_ids": [],
        }
    return {
        "description": f"{name} (tax included)"[:500],
        "quantity": "1",
        "unit_price": total,
        "tax_ids": [],
    }


class OdooConnector:
    """Imports an Odoo company's customers and posted invoices."""

    source = "odoo"
    config_type: type[msgspec.Struct] = OdooConfig

    def fetch(self, config: Any, cursors: dict[str, str]) -> Fetched:
        """Partners, then posted customer invoices with their lines, changed since ``cursors``."""
        client = OdooClient(config)
        partners = client.search_read(_PARTNER, _since(cursors, _PARTNER), _PARTNER_FIELDS)
        products = client.search_read(_PRODUCT, _since(cursors, _PRODUCT), _PRODUCT_FIELDS)
        moves = client.search_read(
            _MOVE,
            [["move_type", "=", "out_invoice"], ["state", "=", "posted"], *_since(cursors, _MOVE)],
            _MOVE_FIELDS,
        )
        lines: dict[int, list[dict[str, Any]]] = {}
        if moves:
            domain = [["move_id", "in", [m["id"] for m in moves]], ["display_type", "=", "product"]]
            for line in client.search_read("account.move.line", domain, _LINE_FIELDS):
                lines.setdefault(int(line["move_id"][0]), []).append(_line(line))
        items = [
            Item(
                object=_PARTNER,
                remote_id=str(p["id"]),
                label=p["name"],
                data={"name": p["name"], "email": p.get("email") or None},
            )
            for p in partners
        ]
        items.extend(
            Item(
                object=_PRODUCT,
                remote_id=str(p["id"]),
                label=p["name"],
                data={
                    "sku": str(p.get("default_code") or f"ODOO-{p['id']}")[:100],
                    "name": str(p["name"])[:200],
                    "sale_price": _money(p.get("list_price") or 0),
                    "cost_price": _money(p.get("standard_price") or 0),
                },
            )
            for p in products
        )
        for m in moves:
            items.append(
                Item(
                    object=_MOVE,
                    remote_id=str(m["id"]),
                    label=m["name"],
                    data={
                        "number": m["name"],
                        "partner": str(m["partner_id"][0]),
                        "date": m["invoice_date"],
                        "due_date": m.get("invoice_date_due") or None,
                        "total": _money(m["amount_total"]),
                        "lines": lines.get(m["id"], []),
                    },
                )
            )
        new = dict(cursors)
        for model, records in ((_PARTNER, partners), (_PRODUCT, products), (_MOVE, moves)):
            stamps = [str(r["write_date"]) for r in records if r.get("write_date")]
            if stamps:
                new[model] = max([*stamps, new.get(model, "")])
        return Fetched(items=items, cursors=new)

    async def write(
        self,
        item: Item,
        *,
        conn: Connection,
        services: Services,
        lookup: Callable[[str, str], Awaitable[UUID | None]],
        connection_id: UUID,
    ) -> UUID:
        """A Finance partner, or a posted Finance invoice for the imported partner."""
        data = item.data
        if item.object == _PARTNER:
            request = {"name": data["name"][:200], "kind": "customer"}
            if data["email"]:
                request["email"] = data["email"]
            ensured = await services.call(conn, "finance.partners.ensure", request, result=_Ensured)
            return ensured.id
        if item.object == _PRODUCT:
            product = await services.call(conn, "inventory.products.ensure", data, result=_Ensured)
            return product.id
        partner = await lookup(_PARTNER, data["partner"])
        if partner is None:
            raise LookupError(f"invoice {data['number']}: partner {data['partner']} not imported")
        request = {
            "kind": "invoice",
            "source_ref": f"integrations:{connection_id}:{item.object}:{item.remote_id}",
            "date": data["date"],
            "due_date": data["due_date"],
            "partner_id": str(partner),
            "reference": data["number"],
            "lines": data["lines"],
            "post": True,
        }
        document = await services.call(conn, "finance.documents.draft", request, result=_Ensured)
        return document.id


CONNECTOR = OdooConnector()
