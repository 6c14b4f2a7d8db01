"""Routes for customers and suppliers."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, get, patch, post
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs.http import (
    Cursor,
    Db,
    Limit,
    Page,
    after_id,
    not_found,
    page_of,
    route_opt,
)

from nexus_finance._examples import body
from nexus_finance._keys import PARTNERS_READ, PARTNERS_WRITE
from nexus_finance._partners import (
    ADDRESS,
    COLUMNS,
    PartnerChanges,
    PartnerIn,
    PartnerKind,
    PartnerOut,
    check_position,
    checked_address,
    insert,
)

__all__ = ("PartnerController",)

_READ = route_opt(permission=PARTNERS_READ)
_WRITE = route_opt(permission=PARTNERS_WRITE)


class PartnerController(Controller):
    """Customers and suppliers."""

    path = "/partners"
    tags = ["finance: partners"]

    @get("/", summary="List partners", opt=_READ)
    async def list_partners(
        self,
        db: Db,
        kind: Annotated[PartnerKind | None, QueryParameter(description="Only this kind.")] = None,
        partner_ref: Annotated[
            UUID | None, QueryParameter(description="Only the partner linked to this CRM company.")
        ] = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[PartnerOut]:
        """Customers and suppliers, in creation order."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                f"select {COLUMNS} from finance_partner where ($1::text is null or kind = $1) "
                "and ($2::uuid is null or partner_ref = $2) and ($3::uuid is null or id > $3) "
                "order by id limit $4",
                kind,
                partner_ref,
                after_id(cursor),
                limit + 1,
            )
        return page_of([msgspec.convert(dict(r), PartnerOut) for r in rows], limit)

    @post("/", summary="Create a partner", opt=_WRITE)
    async def create_partner(
        self,
        db: Db,
        data: Annotated[PartnerIn, body("POST /partners", "A supplier")],
    ) -> PartnerOut:
        """Add a customer or supplier; 409 if another already links ``partner_ref``.

        Nothing is booked; ``tax_exempt`` and ``fiscal_position_id`` change the taxes its
        future drafts get by default.
        """
        async with db.transaction() as conn:
            partner_id = await insert(conn, data)
            row = await conn.fetchrow(
                f"select {COLUMNS} from finance_partner where id = $1", partner_id
            )
        return msgspec.convert(dict(row or {}), PartnerOut)

    @get("/{partner_id:uuid}", summary="Show a partner", opt=_READ)
    async def show_partner(self, db: Db, partner_id: FromPath[UUID]) -> PartnerOut:
        """One partner."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                f"select {COLUMNS} from finance_partner where id = $1", partner_id
            )
        if row is None:
            not_found()
        return msgspec.convert(dict(row), PartnerOut)

    @patch("/{partner_id:uuid}", summary="Change a partner", opt=_WRITE)
    async def change_partner(
        self,
        db: Db,
        partner_id: FromPath[UUID],
        data: Annotated[PartnerChanges, body("PATCH /partners/{partner_id}", "A billing address")],
    ) -> PartnerOut:
        """Rename a partner, change its kind, email, address or tax id (checked for its country).

        Also its taxes: ``tax_exempt`` (its sales drafts carry no default tax) and its own
        ``fiscal_position_id`` (422 naming it when unknown). No effect in the ledger: posted
        documents keep their partner and taxes; PDFs and e-invoices print the partner's
        details as they are when rendered.
        """
        async with db.transaction() as conn:
            current = await conn.fetchrow(
                f"select {ADDRESS} from finance_partner where id = $1 for update", partner_id
            )
            if current is None:
                not_found()
            changes = {
                name: getattr(data, name)
                for name in ADDRESS.split(", ")
                if getattr(data, name) is not None
            }
            address = checked_address({**dict(current), **changes})
            await check_position(conn, data.fiscal_position_id)
            row = await conn.fetchrow(
                "update finance_partner set name = coalesce($2, name), kind = coalesce($3, kind), "
                "email = coalesce($4, email), address_line1 = $5, address_line2 = $6, "
                "postal_code = $7, city = $8, country = $9, tax_id = $10, "
                "tax_exempt = coalesce($11, tax_exempt), "
                "fiscal_position_id = coalesce($12, fiscal_position_id) "
                f"where id = $1 returning {COLUMNS}",
                partner_id,
                data.name,
                data.kind,
                data.email,
                *address,
                data.tax_exempt,
                data.fiscal_position_id,
            )
        if row is None:
            not_found()
        return msgspec.convert(dict(row), PartnerOut)
