"""Companies: their shape, how one is written (checked, tagged, announced) and listed."""

from __future__ import annotations

from datetime import datetime  # noqa: TC003 - msgspec reads it at run time
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID  # noqa: TC003

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import BY_ID, Keyset, Multiline, Page, not_found

from nexus_crm._events import COMPANY_CREATED, COMPANY_UPDATED, company_payload
from nexus_crm._search import search_condition, ts_query
from nexus_crm._tags import check_tags, link_tags
from nexus_crm._validation import Errors

if TYPE_CHECKING:
    from nexus_hookspecs import Connection, EventPublisher

__all__ = (
    "BY_NAME",
    "CompanyIn",
    "CompanyPatch",
    "CrmCompanyOut",
    "Name",
    "Notes",
    "Short",
    "TagIds",
    "clean",
    "company_page",
    "load_company",
    "merge",
    "save_company",
)

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"\S")]
Short = Annotated[str, msgspec.Meta(max_length=200)]
Notes = Annotated[Multiline, msgspec.Meta(max_length=10_000)]
TagIds = Annotated[list[UUID], msgspec.Meta(max_length=50)]


class CompanyIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A company. ``phone`` is stored in E.164, read with ``country`` as its region."""

    name: Name
    domain: Short | None = None
    email: Short | None = None
    phone: Short | None = None
    country: Short | None = None
    city: Short | None = None
    website: Short | None = None
    notes: Notes = ""
    owner: Short | None = None
    tag_ids: TagIds = msgspec.field(default_factory=list)


class CompanyPatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Some fields of a company; omitted ones stay, ``null`` clears."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    domain: Short | None | msgspec.UnsetType = msgspec.UNSET
    email: Short | None | msgspec.UnsetType = msgspec.UNSET
    phone: Short | None | msgspec.UnsetType = msgspec.UNSET
    country: Short | None | msgspec.UnsetType = msgspec.UNSET
    city: Short | None | msgspec.UnsetType = msgspec.UNSET
    website: Short | None | msgspec.UnsetType = msgspec.UNSET
    notes: Notes | msgspec.UnsetType = msgspec.UNSET
    owner: Short | None | msgspec.UnsetType = msgspec.UNSET
    tag_ids: TagIds | msgspec.UnsetType = msgspec.UNSET


class CrmCompanyOut(msgspec.Struct, kw_only=True):
    """A company as the API shows it."""

    id: UUID
    name: str
    domain: str | None
    email: str | None
    phone: str | None
    country: str | None
    city: str | None
    website: str | None
    notes: str
    owner: str | None
    tag_ids: list[UUID]
    created_at: datetime
    updated_at: datetime


_SELECT = """
select c.id, c.name, c.domain, c.email, c.phone, c.country, c.city, c.website, c.notes,
       c.owner, c.created_at, c.updated_at,
       array(select t.tag_id from crm_company_tag t
              where t.tenant_id = c.tenant_id and t.company_id = c.id
              order by t.tag_id) as tag_ids
  from crm_company c
"""

BY_NAME = Keyset("name", keys=(("lower(q.name)", "text"),))
"""The company list by name (``?sort=name``)."""


async def load_company(conn: Connection, company_id: UUID) -> CrmCompanyOut | None:
    """One company, or ``None``."""
    row = await conn.fetchrow(f"{_SELECT} where c.id = $1", company_id)
    return msgspec.convert(dict(row), CrmCompanyOut) if row else None


async def company_page(
    conn: Connection,
    *,
    order: Keyset = BY_ID,
    cursor: str | None,
    limit: int,
    q: str | None = None,
    tag_id: UUID | None = None,
    country: str | None = None,
) -> Page[CrmCompanyOut]:
    """One page of the tenant's companies in ``order``, filtered."""
    conditions = ["true"]
    args: list[Any] = []
    if q:
        args.append(ts_query(q))
        conditions.append(search_condition("c", len(args)))
    if tag_id is not None:
        args.append(tag_id)
        conditions.append(
            f"exists (select 1 from crm_company_tag t where t.company_id = c.id "
            f"and t.tag_id = ${len(args)})"
        )
    if country:
        args.append(country.upper())
        conditions.append(f"c.country = ${len(args)}")
    query = order.sql(f"{_SELECT} where {' and '.join(conditions)}", args, cursor, limit)
    rows = await conn.fetch(query, *args)
    return order.page(rows, limit, lambda row: msgspec.convert(row, CrmCompanyOut))


async def save_company(
    conn: Connection,
    data: CompanyIn,
    *,
    company_id: UUID | None,
    events: EventPublisher,
    fallback_country: str | None,
) -> CrmCompanyOut:
    """Validate, insert or update, link tags and publish the event, in ``conn``'s transaction.

    Answers 422 naming each invalid field, 404 when ``company_id`` names no company of the
    tenant.
    """
    errors = Errors()
    country = errors.country("country", data.country)
    values = (
        data.name.strip(),
        errors.domain("domain", data.domain),
        errors.email("email", data.email),
        errors.phone("phone", data.phone, country or fallback_country),
        country,
        clean(data.city),
        clean(data.website),
        data.notes,
        clean(data.owner),
    )
    tag_ids = await check_tags(conn, errors, data.tag_ids)
    errors.raise_if_any()
    if company_id is None:
        company_id = new_id()
        await conn.execute(
            "insert into crm_company (id, name, domain, email, phone, country, city, website, "
            "notes, owner) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            company_id,
            *values,
        )
        event = COMPANY_CREATED
    else:
        status = await conn.execute(
            "update crm_company set name = $2, domain = $3, email = $4, phone = $5, "
            "country = $6, city = $7, website = $8, notes = $9, owner = $10, "
            "updated_at = now() where id = $1",
            company_id,
            *values,
        )
        if status.endswith(" 0"):
            not_found()
        event = COMPANY_UPDATED
    await link_tags(
        conn, table="crm_company_tag", column="company_id", owner_id=company_id, tag_ids=tag_ids
    )
    company = await load_company(conn, company_id)
    assert company is not None  # noqa: S101 - written just above, in this transaction
    await events.publish(
        conn, type=event.type, data=company_payload(company), subject=str(company.id)
    )
    return company


def clean(value: str | None) -> str | None:
    """``value`` stripped; ``None`` when it is blank or missing."""
    return value.strip() or None if value is not None else None


def merge(current: Any, patch: msgspec.Struct, into: type[Any]) -> Any:
    """``current`` (an output Struct) overlaid with the fields ``patch`` sets, as ``into``."""
    values = {field: getattr(current, field) for field in into.__struct_fields__}
    for field in patch.__struct_fields__:
        value = getattr(patch, field)
        if value is not msgspec.UNSET:
            values[field] = value
    return into(**values)
