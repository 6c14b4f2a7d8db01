"""``/airtime``, ``/data``, ``/bills``: purchases from the wallet; ``/transactions``; billers."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, Response, get, post
from litestar.exceptions import HTTPException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery
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

from nexus_vas._credentials import require
from nexus_vas._errors import ProviderError
from nexus_vas._examples import body
from nexus_vas._flow import buy, confirm, request_unit
from nexus_vas._flutterwave import billers
from nexus_vas._keys import TRANSACTIONS_READ, TRANSACTIONS_WRITE
from nexus_vas._models import AirtimeIn, Biller, BillIn, DataIn, TransactionOut
from nexus_vas._purchases import COLUMNS, product_of
from nexus_vas._settings import VasSettings

__all__ = ("PurchaseController",)

_BUY_RESPONSES = {
    200: ResponseSpec(TransactionOut, description="The idempotency key was used before"),
    409: ResponseSpec(None, description="No credentials for the provider, or the wallet is short"),
    429: ResponseSpec(None, description="A daily limit (with `limit`, `used`, `amount`)"),
}


def _out(row: dict[str, Any]) -> TransactionOut:
    return msgspec.convert({**row, "product": product_of(row)}, TransactionOut)


def _answer(row: dict[str, Any], created: bool) -> Response[TransactionOut]:
    return Response(_out(row), status_code=201 if created else 200)


class PurchaseController(Controller):
    """Airtime, data bundles and bills, paid from the wallet."""

    path = "/"
    tags = ["vas: purchases"]

    @post("/airtime", opt=route_opt(permission=TRANSACTIONS_WRITE), responses=_BUY_RESPONSES)
    async def buy_airtime(
        self,
        db: Db,
        events: Events,
        settings: TenantSettings[VasSettings],
        data: Annotated[AirtimeIn, body("POST /airtime", "100 KES of airtime")],
    ) -> Response[TransactionOut]:
        """Send airtime through Africa's Talking, debiting the wallet.

        The wallet is debited first (409 when it is short; 422/429 over a limit), then the
        provider is asked: ``submitted`` when it took the order (its status callback settles
        it), ``failed`` and credited back when it refused, ``pending`` when it did not answer
        (``POST /transactions/{id}/reconcile`` asks again). The same ``idempotency_key``
        answers the first purchase (200). ``price``, when the tenant resells it, is what its
        customer paid (cash at the till): Finance books it as revenue.
        """
        currency = data.currency or settings.currency
        row, created = await buy(
            db,
            events,
            settings,
            kind="airtime",
            key=data.idempotency_key,
            recipient=data.phone_number,
            amount=data.amount,
            currency=currency,
            price=data.price,
            product={},
            description=f"Airtime {data.amount:f} {currency} to {data.phone_number}",
        )
        return _answer(row, created)

    @post("/data", opt=route_opt(permission=TRANSACTIONS_WRITE), responses=_BUY_RESPONSES)
    async def buy_data(
        self,
        db: Db,
        events: Events,
        settings: TenantSettings[VasSettings],
        data: Annotated[DataIn, body("POST /data", "A 500 MB day bundle")],
    ) -> Response[TransactionOut]:
        """Send a data bundle through Africa's Talking's Mobile Data API, debiting ``amount``.

        ``product_name`` defaults to the ``data_product`` of the tenant's Africa's Talking
        credentials. Otherwise as ``POST /airtime``.
        """
        currency = data.currency or settings.currency
        bundle = f"{data.quantity} {data.unit} ({data.validity})"
        row, created = await buy(
            db,
            events,
            settings,
            kind="data",
            key=data.idempotency_key,
            recipient=data.phone_number,
            amount=data.amount,
            currency=currency,
            price=data.price,
            product={
                "quantity": data.quantity,
                "unit": data.unit,
                "validity": data.validity,
                "product_name": data.product_name,
            },
            description=f"Data {bundle} to {data.phone_number}",
        )
        return _answer(row, created)

    @post("/bills", opt=route_opt(permission=TRANSACTIONS_WRITE), responses=_BUY_RESPONSES)
    async def pay_bill(
        self,
        db: Db,
        events: Events,
        settings: TenantSettings[VasSettings],
        data: Annotated[BillIn, body("POST /bills", "A prepaid electricity token")],
    ) -> Response[TransactionOut]:
        """Pay an electricity or TV bill through Flutterwave's Bills API, debiting the wallet.

        ``biller_name`` is the ``type`` Flutterwave expects (``GET /billers`` lists them);
        the status comes from Flutterwave's webhook or a reconciliation, confirmed with
        ``GET /v3/bills/{reference}``. Otherwise as ``POST /airtime``.
        """
        currency = data.currency or settings.currency
        row, created = await buy(
            db,
            events,
            settings,
            kind="bill",
            key=data.idempotency_key,
            recipient=data.customer,
            amount=data.amount,
            currency=currency,
            price=data.price,
            product={
                "category": data.category,
                "biller_name": data.biller_name,
                "biller_code": data.biller_code,
                "item_code": data.item_code,
                "country": settings.country,
            },
            description=f"{data.biller_name} bill {data.amount:f} {currency} for {data.customer}",
        )
        return _answer(row, created)

    @get("/transactions", opt=route_opt(permission=TRANSACTIONS_READ))
    async def list_transactions(
        self, db: Db, cursor: Cursor = None, limit: Limit = 50
    ) -> Page[TransactionOut]:
        """Purchases, oldest first."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                f"select {COLUMNS} from vas_transaction "
                "where ($1::uuid is null or id > $1) order by id limit $2",
                after_id(cursor),
                limit + 1,
            )
        return page_of([_out(dict(row)) for row in rows], limit)

    @get("/transactions/{transaction_id:uuid}", opt=route_opt(permission=TRANSACTIONS_READ))
    async def show_transaction(self, db: Db, transaction_id: FromPath[UUID]) -> TransactionOut:
        """One purchase and its status; another tenant's answers 404."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                f"select {COLUMNS} from vas_transaction where id = $1", transaction_id
            )
        if row is None:
            not_found()
        return _out(dict(row))

    @post(
        "/transactions/{transaction_id:uuid}/reconcile",
        status_code=200,
        opt=route_opt(permission=TRANSACTIONS_WRITE),
        responses={409: ResponseSpec(None, description="No credentials for the provider")},
    )
    async def reconcile(
        self, db: Db, events: Events, transaction_id: FromPath[UUID]
    ) -> TransactionOut:
        """Ask the provider's status API what became of a purchase, and settle it.

        A success publishes ``vas.purchase.completed.v1``, a failure credits the wallet back
        (once); a failed purchase is answered as it is.
        """
        row, _ = await confirm(request_unit(db, events), transaction_id)
        if row is None:
            not_found()
        return _out(row)

    @get(
        "/billers",
        opt=route_opt(permission=TRANSACTIONS_READ),
        responses={
            409: ResponseSpec(None, description="No Flutterwave credentials"),
            502: ResponseSpec(None, description="Flutterwave refused or did not answer"),
        },
    )
    async def list_billers(
        self,
        db: Db,
        settings: TenantSettings[VasSettings],
        category: FromQuery[Literal["electricity", "tv"]],
    ) -> list[Biller]:
        """The electricity or TV billers Flutterwave offers in the tenant's country."""
        async with db.transaction() as conn:
            config = await require(conn, "flutterwave")
        try:
            items = await billers(config, category=category, country=settings.country)
        except ProviderError as exc:
            raise _unavailable(str(exc)) from exc
        listed = []
        for item in items:
            try:
                listed.append(msgspec.convert(item, Biller, strict=False))
            except msgspec.ValidationError:
                continue  # an item of a shape this version does not know
        return listed


def _unavailable(detail: str) -> HTTPException:
    return HTTPException(f"Flutterwave did not list billers: {detail}", status_code=502)
