"""The services CRM offers other plugins, in the caller's transaction: contacts as cards.

``crm.contacts.list`` answers the tenant's contacts with the fields an address card (vCard)
holds; ``crm.contacts.upsert`` creates a contact or changes those fields of one (checked and
announced as the API does: ``crm.contact.created.v1`` / ``crm.contact.updated.v1``). Calendar
serves them to CardDAV clients.
"""

from __future__ import annotations

from datetime import datetime  # noqa: TC003 - msgspec reads it at run time
from typing import TYPE_CHECKING, Annotated
from uuid import UUID  # noqa: TC003

import msgspec
from nexus_hookspecs import Service

from nexus_crm._companies import Name, Short
from nexus_crm._contacts import ContactIn, load_contact, save_contact

if TYPE_CHECKING:
    from nexus_hookspecs import ServiceContext

__all__ = ("SERVICES", "ContactCard", "ContactCards", "ContactUpsert", "ContactsList")


class ContactsList(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The request of ``crm.contacts.list``: every contact, or those of ``ids``."""

    ids: Annotated[list[UUID], msgspec.Meta(max_length=1000)] | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=5000)] = 5000


class ContactCard(msgspec.Struct, kw_only=True):
    """A contact's address-card fields."""

    id: UUID
    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    job_title: str | None
    company_name: str | None
    updated_at: datetime


class ContactCards(msgspec.Struct, kw_only=True):
    """The answer of ``crm.contacts.list``, by last name then first name."""

    contacts: list[ContactCard]


class ContactUpsert(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The request of ``crm.contacts.upsert``: a new contact (no ``id``) or its card fields.

    A change keeps what a card does not hold (company, notes, owner, tags).
    """

    id: UUID | None = None
    first_name: Annotated[str, msgspec.Meta(max_length=200)] = ""
    last_name: Name
    email: Short | None = None
    phone: Short | None = None
    job_title: Short | None = None


_CARDS = (
    "select c.id, c.first_name, c.last_name, c.email, c.phone, c.job_title, "
    "co.name as company_name, c.updated_at from crm_contact c "
    "left join crm_company co on co.id = c.company_id "
    "where ($1::uuid[] is null or c.id = any($1)) "
    "order by lower(c.last_name), lower(c.first_name), c.id limit $2"
)


async def contacts_list(data: ContactsList, ctx: ServiceContext) -> ContactCards:
    """The tenant's contacts as cards."""
    rows = await ctx.conn.fetch(_CARDS, data.ids, data.limit)
    return ContactCards(contacts=[msgspec.convert(dict(row), ContactCard) for row in rows])


async def contacts_upsert(data: ContactUpsert, ctx: ServiceContext) -> ContactCard:
    """Create or change a contact's card fields; 422 naming a bad field, 404 for no such id."""
    settings = await ctx.settings()
    current = await load_contact(ctx.conn, data.id) if data.id is not None else None
    contact = await save_contact(
        ctx.conn,
        ContactIn(
            first_name=data.first_name,
            last_name=data.last_name,
            email=data.email,
            phone=data.phone,
            job_title=data.job_title,
            company_id=current.company_id if current else None,
            notes=current.notes if current else "",
            owner=current.owner if current else None,
            tag_ids=list(current.tag_ids) if current else [],
        ),
        contact_id=data.id,
        events=ctx.events,
        fallback_country=settings.default_country,
    )
    [card] = (await contacts_list(ContactsList(ids=[contact.id]), ctx)).contacts
    return card


SERVICES = (
    Service(
        name="crm.contacts.list",
        handler=contacts_list,
        request=ContactsList,
        response=ContactCards,
        description=(
            "The tenant's contacts (or those of ids) with their address-card fields and "
            "company name, by name. Reads only."
        ),
    ),
    Service(
        name="crm.contacts.upsert",
        handler=contacts_upsert,
        request=ContactUpsert,
        response=ContactCard,
        description=(
            "Creates a contact, or changes a contact's card fields (names, email, phone, job "
            "title), checked as the API checks them (422 naming the field, 404 for an unknown "
            "id); publishes crm.contact.created.v1 or crm.contact.updated.v1."
        ),
    ),
)
