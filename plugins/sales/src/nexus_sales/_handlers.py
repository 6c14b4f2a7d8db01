"""Event handlers: a won CRM deal drafts a quotation, an order or an invoice.

The ``deal_won_action`` setting chooses (``quotation`` by default, ``none`` to ignore). The
deal's lines (or, without lines, one line of its title and amount) keep their product ids;
their taxes are left to Finance's defaults (``tax_ids`` null), so whatever is drafted from
the deal carries the product's or the customer's taxes. Redelivered events draft nothing
twice: one quotation or order per deal (a unique index), one invoice per deal (Finance's
``source_ref`` ``sales.deal:<id>``).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from uuid import UUID

import structlog
from msgspec.structs import replace

from nexus_sales._fields import LineIn
from nexus_sales._orders import create_order
from nexus_sales._peers import draft_document, products
from nexus_sales._quotations import create_quotation
from nexus_sales._settings import SalesSettings

if TYPE_CHECKING:
    from nexus_hookspecs import CloudEvent, EventContext

__all__ = ("DEAL_WON", "on_deal_won")

DEAL_WON = "crm.deal.won.v1"
"""CRM's event this plugin consumes (no import of CRM: only its event type)."""

log = structlog.get_logger("nexus_sales")


def _uuid(value: Any) -> UUID | None:
    try:
        return UUID(str(value)) if value else None
    except ValueError:
        return None


def _decimal(value: Any) -> Decimal | None:
    try:
        found = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return found if found.is_finite() and found >= 0 else None


def _lines(data: dict[str, Any]) -> list[LineIn]:
    lines = []
    for raw in data.get("lines") or []:
        if not isinstance(raw, dict):
            continue
        quantity = _decimal(raw.get("quantity"))
        price = _decimal(raw.get("unit_price"))
        if not quantity or price is None:
            continue
        lines.append(
            LineIn(
                description=str(raw.get("description") or "Item")[:500],
                quantity=quantity,
                unit_price=price,
                product_id=_uuid(raw.get("product_id")),
            )
        )
    amount = _decimal(data.get("amount"))
    if not lines and amount is not None:
        title = str(data.get("title") or "Deal")[:500]
        lines.append(LineIn(description=title, quantity=Decimal(1), unit_price=amount))
    return lines


async def on_deal_won(event: CloudEvent, ctx: EventContext) -> None:
    """Draft what ``deal_won_action`` says for a won deal (see the module)."""
    found = await ctx.settings()
    settings = found if isinstance(found, SalesSettings) else SalesSettings()
    action = settings.deal_won_action
    data: dict[str, Any] = event.data if isinstance(event.data, dict) else {}
    deal_id = _uuid(data.get("id"))
    lines = _lines(data)
    if action == "none" or deal_id is None or not lines:
        return
    conn = ctx.conn
    known = await products(conn, ctx.services, [x.product_id for x in lines if x.product_id])
    if known is not None:  # a product Inventory does not know becomes a free-text line
        lines = [
            x if x.product_id is None or x.product_id in known else replace(x, product_id=None)
            for x in lines
        ]
    currency = str(data.get("currency") or settings.default_currency)
    name = str(data.get("company_name") or data.get("contact_email") or "Customer")[:200]
    partner_ref = _uuid(data.get("company_id"))
    if action == "quotation":
        if await conn.fetchval("select 1 from sales_quotation where deal_id = $1", deal_id):
            return
        await create_quotation(
            conn,
            ctx.services,
            settings,
            partner_id=None,
            partner_ref=partner_ref,
            partner_name=name,
            currency=currency,
            validity_date=None,
            payment_terms=None,
            notes=str(data.get("title") or "")[:2000],
            lines=lines,
            deal_id=deal_id,
        )
    elif action == "order":
        if await conn.fetchval("select 1 from sales_order where deal_id = $1", deal_id):
            return
        await create_order(
            conn,
            ctx.services,
            partner_id=None,
            partner_ref=partner_ref,
            partner_name=name,
            currency=currency,
            payment_terms=settings.payment_terms,
            lines=lines,
            deal_id=deal_id,
        )
    else:
        await _invoice(ctx, data, deal_id=deal_id, name=name, currency=currency, lines=lines)


async def _invoice(
    ctx: EventContext,
    data: dict[str, Any],
    *,
    deal_id: UUID,
    name: str,
    currency: str,
    lines: list[LineIn],
) -> None:
    """A draft Finance invoice for the deal, with Finance's default taxes."""
    if not await ctx.services.available(ctx.conn, "finance.documents.draft"):
        log.warning("won deal not invoiced: Finance is off", deal=str(deal_id))
        return
    won_at = data.get("won_at")
    day = datetime.fromisoformat(won_at).date() if isinstance(won_at, str) else date.today()
    partner_ref = _uuid(data.get("company_id"))
    party = {
        "partner_id": None,
        "partner_ref": partner_ref,
        "partner_name": name,
        "currency": currency,
    }
    await draft_document(
        ctx.conn,
        ctx.services,
        party=party,
        kind="invoice",
        day=day,
        reference=str(data.get("title") or "")[:200],
        source_ref=f"sales.deal:{deal_id}",
        lines=[
            {
                "description": line.description,
                "quantity": format(line.quantity, "f"),
                "unit_price": format(line.unit_price, "f"),
                "tax_ids": None,
                **({"product_id": str(line.product_id)} if line.product_id else {}),
            }
            for line in lines
        ],
        post=False,
    )
