"""Pricing a document's lines: accounts, taxes, nets and rounded taxes — one code path.

Drafting a document (``create_draft``, ``replace_draft``) and previewing one
(``finance.documents.preview``) both price their lines here, so what a quotation shows is
what the invoice drafted from it bills: each line's account, its tax (explicit, else the
product's, else the company's default, through the partner's exemption and fiscal position;
``_taxes.resolve``), its net (quantity × unit price less the discount, rounded to the
currency) and its tax rounded by the tenant's ``tax_rounding`` (``_tax_rounding``).
Nothing here writes, except that drafting a bill line of subtype ``price_difference``
creates the Purchase price differences account when the chart lacks it (a preview does
not: it names no account then).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from nexus_hookspecs.http import FieldErrors, invalid

from nexus_finance._books import account_by_code, default_account
from nexus_finance._money import quantize
from nexus_finance._tax_rounding import TaxRounding, line_taxes
from nexus_finance._tax_tags import self_assessed
from nexus_finance._taxes import price_difference_account, resolve

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

    from nexus_finance._invoices import InvoiceIn, InvoiceLineIn

__all__ = ("PricedLine", "compute_lines", "totals")

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_NO_NEGATIVE = "negative lines are refused: give a discount with discount_percent"


class PricedLine(msgspec.Struct, kw_only=True):
    """A line as the document books it: account, tax, net, tax amount and total."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    account_id: UUID | None
    tax_id: UUID | None
    tax_rate: Decimal
    product_id: UUID | None
    sku: str | None
    subtotal: Decimal
    tax_amount: Decimal
    total: Decimal


def totals(lines: list[PricedLine]) -> tuple[Decimal, Decimal]:
    """The untaxed total and tax total of ``lines``."""
    return sum((x.subtotal for x in lines), _ZERO), sum((x.tax_amount for x in lines), _ZERO)


async def _tax(conn: Connection, tax_id: UUID, scope: str, key: str) -> dict[str, Any]:
    row = await conn.fetchrow(
        "select id, rate, price_include, scope, tags from finance_tax where id = $1 and active",
        tax_id,
    )
    if row is None:
        invalid(key, "no such active tax")
    if row["scope"] != scope:
        invalid(key, f"a {row['scope']} tax cannot apply to a {scope} document")
    return dict(row)


def _explicit_taxes(line: InvoiceLineIn, key: str) -> list[UUID] | None:
    """The taxes a line names (``[]``: none), or ``None`` to take the defaults."""
    if line.tax_id is not None and line.tax_ids is not None:
        invalid(f"{key}.tax_ids", "give tax_id or tax_ids, not both")
    if line.tax_id is not None:
        return [line.tax_id]
    return line.tax_ids


async def _line_account(
    conn: Connection, line: InvoiceLineIn, key: str, direction: str, *, preview: bool
) -> UUID | None:
    if line.account_code is not None:
        return await account_by_code(conn, line.account_code, key=f"{key}.account_code")
    if line.account_subtype is not None:
        if direction != "purchase":
            invalid(f"{key}.account_subtype", "only purchase documents (bills) take a subtype")
        if line.account_subtype == "price_difference":
            if preview:  # named once a draft creates it; a preview writes nothing
                found: UUID | None = await conn.fetchval(
                    "select id from finance_account where subtype = 'price_difference' "
                    "and active order by code limit 1"
                )
                return found
            return await price_difference_account(conn)
        return await default_account(conn, line.account_subtype)
    return await default_account(conn, "sales" if direction == "sale" else "expense")


async def _line_values(
    conn: Connection,
    line: InvoiceLineIn,
    *,
    index: int,
    direction: str,
    tax_id: UUID | None,
    preview: bool,
) -> dict[str, Any]:
    """A line's row before its tax: account, tax and the amount it is priced at."""
    key = f"lines[{index}]"
    account = await _line_account(conn, line, key, direction, preview=preview)
    tax = None
    if tax_id is not None:
        field = "tax_ids" if line.tax_ids else "tax_id"
        tax = await _tax(conn, tax_id, direction, f"{key}.{field}")
        if self_assessed(tax["tags"]):
            # The buyer accounts for it: the document charges none (_tax_tags).
            tax = {**tax, "rate": _ZERO}
    return {
        "description": line.description,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "account_id": account,
        "tax_id": tax_id,
        "product_id": line.product_id,
        "sku": line.sku,
        "discount_percent": line.discount_percent,
        "tax": tax,
    }


def _check_lines(data: InvoiceIn) -> None:
    """Refuse (422) every line whose quantity or unit price a document cannot hold."""
    errors = FieldErrors()
    for index, line in enumerate(data.lines):
        key = f"lines[{index}]"
        if not (line.quantity.is_finite() and line.unit_price.is_finite()):
            errors.add(key, "the quantity and unit price must be numbers")
            continue
        if line.quantity < 0:
            errors.add(f"{key}.quantity", f"the quantity cannot be negative: {_NO_NEGATIVE}")
        elif line.quantity == 0:
            errors.add(f"{key}.quantity", "the quantity must be positive")
        if line.unit_price < 0:
            errors.add(f"{key}.unit_price", f"the unit price cannot be negative: {_NO_NEGATIVE}")
        if not (line.discount_percent.is_finite() and 0 <= line.discount_percent <= _HUNDRED):
            errors.add(f"{key}.discount_percent", "a discount is a percent from 0 to 100")
    errors.raise_if_any()


def _net(line: InvoiceLineIn, currency: str) -> Decimal:
    """Quantity × unit price less the discount, rounded to the currency."""
    gross = line.quantity * line.unit_price
    return quantize(gross * (_HUNDRED - line.discount_percent) / _HUNDRED, currency)


async def compute_lines(
    conn: Connection,
    data: InvoiceIn,
    *,
    currency: str,
    direction: str,
    tax_rounding: TaxRounding,
    partner_id: UUID | None,
    preview: bool = False,
) -> list[PricedLine]:
    """Price ``data``'s lines for ``partner_id`` (``None``: a partner not created yet).

    422 naming the line when a quantity, price, discount, tax or account is refused.
    """
    _check_lines(data)
    explicit = [_explicit_taxes(line, f"lines[{i}]") for i, line in enumerate(data.lines)]
    if not data.default_taxes:
        explicit = [[] if ids is None else ids for ids in explicit]
    taxes_of = await resolve(
        conn,
        direction=direction,
        partner_id=partner_id,
        lines=[(ids, line.product_id) for ids, line in zip(explicit, data.lines, strict=True)],
    )
    values = [
        await _line_values(
            conn, line, index=index, direction=direction, tax_id=taxes_of[index], preview=preview
        )
        for index, line in enumerate(data.lines)
    ]
    amounts = [_net(line, currency) for line in data.lines]
    split = line_taxes(
        [(amount, value["tax"]) for amount, value in zip(amounts, values, strict=True)],
        currency,
        tax_rounding,
    )
    return [
        PricedLine(
            description=value["description"],
            quantity=value["quantity"],
            unit_price=value["unit_price"],
            discount_percent=value["discount_percent"],
            account_id=value["account_id"],
            tax_id=value["tax_id"],
            tax_rate=value["tax"]["rate"] if value["tax"] else _ZERO,
            product_id=value["product_id"],
            sku=value["sku"],
            subtotal=subtotal,
            tax_amount=tax,
            total=subtotal + tax,
        )
        for value, (subtotal, tax) in zip(values, split, strict=True)
    ]
