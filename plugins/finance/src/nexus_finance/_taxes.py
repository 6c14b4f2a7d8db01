"""Which taxes a document line gets: explicit, the product's, the company's; then the partner's.

Drafting a document (REST, a won deal, the ``finance.documents.draft`` service) gives each
line, in this order:

1. the taxes the line names (``tax_id`` / ``tax_ids``; ``tax_ids: []`` means none);
2. else the product's (``finance_product_tax``, ``PUT /product-taxes/{product_id}``) for the
   document's direction, when the product has a row (an empty list: the product is untaxed);
3. else the company's default tax of the direction (``finance_tax.is_default``);

then, on the taxes so defaulted (2 and 3; a tax a line names is kept as named), the
partner's treatment: a tax-exempt customer's sales lines carry no tax; a partner's fiscal
position (its own, else the first auto-applied one matching its country and VAT id) maps
each source tax to its destination tax, or to none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import FieldErrors, conflict, not_found

from nexus_finance._country_taxes import EU_MEMBERS
from nexus_finance._legal import Country

if TYPE_CHECKING:
    from decimal import Decimal

    from nexus_hookspecs import Connection

__all__ = (
    "FiscalPositionIn",
    "FiscalPositionOut",
    "MappingIn",
    "TaxIds",
    "ProductTaxIn",
    "ProductTaxOut",
    "create_position",
    "load_position",
    "load_product_taxes",
    "partner_position",
    "price_difference_account",
    "put_product_taxes",
    "resolve",
    "seed_eu_reverse_charge",
)

TaxIds = Annotated[list[UUID], msgspec.Meta(max_length=1)]
"""Taxes of a line: one tax per line today (a list, so that more can come)."""
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]


class ProductTaxIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A product's default taxes: on sales and on purchases (an empty list: untaxed)."""

    sale_tax_ids: TaxIds = []
    purchase_tax_ids: TaxIds = []


class ProductTaxOut(msgspec.Struct, kw_only=True):
    """A product's default taxes."""

    product_id: UUID
    sale_tax_ids: list[UUID]
    purchase_tax_ids: list[UUID]


class MappingIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Source tax → destination tax (``null``: the line carries no tax)."""

    source_tax_id: UUID
    dest_tax_id: UUID | None = None


class FiscalPositionIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A fiscal position: how taxes change for some partners.

    ``auto_apply`` gives it to partners with no position of their own whose ``country`` is
    in ``countries`` (any country when empty) and, with ``vat_required``, who have a tax id.
    """

    name: Name
    mappings: Annotated[list[MappingIn], msgspec.Meta(max_length=100)] = []
    auto_apply: bool = False
    countries: Annotated[list[Country], msgspec.Meta(max_length=300)] = []
    vat_required: bool = False


class MappingOut(msgspec.Struct, kw_only=True):
    """One mapping of a fiscal position."""

    source_tax_id: UUID
    dest_tax_id: UUID | None


class FiscalPositionOut(msgspec.Struct, kw_only=True):
    """A fiscal position with its mappings."""

    id: UUID
    name: str
    auto_apply: bool
    countries: list[str]
    vat_required: bool
    active: bool
    mappings: list[MappingOut]


async def _check_taxes(
    conn: Connection, errors: FieldErrors, ids: list[UUID], scope: str | None, key: str
) -> None:
    for index, tax_id in enumerate(ids):
        row = await conn.fetchrow("select scope from finance_tax where id = $1", tax_id)
        if row is None:
            errors.add(f"{key}[{index}]", "no such tax")
        elif scope is not None and row["scope"] != scope:
            errors.add(f"{key}[{index}]", f"a {row['scope']} tax, not a {scope} tax")


async def put_product_taxes(conn: Connection, product_id: UUID, data: ProductTaxIn) -> None:
    """Set a product's default taxes (422 naming a tax that is unknown or of the wrong scope)."""
    errors = FieldErrors()
    await _check_taxes(conn, errors, data.sale_tax_ids, "sale", "sale_tax_ids")
    await _check_taxes(conn, errors, data.purchase_tax_ids, "purchase", "purchase_tax_ids")
    errors.raise_if_any()
    await conn.execute(
        "insert into finance_product_tax (id, product_id, sale_tax_ids, purchase_tax_ids) "
        "values ($1, $2, $3, $4) on conflict (tenant_id, product_id) do update set "
        "sale_tax_ids = excluded.sale_tax_ids, purchase_tax_ids = excluded.purchase_tax_ids, "
        "updated_at = now()",
        new_id(),
        product_id,
        data.sale_tax_ids,
        data.purchase_tax_ids,
    )


