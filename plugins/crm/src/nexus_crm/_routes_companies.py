"""Companies: the organisations a tenant sells to."""

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
from nexus_crm._events import COMPANY_CREATED, COMPANY_UPDATED, company_payload
from nexus_crm._examples import body
from nexus_crm._search import search_condition, ts_query
from nexus_crm._sorting import SortOrder
from nexus_crm._tags import check_tags, link_tags
from nexus_crm._unlink import announce_unlinked, linked_to
from nexus_crm._validation import Errors

if TYPE_CHECKING:
    from nexus_hookspecs import Connection, RequestContext

__all__ = ("CompanyController", "CompanyIn", "CrmCompanyOut", "default_country")

_WRITE = {"permission": CONTACTS_WRITE}

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"\S")]
Short = Annotated[str, msgspec.Meta(max_length=200)]
Notes = Annotated[str, msgspec.Meta(max_length=10_000)]
TagIds = Annotated[list[UUID], msgspec.Meta(max_length=50)]


class CompanyIn(msgspec.Struct, kw_only=True):
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


class CompanyPatch(msgspec.Struct, kw_only=True):
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


async def default_country(settings: Any, context: RequestContext) -> str | None:
    """The tenant's ``default_country`` setting (reads phones written without ``+``)."""
    if context.tenant_id is None:
        return None
    values = await settings.get(context.tenant_id)
    return getattr(values, "default_country", None)


async def load_company(conn: Connection, company_id: UUID) -> CrmCompanyOut | None:
    """One company, or ``None``."""
    row = await conn.fetchrow(f"{_SELECT} where c.id = $1", company_id)
    return msgspec.convert(dict(row), CrmCompanyOut) if row else None


