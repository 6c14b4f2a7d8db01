"""The events the CRM publishes: payload Structs and their declarations.

Each is published into the outbox in the transaction of the write it announces, with
``subject`` = the record's id. The manifest lists them (``Manifest.events``);
``nexus events catalog`` and ``docs/plugins/events.md`` publish their payloads' schemas.
"""

from __future__ import annotations

from datetime import datetime  # noqa: TC003 - msgspec reads it at run time
from typing import Any
from uuid import UUID  # noqa: TC003

import msgspec
from nexus_hookspecs import EventType

__all__ = (
    "COMPANY_CREATED",
    "COMPANY_UPDATED",
    "CONTACT_CREATED",
    "CONTACT_UPDATED",
    "DEAL_CREATED",
    "DEAL_UPDATED",
    "DEAL_WON",
    "EVENT_TYPES",
    "CompanyChanged",
    "ContactChanged",
    "DealChanged",
    "DealWon",
    "WonLine",
    "company_payload",
    "contact_payload",
)


class CompanyChanged(msgspec.Struct, kw_only=True):
    """The ``data`` of ``crm.company.created.v1`` and ``crm.company.updated.v1``.

    Attributes:
        id: The company.
        name: Its name.
        domain: Its domain, lower-cased, without ``www.``.
        email: Its email address.
        phone: Its phone number in E.164.
        country: Its ISO 3166-1 alpha-2 country code.
    """

    id: UUID
    name: str
    domain: str | None
    email: str | None
    phone: str | None
    country: str | None


class ContactChanged(msgspec.Struct, kw_only=True):
    """The ``data`` of ``crm.contact.created.v1`` and ``crm.contact.updated.v1``.

    Attributes:
        id: The contact.
        first_name: Their first name (may be empty).
        last_name: Their last name.
        email: Their email address.
        phone: Their phone number in E.164.
        company_id: Their company, if any.
    """

    id: UUID
    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    company_id: UUID | None


class DealChanged(msgspec.Struct, kw_only=True):
    """The ``data`` of ``crm.deal.created.v1`` and ``crm.deal.updated.v1``.

    Attributes:
        id: The deal.
        title: Its title.
        amount: Its amount, a decimal string at the currency's precision.
        currency: Its ISO 4217 currency.
        stage: The name of the stage it is in.
        pipeline_id: Its pipeline.
        company_id: Its company, if any.
        contact_id: Its contact, if any.
        owner: Who owns it.
    """

    id: UUID
    title: str
    amount: str
    currency: str
    stage: str
    pipeline_id: UUID
    company_id: UUID | None
    contact_id: UUID | None
    owner: str | None


class WonLine(msgspec.Struct, kw_only=True):
    """A line of a won deal: what was sold (money and quantities as decimal strings).

    Attributes:
        description: What it is.
        quantity: How many.
        unit_price: The price of one, in the deal's currency.
        product_id: The inventory product, if the line names one.
        sku: The product's SKU, if the line names one.
    """

    description: str
    quantity: str
    unit_price: str
    product_id: UUID | None
    sku: str | None


class DealWon(msgspec.Struct, kw_only=True):
    """The ``data`` of ``crm.deal.won.v1``: enough to invoice the deal.

    Attributes:
        id: The deal.
        title: Its title.
        amount: Its amount, a decimal string at the currency's precision.
        currency: Its ISO 4217 currency.
        company_id: Its company, if any.
        company_name: That company's name.
        contact_id: Its contact, if any.
        contact_email: That contact's email address.
        won_at: When it was won.
        lines: Its lines, in order (empty when the deal has none).
    """

    id: UUID
    title: str
    amount: str
    currency: str
    company_id: UUID | None
    company_name: str | None
    contact_id: UUID | None
    contact_email: str | None
    won_at: datetime | None
    lines: list[WonLine]


COMPANY_CREATED = EventType(
    type="crm.company.created.v1",
    description="A company was created, through the API or a CSV import.",
    payload=CompanyChanged,
)
COMPANY_UPDATED = EventType(
    type="crm.company.updated.v1",
    description="A company was replaced or changed.",
    payload=CompanyChanged,
)
CONTACT_CREATED = EventType(
    type="crm.contact.created.v1",
    description="A contact was created, through the API or a CSV import.",
    payload=ContactChanged,
)
CONTACT_UPDATED = EventType(
    type="crm.contact.updated.v1",
    description=(
        "A contact was replaced, changed, updated by a CSV import, or unlinked by the "
        "deletion of its company."
    ),
    payload=ContactChanged,
)
DEAL_CREATED = EventType(
    type="crm.deal.created.v1",
    description="A deal was created.",
    payload=DealChanged,
)
DEAL_UPDATED = EventType(
    type="crm.deal.updated.v1",
    description=(
        "A deal was replaced, changed or moved to another stage, or unlinked by the "
        "deletion of its company or contact."
    ),
    payload=DealChanged,
)
DEAL_WON = EventType(
    type="crm.deal.won.v1",
    description="A deal was marked won (Finance may draft an invoice from it).",
    payload=DealWon,
)

EVENT_TYPES = (
    COMPANY_CREATED,
    COMPANY_UPDATED,
    CONTACT_CREATED,
    CONTACT_UPDATED,
    DEAL_CREATED,
    DEAL_UPDATED,
    DEAL_WON,
)
"""Every event type the CRM publishes, as the manifest declares them."""


def company_payload(company: Any) -> CompanyChanged:
    """The event data of a company (any object with the payload's attributes)."""
    return CompanyChanged(
        id=company.id,
        name=company.name,
        domain=company.domain,
        email=company.email,
        phone=company.phone,
        country=company.country,
    )


def contact_payload(contact: Any) -> ContactChanged:
    """The event data of a contact (any object with the payload's attributes)."""
    return ContactChanged(
        id=contact.id,
        first_name=contact.first_name,
        last_name=contact.last_name,
        email=contact.email,
        phone=contact.phone,
        company_id=contact.company_id,
    )
