"""``/wallet``: the prepaid wallet's balances, its entries, and top-ups an admin records."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, Response, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath
from nexus_hookspecs.http import (
    Cursor,
    Db,
    Events,
    Limit,
    Page,
    TenantSettings,
    after_id,
    not_found,
    page_of,
    route_opt,
)

from nexus_vas._examples import body
from nexus_vas._keys import WALLET_READ, WALLET_WRITE
from nexus_vas._models import EntryOut, TopUpIn, WalletOut
from nexus_vas._settings import VasSettings
from nexus_vas._wallet import fund

__all__ = ("WalletController",)

_ENTRY = (
    "select id, kind, amount, balance, reference, transaction_id, note, created_at "
    "from vas_wallet_entry "
)


class WalletController(Controller):
    """The tenant's prepaid wallet."""

    path = "/wallet"
    tags = ["vas: wallet"]

    @get("/", opt=route_opt(permission=WALLET_READ))
    async def show_wallet(self, db: Db) -> list[WalletOut]:
        """The wallet's balance in each currency it holds."""
        async with db.transaction() as conn:
            rows = await conn.fetch("select currency, balance from vas_wallet order by currency")
        return [msgspec.convert(dict(row), WalletOut) for row in rows]

    @get("/entries", opt=route_opt(permission=WALLET_READ))
    async def list_entries(
        self, db: Db, cursor: Cursor = None, limit: Limit = 50
    ) -> Page[EntryOut]:
        """Every change of the balance, oldest first: fundings, purchases, reversals."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                _ENTRY + "where ($1::uuid is null or id > $1) order by id limit $2",
                after_id(cursor),
                limit + 1,
            )
        return page_of([msgspec.convert(dict(row), EntryOut) for row in rows], limit)

    @post(
        "/topups",
        opt=route_opt(permission=WALLET_WRITE),
        responses={
            200: ResponseSpec(EntryOut, description="The reference was recorded before"),
            409: ResponseSpec(None, description="The reference was recorded with another amount"),
        },
    )
    async def record_topup(
        self,
        db: Db,
        events: Events,
        settings: TenantSettings[VasSettings],
        data: Annotated[TopUpIn, body("POST /wallet/topups", "A bank transfer to the providers")],
    ) -> Response[EntryOut]:
        """Record a top-up of the wallet and publish ``vas.wallet.funded.v1``.

        The money was sent to the providers' balances (Africa's Talking, Flutterwave) from
        the tenant's bank; Finance books it Dr VAS wallet / Cr Bank. The same ``reference``
        answers the first top-up (200); with another amount, 409. ``currency`` defaults to
        the wallet currency of the tenant's settings.
        """
        async with db.transaction() as conn:
            entry, created = await fund(
                conn,
                events,
                amount=data.amount,
                currency=data.currency or settings.currency,
                reference=data.reference,
                note=data.note,
            )
        return Response(msgspec.convert(entry, EntryOut), status_code=201 if created else 200)

    @get("/topups/{entry_id:uuid}", opt=route_opt(permission=WALLET_READ))
    async def show_topup(self, db: Db, entry_id: FromPath[UUID]) -> EntryOut:
        """One top-up; another tenant's answers 404 like a missing one."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(_ENTRY + "where id = $1 and kind = 'funding'", entry_id)
        if row is None:
            not_found()
        return msgspec.convert(dict(row), EntryOut)
