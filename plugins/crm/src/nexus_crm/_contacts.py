"""Contacts: their shape, how one is written (checked, tagged, announced) and listed."""

from __future__ import annotations

from datetime import datetime  # noqa: TC003 - msgspec reads it at run time
from typing import TYPE_CHECKING, Annotated, Any, Literal
from uuid import UUID  # noqa: TC003

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import BY_ID, Keyset, Page, not_found

from nexus_crm._companies import Name, Notes, Short, TagIds, clean
from nexus_crm._events import CONTACT_CREATED, CONTACT_UPDATED, contact_payload
from nexus_crm._search import search_condition, ts_query
from nexus_crm._tags import check_tags, link_tags
from nexus_crm._validation import Errors

if TYPE_CHECKING:
    from nexus_hookspecs import Connection, EventPublisher

__all__ = (
    "BY_NAME",
    "SELECT",
    "ContactIn",
    "ContactOut",
    "ContactPatch",
    "Stage",
    "Utm",
    "contact_filter",
    "contact_page",
    "load_contact",
    "save_contact",
)

FirstName = Annotated[str, msgspec.Meta(max_length=200)]


Stage = Literal["lead", "customer"]
"""A contact's lifecycle stage: ``lead`` (came in through a form, not yet a customer) or
``customer``; none for any other contact."""
Utm = Annotated[str, msgspec.Meta(max_length=200)]


class ContactIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A contact.

    ``phone`` is stored in E.164: without a ``+country`` prefix it is read in the country
    of the contact's company, else in the tenant's ``default_country`` setting.
    ``lifecycle_stage`` is ``lead`` or ``customer`` (converting a lead is setting it to
    ``customer``); ``utm_source``, ``utm_medium`` and ``utm_campaign`` attribute the contact
    to the first touch that brought it (Marketing's web forms fill them).
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
    lifecycle_stage: Stage | None = None
    utm_source: Utm | None = None
    utm_medium: Utm | None = None
    utm_campaign: Utm | None = None


class ContactPatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
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
    lifecycle_stage: Stage | None | msgspec.UnsetType = msgspec.UNSET
    utm_source: Utm | None | msgspec.UnsetType = msgspec.UNSET
    utm_medium: Utm | None | msgspec.UnsetType = msgspec.UNSET
    utm_campaign: Utm | None | msgspec.UnsetType = msgspec.UNSET


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
    lifecycle_stage: Stage | None = None
    utm_source: str | None = None
    utm_medium: str | None = None
    utm_campaign: str | None = None


SELECT = """
select c.id, c.first_name, c.last_name, c.email, c.phone, c.job_title, c.company_id,
       c.notes, c.owner, c.created_at, c.updated_at, c.lifecycle_stage, c.utm_source,
       c.utm_medium, c.utm_campaign,
       array(select t.tag_id from crm_contact_tag t
              where t.tenant_id = c.tenant_id and t.contact_id = c.id
              order by t.tag_id) as tag_ids
  from crm_contact c
"""

BY_NAME = Keyset("name", keys=(("lower(q.last_name)", "text"), ("lower(q.first_name)", "text")))
"""The contact list by last name, then first name (``?sort=name``)."""


async def load_contact(conn: Connection, contact_id: UUID) -> ContactOut | None:
    """One contact, or ``None``."""
    row = await conn.fetchrow(f"{SELECT} where c.id = $1", contact_id)
    return msgspec.convert(dict(row), ContactOut) if row else None


async def save_contact(
    conn: Connection,
    data: ContactIn,
    *,
    contact_id: UUID | None,
    events: EventPublisher,
    fallback_country: str | None,
) -> ContactOut:
    """Validate, insert or update, link tags and publish the event, in ``conn``'s transaction.

    Answers 422 naming each invalid field, 404 when ``contact_id`` names no contact of the
    tenant.
    """
    errors = Errors()
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
        clean(data.job_title),
        data.company_id,
        data.notes,
        clean(data.owner),
        data.lifecycle_stage,
        clean(data.utm_source),
        clean(data.utm_medium),
        clean(data.utm_campaign),
    )
    tag_ids = await check_tags(conn, errors, data.tag_ids)
    errors.raise_if_any()
    if contact_id is None:
        contact_id = new_id()
        await conn.execute(
            "insert into crm_contact (id, first_name, last_name, email, phone, job_title, "
            "company_id, notes, owner, lifecycle_stage, utm_source, utm_medium, utm_campaign) "
            "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            contact_id,
            *values,
        )
        event = CONTACT_CREATED
    else:
        status = await conn.execute(
            "update crm_contact set first_name = $2, last_name = $3, email = $4, phone = $5, "
            "job_title = $6, company_id = $7, notes = $8, owner = $9, lifecycle_stage = $10, "
            "utm_source = $11, utm_medium = $12, utm_campaign = $13, updated_at = now() "
            "where id = $1",
            contact_id,
            *values,
        )
        if status.endswith(" 0"):
            not_found()
        event = CONTACT_UPDATED
    await link_tags(
        conn, table="crm_contact_tag", column="contact_id", owner_id=contact_id, tag_ids=tag_ids
    )
    contact = await load_contact(conn, contact_id)
    assert contact is not None  # written just above, in this transaction
    await events.publish(
        conn, type=event.type, data=contact_payload(contact), subject=str(contact.id)
    )
    return contact


def contact_filter(
    *,
    q: str | None,
    company_id: UUID | None,
    tag_id: UUID | None,
    email: str | None,
    after: UUID | None = None,
    lifecycle_stage: str | None = None,
) -> tuple[str, list[Any]]:
    """The ``where`` clause (over ``c``) and arguments of a filtered contact list.

    ``after`` keeps only the contacts created after that one (the CSV export's batches).
    """
    conditions = ["true"]
    args: list[Any] = []
    if after is not None:
        args.append(after)
        conditions.append(f"c.id > ${len(args)}")
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
    if lifecycle_stage:
        args.append(lifecycle_stage)
        conditions.append(f"c.lifecycle_stage = ${len(args)}")
    return " and ".join(conditions), args


async def contact_page(
    conn: Connection,
    *,
    order: Keyset = BY_ID,
    cursor: str | None,
    limit: int,
    q: str | None = None,
    company_id: UUID | None = None,
    tag_id: UUID | None = None,
    email: str | None = None,
    lifecycle_stage: str | None = None,
) -> Page[ContactOut]:
    """One page of the tenant's contacts in ``order``, filtered."""
    where, args = contact_filter(
        q=q, company_id=company_id, tag_id=tag_id, email=email, lifecycle_stage=lifecycle_stage
    )
    rows = await conn.fetch(order.sql(f"{SELECT} where {where}", args, cursor, limit), *args)
    return order.page(rows, limit, lambda row: msgspec.convert(row, ContactOut))