async def save_company(
    conn: Connection,
    data: CompanyIn,
    *,
    company_id: UUID | None,
    events: Any,
    fallback_country: str | None,
) -> CrmCompanyOut:
    """Validate, insert or update, link tags and publish the event, in ``conn``'s transaction.

    Raises:
        ValidationException: naming each invalid field.
        NotFoundException: ``company_id`` names no company of the tenant.
    """
    errors = Errors()
    country = errors.country("country", data.country)
    values = (
        data.name.strip(),
        errors.domain("domain", data.domain),
        errors.email("email", data.email),
        errors.phone("phone", data.phone, country or fallback_country),
        country,
        _clean(data.city),
        _clean(data.website),
        data.notes,
        _clean(data.owner),
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
            raise not_found()
        event = COMPANY_UPDATED
    await link_tags(
        conn, table="crm_company_tag", column="company_id", owner_id=company_id, tag_ids=tag_ids
    )
    company = await load_company(conn, company_id)
    assert company is not None  # written just above, in this transaction
    await events.publish(conn, type=event, data=company_payload(company), subject=str(company.id))
    return company


def _clean(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


def merge(current: Any, patch: msgspec.Struct, into: type[Any]) -> Any:
    """``current`` (an output Struct) overlaid with the fields ``patch`` sets, as ``into``."""
    values = {field: getattr(current, field) for field in into.__struct_fields__}
    for field in patch.__struct_fields__:
        value = getattr(patch, field)
        if value is not msgspec.UNSET:
            values[field] = value
    return into(**values)


class CompanySort(enum.StrEnum):
    """Orders of the company list."""

    CREATED = "created"
    NAME = "name"


_BY_NAME = SortOrder("name", (("lower(q.name)", "text"),))


class CompanyController(Controller):
    """Companies: create, list (with search and tag filters), show, change, delete."""

    path = "/companies"
    tags = ["crm: companies"]

    @get("/", summary="List companies")
    async def list_companies(
        self,
        db: Db,
        limit: LimitParam = 50,
        cursor: CursorParam = None,
        q: Annotated[
            str | None, QueryParameter(description="Full-text filter.", max_length=200)
        ] = None,
        tag_id: Annotated[UUID | None, QueryParameter(description="Only with this tag.")] = None,
        country: Annotated[str | None, QueryParameter(max_length=2)] = None,
        sort: Annotated[
            CompanySort, QueryParameter(description="`created` (oldest first) or `name`.")
        ] = CompanySort.CREATED,
    ) -> Page[CrmCompanyOut]:
        """The tenant's companies, oldest first or by name, optionally filtered."""
        conditions = ["($1::uuid is null or c.id > $1)"]
        sorted_ = sort is not CompanySort.CREATED
        args: list[Any] = [None if sorted_ else decode_cursor(cursor)]
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
        if sorted_:
            inner = f"{_SELECT} where {' and '.join(conditions)}"
            query = _BY_NAME.query(inner, args, cursor, limit)
            async with db.transaction() as conn:
                rows = await conn.fetch(query, *args)
            return _BY_NAME.page(rows, limit, lambda row: msgspec.convert(row, CrmCompanyOut))
        args.append(limit + 1)
        query = f"{_SELECT} where {' and '.join(conditions)} order by c.id limit ${len(args)}"
        async with db.transaction() as conn:
            rows = await conn.fetch(query, *args)
        items = [msgspec.convert(dict(row), CrmCompanyOut) for row in rows]
        return page_of(items, limit, lambda company: company.id)

    @post("/", summary="Create a company", opt=_WRITE)
    async def create_company(
        self,
        db: Db,
        events: Events,
        context: Context,
        plugin_settings: Settings,
        data: Annotated[CompanyIn, body("POST /companies", "A company in Berlin")],
    ) -> CrmCompanyOut:
        """A new company; publishes ``crm.company.created.v1``."""
        fallback = await default_country(plugin_settings, context)
        async with db.transaction() as conn:
            return await save_company(
                conn, data, company_id=None, events=events, fallback_country=fallback
            )

    @get("/{company_id:uuid}", summary="Show a company")
    async def show_company(self, db: Db, company_id: FromPath[UUID]) -> CrmCompanyOut:
        """One company."""
        async with db.transaction() as conn:
            company = await load_company(conn, company_id)
        if company is None:
            raise not_found()
        return company

    @put("/{company_id:uuid}", summary="Replace a company", opt=_WRITE)
    async def replace_company(
        self,
        db: Db,
        events: Events,
        context: Context,
        plugin_settings: Settings,
        company_id: FromPath[UUID],
        data: Annotated[
            CompanyIn, body("PUT /companies/{company_id}", "The company, moved to Hamburg")
        ],
    ) -> CrmCompanyOut:
        """Every field of a company; publishes ``crm.company.updated.v1``."""
        fallback = await default_country(plugin_settings, context)
        async with db.transaction() as conn:
            return await save_company(
                conn, data, company_id=company_id, events=events, fallback_country=fallback
            )

    @patch("/{company_id:uuid}", summary="Change a company", opt=_WRITE)
    async def change_company(
        self,
        db: Db,
        events: Events,
        context: Context,
        plugin_settings: Settings,
        company_id: FromPath[UUID],
        data: Annotated[CompanyPatch, body("PATCH /companies/{company_id}", "A new city")],
    ) -> CrmCompanyOut:
        """Some fields of a company; publishes ``crm.company.updated.v1``."""
        fallback = await default_country(plugin_settings, context)
        async with db.transaction() as conn:
            current = await load_company(conn, company_id)
            if current is None:
                raise not_found()
            return await save_company(
                conn,
                merge(current, data, CompanyIn),
                company_id=company_id,
                events=events,
                fallback_country=fallback,
            )

    @delete("/{company_id:uuid}", summary="Delete a company", opt=_WRITE)
    async def delete_company(self, db: Db, events: Events, company_id: FromPath[UUID]) -> None:
        """Delete a company: its contacts and deals stay, unlinked; its activities go.

        Each unlinked contact and deal is announced with its
        ``*.updated.v1`` event.
        """
        async with db.transaction() as conn:
            linked = await linked_to(conn, "company_id", company_id)
            gone = await conn.fetchval(
                "delete from crm_company where id = $1 returning id", company_id
            )
            if gone is None:
                raise not_found()
            await announce_unlinked(conn, events, linked)
