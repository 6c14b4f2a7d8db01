"""Contacts: the people a tenant deals with."""

from __future__ import annotations

import enum
from datetime import datetime  # noqa: TC003 - msgspec reads it at run time
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID  # noqa: TC003

import msgspec
from litestar import Controller, delete, get, patch, post, put
from litestar.params import FromPath, QueryParameter

from nexus_crm._common import (
    CONTACTS_WRITE,
    Context,
    CursorParam,
    Db,
    Events,
    LimitParam,
    Page,
    Settings,
    decode_cursor,
    new_id,
    not_found,
    page_of,
)
from nexus_crm._companies import Name, Notes, Short, TagIds, default_country, merge
from nexus_crm._events import CONTACT_CREATED, CONTACT_UPDATED, contact_payload
from nexus_crm._examples import body
from nexus_crm._search import search_condition, ts_query
from nexus_crm._sorting import SortOrder
from nexus_crm._tags import check_tags, link_tags
from nexus_crm._unlink import announce_unlinked, linked_to
from nexus_crm._validation import Errors

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

__all__ = ("ContactController", "ContactIn", "ContactOut", "save_contact")

_WRITE = {"permission": CONTACTS_WRITE}
FirstName = Annotated[str, msgspec.Meta(max_length=200)]


class ContactIn(msgspec.Struct, kw_only=True):
    """A contact.

    ``phone`` is stored in E.164: without a ``+country`` prefix it is read in the country
    of the contact's company, else in the tenant's ``default_country`` setting.
    """

    first_name: FirstName = ""
    last_name: Name
    email: Short | None = None
    phone: Short | None = None
    job_title: Short | None = None
    company_id: UUID | None = None
    notes: Notes = ""
    owner: Short | None = None
    tag_ids: TagIds = msgspec.field(default_factory=list)


class ContactPatch(msgspec.Struct, kw_only=True):
    """Some fields of a contact; omitted ones stay, ``null`` clears."""

    first_name: FirstName | msgspec.UnsetType = msgspec.UNSET
    last_name: Name | msgspec.UnsetType = msgspec.UNSET
    email: Short | None | msgspec.UnsetType = msgspec.UNSET
    phone: Short | None | msgspec.UnsetType = msgspec.UNSET
    job_title: Short | None | msgspec.UnsetType = msgspec.UNSET
    company_id: UUID | None | msgspec.UnsetType = msgspec.UNSET
    notes: Notes | msgspec.UnsetType = msgspec.UNSET
    owner: Short | None | msgspec.UnsetType = msgspec.UNSET
    tag_ids: TagIds | msgspec.UnsetType = msgspec.UNSET


class ContactOut(msgspec.Struct, kw_only=True):
    """A contact as the API shows it."""

    id: UUID
    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    job_title: str | None
    company_id: UUID | None
    notes: str
    owner: str | None
    tag_ids: list[UUID]
    created_at: datetime
    updated_at: datetime


SELECT = """
select c.id, c.first_name, c.last_name, c.email, c.phone, c.job_title, c.company_id,
       c.notes, c.owner, c.created_at, c.updated_at,
       array(select t.tag_id from crm_contact_tag t
              where t.tenant_id = c.tenant_id and t.contact_id = c.id
              order by t.tag_id) as tag_ids
  from crm_contact c
"""


async def load_contact(conn: Connection, contact_id: UUID) -> ContactOut | None:
    """One contact, or ``None``."""
    row = await conn.fetchrow(f"{SELECT} where c.id = $1", contact_id)
    return msgspec.convert(dict(row), ContactOut) if row else None


