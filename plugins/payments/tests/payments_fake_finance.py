"""A stand-in Finance (tests only): ``finance.documents.get`` over invoices the test sets,
and a caller of ``payments.checkouts.create`` as Shop will call it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from uuid import UUID

import msgspec
from litestar import post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from nexus_hookspecs import (
    Database,
    Manifest,
    Permission,
    Service,
    ServiceContext,
    Services,
    hookimpl,
)
from nexus_hookspecs.http import not_found, route_opt

__all__ = ("DOCUMENTS", "caller", "finance")


class GetDocument(msgspec.Struct, kw_only=True):
    id: UUID


class Document(msgspec.Struct, kw_only=True):
    id: UUID
    kind: str
    number: str | None
    state: str
    partner_id: UUID
    date: dt.date
    total: Decimal
    amount_paid: Decimal
    residual: Decimal
    currency: str


DOCUMENTS: dict[tuple[UUID, UUID], Document] = {}
"""Invoices by (tenant, id), as the test sets them."""


async def get_document(data: GetDocument, ctx: ServiceContext) -> Document:
    found = DOCUMENTS.get((ctx.tenant_id, data.id))
    if found is None:
        not_found()
    return found


class _Finance:
    @hookimpl
    def nexus_manifest(self) -> Manifest:
        return Manifest(name="finance", version="0.0.1", title="finance", hookspecs=">=0.1.2,<0.2")

    @hookimpl
    def nexus_services(self, register: Any) -> None:
        register(
            Service(
                name="finance.documents.get",
                handler=get_document,
                request=GetDocument,
                response=Document,
                description="A stand-in.",
            )
        )


class Opened(msgspec.Struct):
    """The caller's own mirror of the answer."""

    checkout_id: UUID
    provider: str
    url: str
    status: str


@post("/checkout", status_code=200, opt=route_opt(permission="caller.checkouts:write"))
async def checkout(
    data: JSONBody[dict[str, Any]],
    db: NamedDependency[Database],
    services: NamedDependency[Services],
) -> dict[str, Any]:
    """Open a checkout through payments.checkouts.create in this request's transaction."""
    async with db.transaction() as conn:
        opened = await services.call(conn, "payments.checkouts.create", data, result=Opened)
    return msgspec.to_builtins(opened)


class _Caller:
    @hookimpl
    def nexus_manifest(self) -> Manifest:
        return Manifest(
            name="caller",
            version="0.0.1",
            title="caller",
            hookspecs=">=0.1.2,<0.2",
            permissions=(Permission(key="caller.checkouts:write", description="Check out."),),
        )

    @hookimpl
    def nexus_routes(self, register: Any) -> None:
        register(checkout)


finance = _Finance()
caller = _Caller()
