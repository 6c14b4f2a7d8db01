"""Event handlers: deals won in CRM become draft invoices; stock valuations become entries.

Both run in the kernel's delivery transaction for the event's tenant (``ctx.conn``), so
their effect commits with the inbox row that deduplicates the event; each is idempotent on
its own too (``source_ref`` is unique per tenant), should the same business fact arrive
twice under different event ids.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from uuid import UUID

import structlog

from nexus_finance._books import company, default_account
from nexus_finance._invoices import InvoiceIn, InvoiceLineIn, create_draft
from nexus_finance._keys import INVENTORY_VALUATION, INVOICE_FROM_DEAL
from nexus_finance._ledger import Posting, next_number, post_entry
from nexus_finance._money import is_currency, quantize

if TYPE_CHECKING:
    from nexus_hookspecs import CloudEvent, EventContext

    from nexus_finance._settings import FinanceSettings

__all__ = ("DEAL_WON", "VALUATION_POSTED", "on_deal_won", "on_valuation_posted")

DEAL_WON = "crm.deal.won.v1"
"""CRM's event for a won deal (consumed; Finance does not require CRM)."""
VALUATION_POSTED = "inventory.valuation.posted.v1"
"""Inventory's event for a stock move's valuation (consumed; Inventory is optional)."""
log = structlog.get_logger("nexus_finance")


def _decimal(value: Any, default: Decimal | None = None) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None else default
    except InvalidOperation:
        return default


def _uuid(value: Any) -> UUID | None:
    try:
        return UUID(str(value)) if value else None
    except ValueError:
        return None


def _deal_lines(data: dict[str, Any], currency: str) -> list[InvoiceLineIn]:
    lines = []
    for line in data.get("lines") or []:
        quantity = _decimal(line.get("quantity"), Decimal(1)) or Decimal(1)
        price = _decimal(line.get("unit_price"), Decimal(0)) or Decimal(0)
        if quantity <= 0 or price < 0:
            continue
        lines.append(
            InvoiceLineIn(
                description=str(line.get("description") or data.get("title") or "Deal")[:500],
                quantity=quantity,
                unit_price=quantize(price, currency),
                product_id=_uuid(line.get("product_id")),
                sku=line.get("sku"),
            )
        )
    if not lines:
        amount = _decimal(data.get("amount"), Decimal(0)) or Decimal(0)
        lines.append(
            InvoiceLineIn(
                description=str(data.get("title") or "Deal")[:500],
                unit_price=quantize(amount, currency),
            )
        )
    return lines


async def _settings(ctx: EventContext) -> FinanceSettings:
    settings: FinanceSettings = await ctx.settings()
    return settings


async def on_deal_won(event: CloudEvent, ctx: EventContext) -> None:
    """Draft an invoice for a won deal (feature ``finance.invoice_from_deal``).

    Its lines carry the default taxes (the product's sales tax, else the company's default,
    through the customer's exemption or fiscal position).
    """
    if not await ctx.feature_enabled(INVOICE_FROM_DEAL):
        return
    data: dict[str, Any] = event.data
    conn = ctx.conn
    settings = await _settings(ctx)
    books = await company(conn)
    source_ref = f"crm.deal:{data['id']}"
    if await conn.fetchval("select 1 from finance_invoice where source_ref = $1", source_ref):
        return
    currency = str(data.get("currency") or books.base_currency)
    if not is_currency(currency):
        log.warning("deal skipped: not a currency", deal=data.get("id"), currency=currency)
        return
    won_at = data.get("won_at")
    day = datetime.fromisoformat(won_at).date() if isinstance(won_at, str) else date.today()
    draft = InvoiceIn(
        kind="invoice",
        partner_name=str(data.get("company_name") or data.get("contact_email") or "Customer"),
        currency=currency,
        date=day,
        reference=str(data.get("title") or "")[:2000] or None,
        lines=_deal_lines(data, currency),
        # The product's sales tax, else the company's, through the customer's exemption or
        # fiscal position: a won deal's invoice is taxed like any other draft.
        default_taxes=True,
    )
    await create_draft(
        conn,
        books,
        draft,
        terms_days=settings.payment_terms_days,
        multi_currency=True,  # the deal's currency is a fact; a rate is needed only to post
        source_ref=source_ref,
        partner_ref=_uuid(data.get("company_id")),
        tax_rounding=settings.tax_rounding,
    )


# kind → (debit subtype, credit subtype) for a positive value.
_VALUATION = {
    "receipt": ("inventory", "stock_received"),
    "delivery": ("cogs", "inventory"),
    # A customer's goods back into stock at the cost they left with: cost of sales reversed.
    "return": ("inventory", "cogs"),
    # Goods sent back to a supplier before (or instead of) its bill: the receipt undone.
    "supplier_return": ("stock_received", "inventory"),
}


def _is_gain(data: dict[str, Any]) -> bool:
    """Whether an adjustment adds stock: its ``direction`` (``in``/``out``), else its sign."""
    direction = data.get("direction")
    if direction in ("in", "out"):
        return bool(direction == "in")
    return (_decimal(data.get("quantity"), Decimal(0)) or Decimal(0)) >= 0


async def on_valuation_posted(event: CloudEvent, ctx: EventContext) -> None:
    """Book a stock valuation into the inventory accounts, once per ``move_id``.

    Receipt: Dr Inventory / Cr Stock received not billed. Delivery: Dr Cost of goods sold /
    Cr Inventory. Return (a customer's): Dr Inventory / Cr Cost of goods sold. Supplier
    return: Dr Stock received not billed / Cr Inventory. Adjustment: Dr Inventory / Cr Stock
    adjustments for a gain (``direction`` ``in``, or a positive quantity), the other way
    round for a loss.
    """
    if not await ctx.feature_enabled(INVENTORY_VALUATION):
        return
    data: dict[str, Any] = event.data
    conn = ctx.conn
    source_ref = f"inventory.move:{data['move_id']}"
    if await conn.fetchval("select 1 from finance_entry where source_ref = $1", source_ref):
        return
    books = await company(conn)
    currency = str(data.get("currency") or books.base_currency)
    value = abs(_decimal(data.get("value"), Decimal(0)) or Decimal(0))
    value = quantize(value, currency)
    kind = data.get("kind")
    if kind == "adjustment":
        gain = _is_gain(data)
        debit, credit = (
            ("inventory", "stock_adjustment")
            if gain
            else (
                "stock_adjustment",
                "inventory",
            )
        )
    elif kind in _VALUATION:
        debit, credit = _VALUATION[kind]
    else:
        log.info("valuation skipped: kind not booked", move=data.get("move_id"), kind=kind)
        return
    if not value:
        return
    journal = await conn.fetchrow(
        "select id, code from finance_journal where type = 'general' "
        "order by code = 'STJ' desc, code limit 1"
    )
    if journal is None:
        raise RuntimeError("the books have no general journal to post stock valuations in")
    day = date.today()
    text = f"{kind} {data.get('sku') or data.get('product_id') or ''}".strip()
    await post_entry(
        conn,
        books,
        journal_id=journal["id"],
        number=await next_number(conn, journal["code"], journal["code"], day),
        day=day,
        lines=[
            Posting(
                account_id=await default_account(conn, debit),
                currency=currency,
                debit=value,
                description=text,
            ),
            Posting(
                account_id=await default_account(conn, credit),
                currency=currency,
                credit=value,
                description=text,
            ),
        ],
        reference=str(data.get("move_id")),
        memo=f"Stock valuation: {text}",
        source="inventory",
        source_ref=source_ref,
    )