async def save_contact(
    conn: Connection,
    data: ContactIn,
    *,
    contact_id: UUID | None,
    events: Any,
    fallback_country: str | None,
    errors: Errors | None = None,
) -> ContactOut:
    """Validate, insert or update, link tags and publish the event, in ``conn``'s transaction.

    Raises:
        ValidationException: naming each invalid field.
        NotFoundException: ``contact_id`` names no contact of the tenant.
    """
    errors = errors or Errors()
    region = fallback_country
    if data.company_id is not None:
        company = await conn.fetchrow(
            "select country from crm_company where id = $1", data.company_id
        )
        if company is None:
            errors.add("company_id", "no such company")
        else:
            region = company["country"] or fallback_country
    values = (
        data.first_name.strip(),
        data.last_name.strip(),
        errors.email("email", data.email),
        errors.phone("phone", data.phone, region),
        _clean(data.job_title),
        data.company_id,
        data.notes,
        _clean(data.owner),
    )
    tag_ids = await check_tags(conn, errors, data.tag_ids)
    errors.raise_if_any()
    if contact_id is None:
        contact_id = new_id()
        await conn.execute(
            "insert into crm_contact (id, first_name, last_name, email, phone, job_title, "
            "company_id, notes, owner) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            contact_id,
            *values,
        )
        event = CONTACT_CREATED
    else:
        status = await conn.execute(
            "update crm_contact set first_name = $2, last_name = $3, email = $4, phone = $5, "
            "job_title = $6, company_id = $7, notes = $8, owner = $9, updated_at = now() "
            "where id = $1",
            contact_id,
            *values,
        )
        if status.endswith(" 0"):
            raise not_found()
        event = CONTACT_UPDATED
    await link_tags(
        conn, table="crm_contact_tag", column="contact_id", owner_id=contact_id, tag_ids=tag_ids
    )
    contact = await load_contact(conn, contact_id)
    assert contact is not None  # written just above, in this transaction
    await events.publish(conn, type=event, data=contact_payload(contact), subject=str(contact.id))
    return contact