async def load_product_taxes(conn: Connection, product_id: UUID) -> ProductTaxOut:
    """A product's default taxes; 404 when none were set."""
    row = await conn.fetchrow(
        "select product_id, sale_tax_ids, purchase_tax_ids from finance_product_tax "
        "where product_id = $1",
        product_id,
    )
    if row is None:
        not_found()
    return ProductTaxOut(
        product_id=row["product_id"],
        sale_tax_ids=list(row["sale_tax_ids"]),
        purchase_tax_ids=list(row["purchase_tax_ids"]),
    )


async def create_position(conn: Connection, data: FiscalPositionIn) -> UUID:
    """Create a fiscal position with its mappings (422 naming an unknown tax)."""
    errors = FieldErrors()
    await _check_taxes(
        conn, errors, [m.source_tax_id for m in data.mappings], None, "mappings.source_tax_id"
    )
    await _check_taxes(
        conn,
        errors,
        [m.dest_tax_id for m in data.mappings if m.dest_tax_id],
        None,
        "mappings.dest_tax_id",
    )
    sources = [m.source_tax_id for m in data.mappings]
    if len(set(sources)) != len(sources):
        errors.add("mappings", "each source tax is mapped once")
    errors.raise_if_any()
    position_id = new_id()
    await conn.execute(
        "insert into finance_fiscal_position (id, name, auto_apply, countries, vat_required) "
        "values ($1, $2, $3, $4, $5)",
        position_id,
        data.name,
        data.auto_apply,
        sorted(set(data.countries)),
        data.vat_required,
    )
    for mapping in data.mappings:
        await conn.execute(
            "insert into finance_fiscal_position_tax (id, fiscal_position_id, source_tax_id, "
            "dest_tax_id) values ($1, $2, $3, $4)",
            new_id(),
            position_id,
            mapping.source_tax_id,
            mapping.dest_tax_id,
        )
    return position_id


async def load_position(conn: Connection, position_id: UUID) -> FiscalPositionOut:
    """One fiscal position; 404 when it is not the tenant's."""
    row = await conn.fetchrow(
        "select id, name, auto_apply, countries, vat_required, active "
        "from finance_fiscal_position where id = $1",
        position_id,
    )
    if row is None:
        not_found()
    mappings = await conn.fetch(
        "select source_tax_id, dest_tax_id from finance_fiscal_position_tax "
        "where fiscal_position_id = $1 order by source_tax_id",
        position_id,
    )
    return FiscalPositionOut(
        **{**dict(row), "countries": list(row["countries"])},
        mappings=[MappingOut(**dict(m)) for m in mappings],
    )


async def partner_position(conn: Connection, partner_id: UUID) -> UUID | None:
    """The partner's fiscal position: its own, else the first auto-applied one that fits."""
    partner = await conn.fetchrow(
        "select fiscal_position_id, country, tax_id from finance_partner where id = $1",
        partner_id,
    )
    if partner is None:
        return None
    if partner["fiscal_position_id"] is not None:
        own: UUID = partner["fiscal_position_id"]
        return own
    found: UUID | None = await conn.fetchval(
        "select id from finance_fiscal_position where active and auto_apply "
        "and (cardinality(countries) = 0 or $1::text = any(countries)) "
        "and (not vat_required or $2::text is not null) order by name, id limit 1",
        partner["country"],
        partner["tax_id"],
    )
    return found


