"""Odoo → Nexus: customers, products, posted customer invoices and vendor bills, payments.

Partners become Finance partners (``finance.partners.ensure``), products Inventory
products by SKU (``inventory.products.ensure``, untracked); each posted
``out_invoice`` becomes a posted Finance invoice and each posted ``in_invoice`` a posted
Finance bill (``finance.documents.draft`` with ``post``), its Odoo number kept as the
reference. Posted payments (``account.payment``) become Finance payments
(``finance.payments.record``), allocated to the imported documents Odoo reconciled them
with (``reconciled_invoice_ids``, ``reconciled_bill_ids``) up to what each still owes,
so partial payments leave Odoo's residuals. A document or payment in a currency other than
the company's is imported in the company's currency at Odoo's own rate
(``amount_total_signed``, ``amount_company_currency_signed``) as one line naming the
original amount, so balances equal Odoo's without Finance's rates. A line carries Odoo's
own amounts: an untaxed line its quantity, unit price and discount with no tax; a taxed
line its total (tax included) as one unit, so that the invoice's total, and so the
receivable, is Odoo's.
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
_PAYMENT = "account.payment"
_PAYMENT_FIELDS = [
    "id",
    "name",
    "partner_id",
    "amount",
    "amount_company_currency_signed",
    "payment_type",
    "date",
    "currency_id",
    "company_currency_id",
    "reconciled_invoice_ids",
    "reconciled_bill_ids",
    "write_date",
]
_MOVE_FIELDS = [
    "id",
    "name",
    "move_type",
    "partner_id",
    "invoice_date",
    "invoice_date_due",
    "currency_id",
    "company_currency_id",
    "amount_total",
    "amount_total_signed",
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


class _Document(msgspec.Struct):
    id: UUID
    total: Decimal
    amount_paid: Decimal


def _foreign(record: dict[str, Any]) -> bool:
    """Whether ``record`` is in a currency other than the company's."""
    currency, company = record.get("currency_id"), record.get("company_currency_id")
    return bool(currency and company and currency[0] != company[0])


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
            [
                ["move_type", "in", ["out_invoice", "in_invoice"]],
                ["state", "=", "posted"],
                *_since(cursors, _MOVE),
            ],
            _MOVE_FIELDS,
        )
        payments = client.search_read(
            _PAYMENT, [["state", "=", "posted"], *_since(cursors, _PAYMENT)], _PAYMENT_FIELDS
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
            total = _money(m["amount_total"])
            move_lines = lines.get(m["id"], [])
            if _foreign(m):  # at Odoo's rate, in the company's currency
                total = _money(abs(Decimal(str(m["amount_total_signed"]))))
                original = f"{m['currency_id'][1]} {_money(m['amount_total'])}"
                move_lines = [
                    {
                        "description": f"{m['name']} ({original} at Odoo's rate)",
                        "quantity": "1",
                        "unit_price": total,
                        "tax_ids": [],
                    }
                ]
            items.append(
                Item(
                    object=_MOVE,
                    remote_id=str(m["id"]),
                    label=m["name"],
                    data={
                        "number": m["name"],
                        **(
                            {"kind": "bill", "partner_name": str(m["partner_id"][1])}
                            if m.get("move_type") == "in_invoice"
                            else {}
                        ),
                        "partner": str(m["partner_id"][0]),
                        "date": m["invoice_date"],
                        "due_date": m.get("invoice_date_due") or None,
                        "total": total,
                        "lines": move_lines,
                    },
                )
            )
        items.extend(_payment_item(p) for p in payments)
        new = dict(cursors)
        for model, records in (
            (_PARTNER, partners),
            (_PRODUCT, products),
            (_MOVE, moves),
            (_PAYMENT, payments),
        ):
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
        if item.object == _PAYMENT:
            return await self._payment(item, conn=conn, services=services, lookup=lookup)
        partner = await lookup(_PARTNER, data["partner"])
        if partner is None:
            raise LookupError(f"invoice {data['number']}: partner {data['partner']} not imported")
        kind = data.get("kind", "invoice")
        if kind == "bill":  # the partner supplies too
            request = {"name": data["partner_name"][:200], "kind": "supplier"}
            await services.call(conn, "finance.partners.ensure", request, result=_Ensured)
        request = {
            "kind": kind,
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

    async def _payment(
        self,
        item: Item,
        *,
        conn: Connection,
        services: Services,
        lookup: Callable[[str, str], Awaitable[UUID | None]],
    ) -> UUID:
        """A Finance payment allocated to the imported documents Odoo reconciled it with."""
        data = item.data
        partner = await lookup(_PARTNER, data["partner"])
        if partner is None:
            raise LookupError(f"payment {data['name']}: partner {data['partner']} not imported")
        remaining = Decimal(data["amount"])
        allocations = []
        for move in data["documents"]:
            document_id = await lookup(_MOVE, move)
            if document_id is None or remaining <= 0:
                continue
            document = await services.call(
                conn, "finance.documents.get", {"id": str(document_id)}, result=_Document
            )
            share = min(remaining, document.total - document.amount_paid)
            if share > 0:
                allocations.append({"invoice_id": str(document_id), "amount": str(share)})
                remaining -= share
        request = {
            "source_ref": f"integrations:odoo:{item.object}:{item.remote_id}:{data['name']}"[:200],
            "amount": data["amount"],
            "partner_id": str(partner),
            "direction": data["direction"],
            "date": data["date"],
            "allocations": allocations,
        }
        recorded = await services.call(conn, "finance.payments.record", request, result=_Ensured)
        return recorded.id


def _payment_item(p: dict[str, Any]) -> Item:
    amount = _money(p["amount"])
    if _foreign(p):  # at Odoo's rate, in the company's currency
        amount = _money(abs(Decimal(str(p["amount_company_currency_signed"]))))
    documents = [*(p.get("reconciled_invoice_ids") or []), *(p.get("reconciled_bill_ids") or [])]
    return Item(
        object=_PAYMENT,
        remote_id=str(p["id"]),
        label=p["name"],
        data={
            "name": p["name"],
            "partner": str(p["partner_id"][0]),
            "direction": "outbound" if p.get("payment_type") == "outbound" else "inbound",
            "amount": amount,
            "date": p["date"],
            "documents": [str(d) for d in documents],
        },
    )


CONNECTOR = OdooConnector()
