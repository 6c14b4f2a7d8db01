"""What quotations and orders share: numbers, lines and their totals, the customer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from nexus_hookspecs import new_id
from nexus_hookspecs.http import FieldErrors

from nexus_sales._peers import document_line, ensure_partner, preview, products, taxes
from nexus_sales._totals import LineTotal, line_net, minor_unit

if TYPE_CHECKING:
    from collections.abc import Sequence
    from uuid import UUID

    from nexus_hookspecs import Connection, Services

    from nexus_sales._fields import LineIn

__all__ = ("check_lines", "copy_lines", "next_number", "resolve_partner", "write_lines")

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_LARGEST = Decimal(10) ** 13


async def next_number(conn: Connection, kind: str, prefix: str) -> str:
    """The tenant's next number for ``kind`` (``SO-00001``); gap-free, concurrency-safe."""
    last = await conn.fetchval(
        "insert into sales_sequence (id, kind, last) values ($1, $2, 1) "
        "on conflict (tenant_id, kind) do update set last = sales_sequence.last + 1 "
        "returning last",
        new_id(),
        kind,
    )
    return f"{prefix}{last:05d}"


def check_lines(
    errors: FieldErrors, lines: Sequence[LineIn], currency: str, *, key: str = "lines"
) -> None:
    """Record what is wrong with ``lines``: none, a zero quantity, too many decimals."""
    if not lines:
        errors.add(key, "at least one line")
    places = minor_unit(currency)
    for index, line in enumerate(lines):
        at = f"{key}[{index}]"
        if line.quantity <= 0:
            errors.add(f"{at}.quantity", "must be positive")
        if line.discount_percent > _HUNDRED:
            errors.add(f"{at}.discount_percent", "must be between 0 and 100")
        if line.quantity * line.unit_price >= _LARGEST:
            errors.add(f"{at}.unit_price", "quantity × unit price is too large for one line")
        exponent = line.unit_price.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > max(places, 6):
            errors.add(f"{at}.unit_price", f"at most {max(places, 6)} decimals")


async def resolve_partner(
    conn: Connection,
    services: Services,
    *,
    partner_id: UUID | None,
    partner_ref: UUID | None,
    partner_name: str | None,
) -> tuple[UUID | None, UUID | None, str]:
    """The customer as ``(partner_id, partner_ref, name)``.

    A CRM company (``partner_ref``) with a name becomes a Finance partner through
    ``finance.partners.ensure`` when Finance is on; else the reference and name are kept and
    Finance resolves them when the order is invoiced.
    """
    errors = FieldErrors()
    if partner_id is None and not partner_name:
        errors.add("partner_name", "name the customer: partner_id, or partner_name")
    errors.raise_if_any()
    name = partner_name or ""
    if partner_id is None:
        partner_id = await ensure_partner(conn, services, partner_ref=partner_ref, name=name)
    return partner_id, partner_ref, name


async def write_lines(
    conn: Connection,
    services: Services | None,
    *,
    table: str,
    parent: str,
    parent_id: UUID,
    lines: Sequence[Any],
    currency: str,
    party: Any | None = None,
) -> tuple[Decimal, Decimal]:
    """Insert ``lines`` (``LineIn`` or rows) under ``parent_id``; the document's totals.

    With Finance on and the customer (``party``: partner id, reference, name, currency)
    known, each line's net and tax are what Finance's invoice would bill
    (``finance.documents.preview``: the product's taxes, the customer's exemption and
    fiscal position, the tenant's tax rounding); with Finance off, they are untaxed.
    """
    finance = services is not None and await services.available(conn, "finance.taxes.list")
    found = await taxes(conn, services) if finance and services is not None else []
    untaxed = tax = _ZERO
    known = {tax.id for tax in found if tax.active and tax.scope != "purchase"}
    errors = FieldErrors()
    for index, line in enumerate(lines):
        wanted = _values(line)["tax_ids"]
        if wanted and finance and set(wanted) - known:
            errors.add(f"lines[{index}].tax_ids", "not an active sales tax of Finance")
    wanted_products = [p for line in lines if (p := _values(line)["product_id"]) is not None]
    known_products = (
        await products(conn, services, list(set(wanted_products))) if services else None
    )
    for index, line in enumerate(lines):
        product = _values(line)["product_id"]
        if known_products is not None and product is not None and product not in known_products:
            errors.add(f"lines[{index}].product_id", "not an Inventory product of the tenant")
    errors.raise_if_any()
    priced = None
    if services is not None and party is not None:
        priced = await preview(
            conn,
            services,
            party=party,
            day=date.today(),
            source_ref=f"sales.{parent.removesuffix('_id')}:{parent_id}",
            lines=[document_line(_values(line), _values(line)["quantity"]) for line in lines],
        )
    for position, line in enumerate(lines, start=1):
        values = _values(line)
        if priced is not None:
            billed = priced.lines[position - 1]
            total = LineTotal(billed.subtotal, billed.tax_amount)
        else:
            total = LineTotal(line_net(values, currency), _ZERO)  # Finance off: no tax
        untaxed += total.subtotal
        tax += total.tax
        await conn.execute(
            f"insert into {table} (id, {parent}, position, product_id, description, "  # noqa: S608 - table and column are this module's constants
            "quantity, unit_price, discount_percent, tax_ids, subtotal, tax_amount) "
            "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            new_id(),
            parent_id,
            position,
            values["product_id"],
            values["description"],
            values["quantity"],
            values["unit_price"],
            values["discount_percent"],
            values["tax_ids"],
            total.subtotal,
            total.tax,
        )
    return untaxed, tax


def _values(line: Any) -> dict[str, Any]:
    if isinstance(line, dict) or hasattr(line, "keys"):
        return {key: line[key] for key in _FIELDS}
    return {key: getattr(line, key) for key in _FIELDS}


_FIELDS = (
    "product_id",
    "description",
    "quantity",
    "unit_price",
    "discount_percent",
    "tax_ids",
)


async def copy_lines(conn: Connection, *, table: str, parent: str, parent_id: UUID) -> list[Any]:
    """The lines of a quotation or order, in order."""
    return list(
        await conn.fetch(
            f"select * from {table} where {parent} = $1 order by position",  # noqa: S608 - constants
            parent_id,
        )
    )
