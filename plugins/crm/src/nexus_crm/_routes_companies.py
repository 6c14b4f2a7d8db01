"""Companies: the organisations a tenant sells to."""

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

from nexus_crm._companies import (
    BY_NAME,
    CompanyIn,
    CompanyPatch,
    CrmCompanyOut,
    company_page,
    load_company,
    merge,
    save_company,
)
from nexus_crm._examples import body
from nexus_crm._keys import CONTACTS_READ, CONTACTS_WRITE
from nexus_crm._settings import CrmSettings
from nexus_crm._unlink import announce_unlinked, linked_to

__all__ = ("CompanyController",)

_READ = route_opt(permission=CONTACTS_READ)
_WRITE = route_opt(permission=CONTACTS_WRITE)


class CompanySort(enum.StrEnum):
    """Orders of the company list."""

    CREATED = "created"
    NAME = "name"


class CompanyController(Controller):
    """Companies: create, list (with search and tag filters), show, change, delete."""

    path = "/companies"
    tags = ["crm: companies"]

    @get("/", summary="List companies", opt=_READ)
    async def list_companies(
        self,
        db: Db,
        limit: Limit = 50,
        cursor: Cursor = None,
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
        async with db.transaction() as conn:
            return await company_page(
                conn,
                order=BY_NAME if sort is CompanySort.NAME else BY_ID,
                cursor=cursor,
                limit=limit,
                q=q,
                tag_id=tag_id,
                country=country,
            )

    @post("/", summary="Create a company", opt=_WRITE)
    async def create_company(
        self,
        db: Db,
        events: Events,
        settings: TenantSettings[CrmSettings],
        data: Annotated[CompanyIn, body("POST /companies", "A company in Berlin")],
    ) -> CrmCompanyOut:
        """A new company; publishes ``crm.company.created.v1``."""
        async with db.transaction() as conn:
            return await save_company(
                conn,
                data,
                company_id=None,
                events=events,
                fallback_country=settings.default_country,
            )

    @get("/{company_id:uuid}", summary="Show a company", opt=_READ)
    async def show_company(self, db: Db, company_id: FromPath[UUID]) -> CrmCompanyOut:
        """One company."""
        async with db.transaction() as conn:
            company = await load_company(conn, company_id)
        if company is None:
            not_found()
        return company

    @put("/{company_id:uuid}", summary="Replace a company", opt=_WRITE)
    async def replace_company(
        self,
        db: Db,
        events: Events,
        settings: TenantSettings[CrmSettings],
        company_id: FromPath[UUID],
        data: Annotated[
            CompanyIn, body("PUT /companies/{company_id}", "The company, moved to Hamburg")
        ],
    ) -> CrmCompanyOut:
        """Every field of a company; publishes ``crm.company.updated.v1``."""
        async with db.transaction() as conn:
            return await save_company(
                conn,
                data,
                company_id=company_id,
                events=events,
                fallback_country=settings.default_country,
            )

    @patch("/{company_id:uuid}", summary="Change a company", opt=_WRITE)
    async def change_company(
        self,
        db: Db,
        events: Events,
        settings: TenantSettings[CrmSettings],
        company_id: FromPath[UUID],
        data: Annotated[CompanyPatch, body("PATCH /companies/{company_id}", "A new city")],
    ) -> CrmCompanyOut:
        """Some fields of a company; publishes ``crm.company.updated.v1``."""
        async with db.transaction() as conn:
            current = await load_company(conn, company_id)
            if current is None:
                not_found()
            return await save_company(
                conn,
                merge(current, data, CompanyIn),
                company_id=company_id,
                events=events,
                fallback_country=settings.default_country,
            )

    @delete("/{company_id:uuid}", summary="Delete a company", opt=_WRITE)
    async def delete_company(self, db: Db, events: Events, company_id: FromPath[UUID]) -> None:
        """Delete a company: its contacts and deals stay, unlinked; its activities go.

        Each unlinked contact and deal is announced with its ``*.updated.v1`` event.
        """
        async with db.transaction() as conn:
            linked = await linked_to(conn, "company_id", company_id)
            gone = await conn.fetchval(
                "delete from crm_company where id = $1 returning id", company_id
            )
            if gone is None:
                not_found()
            await announce_unlinked(conn, events, linked)
