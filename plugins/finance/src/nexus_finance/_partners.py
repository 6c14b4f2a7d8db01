"""Customers and suppliers; ``partner_ref`` links one to a CRM company."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Literal
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import FieldErrors, conflict, invalid

from nexus_finance._legal import Country, Line, PostalCode, TaxId, check_party

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

__all__ = (
    "ADDRESS",
    "COLUMNS",
    "PartnerChanges",
    "PartnerIn",
    "PartnerKind",
    "PartnerOut",
    "check_position",
    "checked_address",
    "find",
    "find_or_create",
    "insert",
)

PartnerKind = Literal["customer", "supplier", "both"]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Email = Annotated[str, msgspec.Meta(max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")]


class PartnerIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new customer or supplier."""

    name: Name
    kind: PartnerKind = "customer"
    email: Email | None = None
    partner_ref: UUID | None = None
    address_line1: Line | None = None
    address_line2: Line | None = None
    postal_code: PostalCode | None = None
    city: Line | None = None
    country: Country | None = None
    tax_id: TaxId | None = None
    tax_exempt: bool = False
    fiscal_position_id: UUID | None = None


class PartnerChanges(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Some fields of a partner; omitted ones stay as they are."""

    name: Name | None = None
    kind: PartnerKind | None = None
    email: Email | None = None
    address_line1: Line | None = None
    address_line2: Line | None = None
    postal_code: PostalCode | None = None
    city: Line | None = None
    country: Country | None = None
    tax_id: TaxId | None = None
    tax_exempt: bool | None = None
    fiscal_position_id: UUID | None = None


class PartnerOut(msgspec.Struct, kw_only=True):
    """A customer or supplier as the API shows it."""

    id: UUID
    name: str
    kind: str
    email: str | None
    partner_ref: UUID | None
    created_at: datetime
    address_line1: str | None = None
    address_line2: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = None
    tax_id: str | None = None
    tax_exempt: bool = False
    """Sales to it carry no default tax (taxes named on a line are kept)."""
    fiscal_position_id: UUID | None = None
    """Its own fiscal position; else an auto-applied one by country and VAT id."""


ADDRESS = "address_line1, address_line2, postal_code, city, country, tax_id"
COLUMNS = (
    f"id, name, kind, email, partner_ref, created_at, {ADDRESS}, tax_exempt, fiscal_position_id"
)


async def check_position(conn: Connection, position_id: UUID | None) -> None:
    """422 naming ``fiscal_position_id`` unless it is one of the tenant's fiscal positions."""
    if position_id is not None and not await conn.fetchval(
        "select 1 from finance_fiscal_position where id = $1", position_id
    ):
        invalid("fiscal_position_id", "no such fiscal position")


def checked_address(values: dict[str, str | None]) -> list[str | None]:
    """The address and tax id values in ``ADDRESS`` order; 422 for a bad country or tax id."""
    errors = FieldErrors()
    check_party(errors, values)
    errors.raise_if_any()
    return [values.get(name) for name in ADDRESS.split(", ")]


async def insert(conn: Connection, data: PartnerIn) -> UUID:
    """Create a partner; 409 when another already links the same CRM company."""
    if data.partner_ref is not None and await conn.fetchval(
        "select 1 from finance_partner where partner_ref = $1", data.partner_ref
    ):
        conflict(f"a partner already links the CRM company {data.partner_ref}")
    address = checked_address({name: getattr(data, name) for name in ADDRESS.split(", ")})
    await check_position(conn, data.fiscal_position_id)
    partner_id = new_id()
    await conn.execute(
        f"insert into finance_partner (id, name, kind, email, partner_ref, {ADDRESS}, "
        "tax_exempt, fiscal_position_id) "
        "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        partner_id,
        data.name,
        data.kind,
        data.email,
        data.partner_ref,
        *address,
        data.tax_exempt,
        data.fiscal_position_id,
    )
    return partner_id


async def find(
    conn: Connection, *, partner_id: UUID | None, name: str | None, ref: UUID | None = None
) -> UUID | None:
    """The partner :func:`find_or_create` answers, changing nothing; ``None``: it would be new.

    422 when ``partner_id`` is not the tenant's, or when nothing names the partner.
    """
    if partner_id is not None:
        found = await conn.fetchval("select id from finance_partner where id = $1", partner_id)
        if found is None:
            invalid("partner_id", "no such partner")
        return partner_id
    if ref is not None:
        by_ref: UUID | None = await conn.fetchval(
            "select id from finance_partner where partner_ref = $1", ref
        )
        if by_ref is not None:
            return by_ref
    if not name:
        invalid("partner_id", "name the partner: partner_id or partner_name")
    if ref is None:
        named: UUID | None = await conn.fetchval(
            "select id from finance_partner where name = $1 order by id limit 1", name
        )
        return named
    return None


async def find_or_create(
    conn: Connection,
    *,
    partner_id: UUID | None,
    name: str | None,
    kind: PartnerKind,
    ref: UUID | None = None,
) -> UUID:
    """The partner named by id, by CRM reference or by exact name; created if new."""
    found = await find(conn, partner_id=partner_id, name=name, ref=ref)
    if found is not None:
        if partner_id is None and ref is None:
            # Found by name: a customer that also sells to us (or the reverse) becomes both.
            await conn.execute(
                "update finance_partner set kind = 'both' where id = $1 and kind <> $2",
                found,
                kind,
            )
        return found
    assert name is not None  # find refuses a partner named by nothing
    return await insert(conn, PartnerIn(name=name, kind=kind, partner_ref=ref))