def _clean(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


def list_query(
    *,
    cursor: str | None,
    q: str | None,
    company_id: UUID | None,
    tag_id: UUID | None,
    email: str | None,
) -> tuple[str, list[Any]]:
    """The ``where`` clause and arguments of a filtered contact list (``$1`` is the cursor)."""
    conditions = ["($1::uuid is null or c.id > $1)"]
    args: list[Any] = [decode_cursor(cursor)]
    if q:
        args.append(ts_query(q))
        conditions.append(search_condition("c", len(args)))
    if company_id is not None:
        args.append(company_id)
        conditions.append(f"c.company_id = ${len(args)}")
    if tag_id is not None:
        args.append(tag_id)
        conditions.append(
            "exists (select 1 from crm_contact_tag t where t.contact_id = c.id "
            f"and t.tag_id = ${len(args)})"
        )
    if email:
        args.append(email)
        conditions.append(f"lower(c.email) = lower(${len(args)})")
    return " and ".join(conditions), args


class ContactSort(enum.StrEnum):
    """Orders of the contact list."""

    CREATED = "created"
    NAME = "name"


_ORDERS = {
    ContactSort.NAME: SortOrder(
        "name", (("lower(q.last_name)", "text"), ("lower(q.first_name)", "text"))
    )
}

Q = Annotated[str | None, QueryParameter(description="Full-text filter.", max_length=200)]
CompanyFilter = Annotated[UUID | None, QueryParameter(description="Only this company's.")]
TagFilter = Annotated[UUID | None, QueryParameter(description="Only with this tag.")]
EmailFilter = Annotated[
    str | None, QueryParameter(description="Exact email (ignoring case).", max_length=200)
]


class ContactController(Controller):
    """Contacts: create, list (search, company, tag, email filters), show, change, delete."""

    path = "/contacts"
    tags = ["crm: contacts"]

    @get("/", summary="List contacts")
    async def list_contacts(
        self,
        db: Db,
        limit: LimitParam = 50,
        cursor: CursorParam = None,
        q: Q = None,
        company_id: CompanyFilter = None,
        tag_id: TagFilter = None,
        email: EmailFilter = None,
        sort: Annotated[
            ContactSort, QueryParameter(description="`created` (oldest first) or `name`.")
        ] = ContactSort.CREATED,
    ) -> Page[ContactOut]:
        """The tenant's contacts, oldest first or by name, optionally filtered."""
        if sort is not ContactSort.CREATED:
            where, args = list_query(
                cursor=None, q=q, company_id=company_id, tag_id=tag_id, email=email
            )
            order = _ORDERS[sort]
            query = order.query(f"{SELECT} where {where}", args, cursor, limit)
            async with db.transaction() as conn:
                rows = await conn.fetch(query, *args)
            return order.page(rows, limit, lambda row: msgspec.convert(row, ContactOut))
        where, args = list_query(
            cursor=cursor, q=q, company_id=company_id, tag_id=tag_id, email=email
        )
        args.append(limit + 1)
        async with db.transaction() as conn:
            rows = await conn.fetch(
                f"{SELECT} where {where} order by c.id limit ${len(args)}", *args
            )
        items = [msgspec.convert(dict(row), ContactOut) for row in rows]
        return page_of(items, limit, lambda contact: contact.id)

    @post("/", summary="Create a contact", opt=_WRITE)
    async def create_contact(
        self,
        db: Db,
        events: Events,
        context: Context,
        plugin_settings: Settings,
        data: Annotated[ContactIn, body("POST /contacts", "A contact")],
    ) -> ContactOut:
        """A new contact; publishes ``crm.contact.created.v1``.

        A bad email or phone answers 422 naming the field.
        """
        fallback = await default_country(plugin_settings, context)
        async with db.transaction() as conn:
            return await save_contact(
                conn, data, contact_id=None, events=events, fallback_country=fallback
            )

    @get("/{contact_id:uuid}", summary="Show a contact")
    async def show_contact(self, db: Db, contact_id: FromPath[UUID]) -> ContactOut:
        """One contact."""
        async with db.transaction() as conn:
            contact = await load_contact(conn, contact_id)
        if contact is None:
            raise not_found()
        return contact

    @put("/{contact_id:uuid}", summary="Replace a contact", opt=_WRITE)
    async def replace_contact(
        self,
        db: Db,
        events: Events,
        context: Context,
        plugin_settings: Settings,
        contact_id: FromPath[UUID],
        data: Annotated[ContactIn, body("PUT /contacts/{contact_id}", "The contact, now CTO")],
    ) -> ContactOut:
        """Every field of a contact; publishes ``crm.contact.updated.v1``."""
        fallback = await default_country(plugin_settings, context)
        async with db.transaction() as conn:
            return await save_contact(
                conn, data, contact_id=contact_id, events=events, fallback_country=fallback
            )

    @patch("/{contact_id:uuid}", summary="Change a contact", opt=_WRITE)
    async def change_contact(
        self,
        db: Db,
        events: Events,
        context: Context,
        plugin_settings: Settings,
        contact_id: FromPath[UUID],
        data: Annotated[ContactPatch, body("PATCH /contacts/{contact_id}", "A new job title")],
    ) -> ContactOut:
        """Some fields of a contact; publishes ``crm.contact.updated.v1``."""
        fallback = await default_country(plugin_settings, context)
        async with db.transaction() as conn:
            current = await load_contact(conn, contact_id)
            if current is None:
                raise not_found()
            return await save_contact(
                conn,
                merge(current, data, ContactIn),
                contact_id=contact_id,
                events=events,
                fallback_country=fallback,
            )

    @delete("/{contact_id:uuid}", summary="Delete a contact", opt=_WRITE)
    async def delete_contact(self, db: Db, events: Events, contact_id: FromPath[UUID]) -> None:
        """Delete a contact: its deals stay, unlinked; its activities go.

        Each unlinked deal is announced with its
        ``*.updated.v1`` event.
        """
        async with db.transaction() as conn:
            linked = await linked_to(conn, "contact_id", contact_id)
            gone = await conn.fetchval(
                "delete from crm_contact where id = $1 returning id", contact_id
            )
            if gone is None:
                raise not_found()
            await announce_unlinked(conn, events, linked)
