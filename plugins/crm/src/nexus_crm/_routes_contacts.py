"""Contacts: the people a tenant deals with."""

from __future__ import annotations

import enum
from typing import Annotated
from uuid import UUID  # noqa: TC003 - Litestar reads it at run time

from litestar import Controller, delete, get, patch, post, put
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs.http import (
    BY_ID,
    Cursor,
    Db,
    Events,
    Limit,
    Page,
    TenantSettings,
    not_found,
    route_opt,
)

from nexus_crm._companies import merge
from nexus_crm._contacts import (
    BY_NAME,
    ContactIn,
    ContactOut,
    ContactPatch,
    Stage,
    contact_page,
    load_contact,
    save_contact,
)
from nexus_crm._examples import body
from nexus_crm._keys import CONTACTS_READ, CONTACTS_WRITE
from nexus_crm._settings import CrmSettings
from nexus_crm._unlink import announce_unlinked, linked_to

__all__ = ("CompanyFilter", "ContactController", "EmailFilter", "Q", "TagFilter")

_READ = route_opt(permission=CONTACTS_READ)
_WRITE = route_opt(permission=CONTACTS_WRITE)

Q = Annotated[str | None, QueryParameter(description="Full-text filter.", max_length=200)]
CompanyFilter = Annotated[UUID | None, QueryParameter(description="Only this company's.")]
TagFilter = Annotated[UUID | None, QueryParameter(description="Only with this tag.")]
EmailFilter = Annotated[
    str | None, QueryParameter(description="Exact email (ignoring case).", max_length=200)
]


class ContactSort(enum.StrEnum):
    """Orders of the contact list."""

    CREATED = "created"
    NAME = "name"


class ContactController(Controller):
    """Contacts: create, list (search, company, tag, email filters), show, change, delete."""

    path = "/contacts"
    tags = ["crm: contacts"]

    @get("/", summary="List contacts", opt=_READ)
    async def list_contacts(
        self,
        db: Db,
        limit: Limit = 50,
        cursor: Cursor = None,
        q: Q = None,
        company_id: CompanyFilter = None,
        tag_id: TagFilter = None,
        email: EmailFilter = None,
        lifecycle_stage: Annotated[
            Stage | None, QueryParameter(description="Only the `lead`s, or the `customer`s.")
        ] = None,
        sort: Annotated[
            ContactSort, QueryParameter(description="`created` (oldest first) or `name`.")
        ] = ContactSort.CREATED,
    ) -> Page[ContactOut]:
        """The tenant's contacts, oldest first or by name, optionally filtered."""
        async with db.transaction() as conn:
            return await contact_page(
                conn,
                order=BY_NAME if sort is ContactSort.NAME else BY_ID,
                cursor=cursor,
                limit=limit,
                q=q,
                company_id=company_id,
                tag_id=tag_id,
                email=email,
                lifecycle_stage=lifecycle_stage,
            )

    @post("/", summary="Create a contact", opt=_WRITE)
    async def create_contact(
        self,
        db: Db,
        events: Events,
        settings: TenantSettings[CrmSettings],
        data: Annotated[ContactIn, body("POST /contacts", "A contact")],
    ) -> ContactOut:
        """A new contact; publishes ``crm.contact.created.v1``.

        A bad email or phone answers 422 naming the field.
        """
        async with db.transaction() as conn:
            return await save_contact(
                conn,
                data,
                contact_id=None,
                events=events,
                fallback_country=settings.default_country,
            )

    @get("/{contact_id:uuid}", summary="Show a contact", opt=_READ)
    async def show_contact(self, db: Db, contact_id: FromPath[UUID]) -> ContactOut:
        """One contact."""
        async with db.transaction() as conn:
            contact = await load_contact(conn, contact_id)
        if contact is None:
            not_found()
        return contact

    @put("/{contact_id:uuid}", summary="Replace a contact", opt=_WRITE)
    async def replace_contact(
        self,
        db: Db,
        events: Events,
        settings: TenantSettings[CrmSettings],
        contact_id: FromPath[UUID],
        data: Annotated[ContactIn, body("PUT /contacts/{contact_id}", "The contact, now CTO")],
    ) -> ContactOut:
        """Every field of a contact; publishes ``crm.contact.updated.v1``."""
        async with db.transaction() as conn:
            return await save_contact(
                conn,
                data,
                contact_id=contact_id,
                events=events,
                fallback_country=settings.default_country,
            )

    @patch("/{contact_id:uuid}", summary="Change a contact", opt=_WRITE)
    async def change_contact(
        self,
        db: Db,
        events: Events,
        settings: TenantSettings[CrmSettings],
        contact_id: FromPath[UUID],
        data: Annotated[ContactPatch, body("PATCH /contacts/{contact_id}", "A new job title")],
    ) -> ContactOut:
        """Some fields of a contact; publishes ``crm.contact.updated.v1``."""
        async with db.transaction() as conn:
            current = await load_contact(conn, contact_id)
            if current is None:
                not_found()
            return await save_contact(
                conn,
                merge(current, data, ContactIn),
                contact_id=contact_id,
                events=events,
                fallback_country=settings.default_country,
            )

    @delete("/{contact_id:uuid}", summary="Delete a contact", opt=_WRITE)
    async def delete_contact(self, db: Db, events: Events, contact_id: FromPath[UUID]) -> None:
        """Delete a contact: its deals stay, unlinked; its activities go.

        Each unlinked deal is announced with its ``*.updated.v1`` event.
        """
        async with db.transaction() as conn:
            linked = await linked_to(conn, "contact_id", contact_id)
            gone = await conn.fetchval(
                "delete from crm_contact where id = $1 returning id", contact_id
            )
            if gone is None:
                not_found()
            await announce_unlinked(conn, events, linked)
