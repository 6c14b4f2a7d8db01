"""Services CRM offers other plugins, in the caller's transaction.

``crm.contacts.save`` creates a contact, or changes the named fields of one (the others
stay), checked and announced as the routes do (422 naming the field, 404 for an id that is
not the tenant's). ``crm.contacts.changed`` lists contacts by ``(updated_at, id)`` after a
point, for connectors that send Nexus's changes to another system (Integrations).
``crm.contacts.list`` answers the tenant's contacts with the fields an address card (vCard)
holds and ``crm.contacts.upsert`` writes those fields: Calendar serves them to CardDAV
clients.
"""

from __future__ import annotations

from datetime import datetime  # noqa: TC003 - msgspec reads it at run time
from typing import TYPE_CHECKING, Annotated
from uuid import UUID  # noqa: TC003

import msgspec
from nexus_hookspecs import Service
from nexus_hookspecs.http import invalid, not_found

from nexus_crm._companies import Name, Short
from nexus_crm._contacts import (
    SELECT,
    ContactIn,
    FirstName,
    Stage,
    Utm,
    load_contact,
    save_contact,
)

if TYPE_CHECKING:
    from nexus_hookspecs import ServiceContext

__all__ = (
    "SERVICES",
    "ChangedContacts",
    "ContactCard",
    "ContactCards",
    "ContactUpsert",
    "ContactsList",
    "SaveContact",
    "SavedContact",
)


class SaveContact(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The request of ``crm.contacts.save``.

    Attributes:
        id: The contact to change; omitted, a contact is created.
        first_name: Given name(s).
        last_name: Family name (required when creating).
        email: Email address; ``null`` clears it.
        phone: Phone number (stored in E.164); ``null`` clears it.
        job_title: Job title; ``null`` clears it.
        notes: Free text, appended to nothing: replaces the contact's notes when given.
        lifecycle_stage: ``lead`` or ``customer``; ``null`` clears it.
        utm_source: The first touch's UTM source (a web form's); ``null`` clears it.
        utm_medium: Its UTM medium.
        utm_campaign: Its UTM campaign.
    """

    id: UUID | None = None
    first_name: FirstName | msgspec.UnsetType = msgspec.UNSET
    last_name: Name | msgspec.UnsetType = msgspec.UNSET
    email: Short | None | msgspec.UnsetType = msgspec.UNSET
    phone: Short | None | msgspec.UnsetType = msgspec.UNSET
    job_title: Short | None | msgspec.UnsetType = msgspec.UNSET
    notes: Annotated[str, msgspec.Meta(max_length=10000)] | msgspec.UnsetType = msgspec.UNSET
    lifecycle_stage: Stage | None | msgspec.UnsetType = msgspec.UNSET
    utm_source: Utm | None | msgspec.UnsetType = msgspec.UNSET
    utm_medium: Utm | None | msgspec.UnsetType = msgspec.UNSET
    utm_campaign: Utm | None | msgspec.UnsetType = msgspec.UNSET


class SavedContact(msgspec.Struct, kw_only=True):
    """A contact as a service answers it."""

    id: UUID
    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    job_title: str | None
    updated_at: datetime


class ChangedContacts(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The request of ``crm.contacts.changed``.

    Attributes:
        after_time: Only contacts updated after this instant (with ``after_id``: after
            this ``(updated_at, id)`` point); omitted, from the first.
        after_id: The id at ``after_time`` to continue after.
        limit: At most this many, by ``(updated_at, id)``.
        ids: Only these contacts (whatever their ``updated_at``, with the point too).
    """

    ids: Annotated[list[UUID], msgspec.Meta(max_length=1000)] | None = None
    after_time: datetime | None = None
    after_id: UUID | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 500


def _saved(contact: msgspec.Struct) -> SavedContact:
    return msgspec.convert(msgspec.to_builtins(contact), SavedContact, strict=False)


async def save(data: SaveContact, ctx: ServiceContext) -> SavedContact:
    """Create a contact, or change the fields given of one."""
    current = {}
    if data.id is not None:
        found = await load_contact(ctx.conn, data.id)
        if found is None:
            not_found()
        current = msgspec.to_builtins(found)
        for key in ("id", "created_at", "updated_at"):
            current.pop(key)
    given = {
        k: v
        for k, v in msgspec.structs.asdict(data).items()
        if k != "id" and v is not msgspec.UNSET
    }
    try:
        merged = msgspec.convert({**current, **given}, ContactIn)
    except msgspec.ValidationError as error:
        invalid("last_name" if "last_name" in str(error) else "contact", str(error))
    settings = await ctx.settings()
    contact = await save_contact(
        ctx.conn,
        merged,
        contact_id=data.id,
        events=ctx.events,
        fallback_country=getattr(settings, "default_country", None),
    )
    return _saved(contact)


async def changed(data: ChangedContacts, ctx: ServiceContext) -> list[SavedContact]:
    """Contacts updated after a point, oldest first."""
    args: list[object] = []
    conditions = ["true"]
    if data.after_time is not None:
        args.extend((data.after_time, data.after_id or UUID(int=0)))
        conditions.append("(c.updated_at, c.id) > ($1, $2)")
    if data.ids is not None:
        args.append(data.ids)
        conditions.append(f"c.id = any(${len(args)}::uuid[])")
    where = " and ".join(conditions)
    rows = await ctx.conn.fetch(
        f"{SELECT} where {where} order by c.updated_at, c.id limit {data.limit}", *args
    )
    return [msgspec.convert(dict(r), SavedContact) for r in rows]


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
            lifecycle_stage=current.lifecycle_stage if current else None,
            utm_source=current.utm_source if current else None,
            utm_medium=current.utm_medium if current else None,
            utm_campaign=current.utm_campaign if current else None,
        ),
        contact_id=data.id,
        events=ctx.events,
        fallback_country=settings.default_country,
    )
    [card] = (await contacts_list(ContactsList(ids=[contact.id]), ctx)).contacts
    return card


SERVICES = (
    Service(
        name="crm.contacts.save",
        handler=save,
        request=SaveContact,
        response=SavedContact,
        description=(
            "Creates a contact, or changes the given fields of one (the others stay), checked "
            "as the routes check (422 naming the field; 404 for an id not the tenant's); "
            "publishes crm.contact.created.v1 or crm.contact.updated.v1."
        ),
    ),
    Service(
        name="crm.contacts.changed",
        handler=changed,
        request=ChangedContacts,
        response=list[SavedContact],
        description=(
            "Contacts updated after an (updated_at, id) point (or those of ids), oldest first, "
            "at most limit: what a connector sends to another system. Reads only."
        ),
    ),
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
