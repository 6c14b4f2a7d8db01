"""A document priced as its draft would be, without storing it (``finance.documents.preview``).

Sales shows a quotation's taxes and totals with this: the same lines, partner, currency and
date a draft takes, priced by the code that prices drafts (``_line_amounts``): the product's
taxes, the partner's exemption and fiscal position, the tenant's tax rounding. Nothing is
written: a partner named only by reference or name that does not exist yet is priced as
the new partner a draft would create (no exemption, no fiscal position).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import UUID

import msgspec

from nexus_finance._books import check_day
from nexus_finance._invoices import currency_of, direction_of
from nexus_finance._line_amounts import compute_lines, totals
from nexus_finance._money import plain, quantize
from nexus_finance._partners import find
from nexus_finance._taxes import partner_position

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

    from nexus_finance._books import Company
    from nexus_finance._invoices import InvoiceIn
    from nexus_finance._tax_rounding import TaxRounding

__all__ = ("DocumentPreview", "PreviewLine", "preview")


class PreviewLine(msgspec.Struct, kw_only=True):
    """A line as the draft would book it: its tax (id and rate), net, tax and total."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    product_id: UUID | None
    tax_id: UUID | None
    tax_rate: Decimal
    subtotal: Decimal
    tax_amount: Decimal
    total: Decimal


class DocumentPreview(msgspec.Struct, kw_only=True):
    """The document a draft would be: totals, lines, the partner and its fiscal position."""

    kind: str
    direction: str
    currency: str
    date: dt.date
    partner_id: UUID | None
    fiscal_position_id: UUID | None
    untaxed_total: Decimal
    tax_total: Decimal
    total: Decimal
    lines: list[PreviewLine]


async def preview(
    conn: Connection,
    books: Company,
    data: InvoiceIn,
    *,
    multi_currency: bool,
    tax_rounding: TaxRounding,
    partner_ref: UUID | None = None,
) -> DocumentPreview:
    """Price ``data`` as ``create_draft`` would; 422 where it would refuse. Writes nothing."""
    direction = direction_of(data.kind, data.direction)
    currency = currency_of(books, data, multi_currency)
    day = check_day(data.date or dt.date.today())
    partner = await find(conn, partner_id=data.partner_id, name=data.partner_name, ref=partner_ref)
    lines = await compute_lines(
        conn,
        data,
        currency=currency,
        direction=direction,
        tax_rounding=tax_rounding,
        partner_id=partner,
        preview=True,
    )
    untaxed, taxes = totals(lines)
    return DocumentPreview(
        kind=data.kind,
        direction=direction,
        currency=currency,
        date=day,
        partner_id=partner,
        fiscal_position_id=None if partner is None else await partner_position(conn, partner),
        untaxed_total=quantize(untaxed, currency),
        tax_total=quantize(taxes, currency),
        total=quantize(untaxed + taxes, currency),
        lines=[
            PreviewLine(
                description=line.description,
                quantity=plain(line.quantity),
                unit_price=line.unit_price,
                discount_percent=line.discount_percent,
                product_id=line.product_id,
                tax_id=line.tax_id,
                tax_rate=plain(line.tax_rate),
                subtotal=quantize(line.subtotal, currency),
                tax_amount=quantize(line.tax_amount, currency),
                total=quantize(line.total, currency),
            )
            for line in lines
        ],
    )
