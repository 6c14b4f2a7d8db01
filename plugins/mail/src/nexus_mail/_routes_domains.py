"""Mail domains: add one, show the DNS records to publish, check them, remove it."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, Response, delete, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath
from nexus_hookspecs.http import Db, TenantSettings, route_opt

from nexus_mail._domains import (
    DomainOut,
    check_domain,
    create_domain,
    delete_domain,
    domain_out,
    load_domain,
)
from nexus_mail._examples import body
from nexus_mail._keys import DOMAINS_READ, DOMAINS_WRITE
from nexus_mail._settings import MailSettings

__all__ = ("DomainController", "DomainCreate")

DomainName = Annotated[
    str,
    msgspec.Meta(
        min_length=3,
        max_length=253,
        pattern=r"^(?=.{3,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}\.?$",
    ),
]


class DomainCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A domain to send and receive mail for."""

    domain: DomainName


class CheckRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A DNS check (no fields)."""


class DomainController(Controller):
    path = "/domains"

    @get("/", opt=route_opt(permission=DOMAINS_READ))
    async def list_domains(self, db: Db, settings: TenantSettings[MailSettings]) -> list[DomainOut]:
        """The tenant's mail domains with the records to publish, by name."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select id, domain, selector, public_key, verified, checked_at, last_check, "
                "created_at from mail_domain order by domain"
            )
        return [domain_out(row, settings) for row in rows]

    @post(
        "/",
        status_code=201,
        opt=route_opt(permission=DOMAINS_WRITE),
        responses={200: ResponseSpec(DomainOut, description="The tenant has this domain already")},
    )
    async def add_domain(
        self,
        db: Db,
        settings: TenantSettings[MailSettings],
        data: Annotated[DomainCreate, body("POST /domains", "A domain")],
    ) -> Response[DomainOut]:
        """Add a domain with a new DKIM key; answers the MX, SPF, DKIM and DMARC records.

        A domain the tenant has already answers 200 with that one (its key unchanged).
        """
        async with db.transaction() as conn:
            row, created = await create_domain(conn, domain=data.domain, settings=settings)
        return Response(domain_out(row, settings), status_code=201 if created else 200)

    @get("/{domain_id:uuid}", opt=route_opt(permission=DOMAINS_READ))
    async def show_domain(
        self, db: Db, settings: TenantSettings[MailSettings], domain_id: FromPath[UUID]
    ) -> DomainOut:
        """One domain, its records and the last check; another tenant's answers 404."""
        async with db.transaction() as conn:
            row = await load_domain(conn, domain_id)
        return domain_out(row, settings)

    @post("/{domain_id:uuid}/check", status_code=200, opt=route_opt(permission=DOMAINS_WRITE))
    async def check(
        self,
        db: Db,
        settings: TenantSettings[MailSettings],
        domain_id: FromPath[UUID],
        data: Annotated[CheckRequest, body("POST /domains/{domain_id}/check", "Check")],
    ) -> DomainOut:
        """Look the records up in DNS; MX and DKIM right → verified: its mail comes here."""
        del data
        async with db.transaction() as conn:
            row = await load_domain(conn, domain_id)
            row = await check_domain(conn, row, settings=settings)
        return domain_out(row, settings)

    @delete("/{domain_id:uuid}", opt=route_opt(permission=DOMAINS_WRITE))
    async def remove_domain(self, db: Db, domain_id: FromPath[UUID]) -> None:
        """Remove a domain and its (empty) mailboxes; 409 while they hold messages."""
        async with db.transaction() as conn:
            await delete_domain(conn, domain_id)