async def resolve(
    conn: Connection,
    *,
    direction: str,
    partner_id: UUID | None,
    lines: list[tuple[list[UUID] | None, UUID | None]],
) -> list[UUID | None]:
    """Each line's tax: ``lines`` are (explicit tax ids or ``None``, product id).

    Explicit taxes (kept as named), else the product's for ``direction``, else the company
    default, these two through the partner's exemption (sales) and fiscal position
    (``partner_id`` ``None``: a partner not created yet, which has neither).
    """
    column = "sale_tax_ids" if direction == "sale" else "purchase_tax_ids"
    products = {product for _, product in lines if product is not None}
    product_taxes: dict[UUID, list[UUID]] = {}
    if products:
        rows = await conn.fetch(
            f"select product_id, {column} as ids from finance_product_tax "  # noqa: S608
            "where product_id = any($1::uuid[])",
            list(products),
        )
        product_taxes = {row["product_id"]: list(row["ids"]) for row in rows}
    default: UUID | None = None
    if any(explicit is None for explicit, _ in lines):
        default = await conn.fetchval(
            "select id from finance_tax where is_default and active and scope = $1 limit 1",
            direction,
        )
    chosen: list[UUID | None] = []
    for explicit, product in lines:
        if explicit is not None:
            ids = explicit
        elif product is not None and product in product_taxes:
            ids = product_taxes[product]
        else:
            ids = [default] if default else []
        chosen.append(ids[0] if ids else None)
    defaulted = [
        explicit is None and tax is not None
        for (explicit, _), tax in zip(lines, chosen, strict=True)
    ]
    if not any(defaulted):
        return chosen
    exempt = direction == "sale" and await conn.fetchval(
        "select tax_exempt from finance_partner where id = $1", partner_id
    )
    if exempt:
        return [None if d else tax for d, tax in zip(defaulted, chosen, strict=True)]
    position = None if partner_id is None else await partner_position(conn, partner_id)
    if position is None:
        return chosen
    mapping = {
        row["source_tax_id"]: row["dest_tax_id"]
        for row in await conn.fetch(
            "select source_tax_id, dest_tax_id from finance_fiscal_position_tax "
            "where fiscal_position_id = $1",
            position,
        )
    }
    return [
        mapping.get(tax, tax) if d and tax is not None else tax
        for d, tax in zip(defaulted, chosen, strict=True)
    ]


async def seed_eu_reverse_charge(
    conn: Connection,
    country: str | None,
    *,
    sale_tax: UUID | None,
    purchase_tax: UUID | None,
    accounts: dict[str, UUID],
    label: str,
    rate: Decimal | None,
) -> UUID | None:
    """For a company in the EU: reverse-charge taxes and the EU B2B fiscal position.

    The position is applied to partners in another member state with a VAT id: their
    standard sales tax becomes a 0 % sales tax tagged ``reverse_charge`` (the customer
    accounts for the VAT), their standard purchase tax a purchase tax at the standard rate
    tagged ``reverse_charge`` (self-assessed: due and reclaimed, charged on no document).
    """
    if country not in EU_MEMBERS or (sale_tax is None and purchase_tax is None):
        return None
    mappings: list[MappingIn] = []
    if sale_tax is not None:
        tax_id = new_id()
        await conn.execute(
            "insert into finance_tax (id, name, scope, rate, price_include, account_id, tags) "
            "values ($1, 'Reverse charge 0% (sales)', 'sale', 0, false, $2, $3)",
            tax_id,
            accounts["2200"],
            ["reverse_charge"],
        )
        mappings.append(MappingIn(source_tax_id=sale_tax, dest_tax_id=tax_id))
    if purchase_tax is not None and rate is not None:
        tax_id = new_id()
        await conn.execute(
            "insert into finance_tax (id, name, scope, rate, price_include, account_id, tags) "
            "values ($1, $2, 'purchase', $3, false, $4, $5)",
            tax_id,
            f"{label} {rate.normalize():f}% reverse charge (purchases)",
            rate,
            accounts["1300"],
            ["reverse_charge"],
        )
        mappings.append(MappingIn(source_tax_id=purchase_tax, dest_tax_id=tax_id))
    return await create_position(
        conn,
        FiscalPositionIn(
            name="EU B2B (reverse charge)",
            mappings=mappings,
            auto_apply=True,
            countries=sorted(EU_MEMBERS - {country}),
            vat_required=True,
        ),
    )


async def price_difference_account(conn: Connection) -> UUID:
    """Purchase price differences (subtype ``price_difference``): 5200, created if missing."""
    query = (
        "select id from finance_account where subtype = 'price_difference' and active "
        "order by code limit 1"
    )
    found = await conn.fetchval(query)
    if found is None:
        code = "5200"
        if await conn.fetchval("select 1 from finance_account where code = '5200'"):
            code = str(
                await conn.fetchval(
                    "select coalesce(max(code::int), 5000) + 1 from finance_account "
                    "where code ~ '^5[0-9]{3}$'"
                )
            )
        await conn.execute(
            "insert into finance_account (id, code, name, type, subtype) "
            "values ($1, $2, 'Purchase price differences', 'expense', 'price_difference') "
            "on conflict do nothing",
            new_id(),
            code,
        )
        found = await conn.fetchval(query)
        if found is None:
            conflict("the Purchase price differences account is being created: try again")
    account: UUID = found
    return account
