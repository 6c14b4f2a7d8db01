"""``/payments``: confirmed payments, their refunds, and the fees and payouts report."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery
from nexus_hookspecs.http import (
    Cursor,
    Db,
    Events,
    Limit,
    Page,
    after_id,
    invalid,
    not_found,
    page_of,
    route_opt,
)

from nexus_payments._currencies import plain
from nexus_payments._examples import body
from nexus_payments._flow import account
from nexus_payments._keys import PAYMENTS_READ, REFUNDS_WRITE
from nexus_payments._port import ProviderError
from nexus_payments._refunds import RefundIn, RefundOut, finish, load_refunds, release, reserve
from nexus_payments._routes_pay import provider_failed

__all__ = ("PaymentController", "ReportController")


class PaymentOut(msgspec.Struct, kw_only=True):
    """A confirmed payment, and what was refunded of it."""

    id: UUID
    checkout_id: UUID
    source: str
    source_ref: str
    invoice_id: UUID | None
    provider: str
    provider_ref: str
    amount: Decimal
    currency: str
    fee: Decimal
    net: Decimal
    refunded: Decimal
    method: str
    confirmed_at: datetime
    refunds: list[RefundOut] = []


class FeeLine(msgspec.Struct, kw_only=True):
    """One provider and currency of the report."""

    provider: str
    currency: str
    payments: int
    gross: Decimal
    fees: Decimal
    net: Decimal
    refunded: Decimal
    payout: Decimal


class FeeReport(msgspec.Struct, kw_only=True):
    """Payments confirmed between two days, by provider and currency."""

    date_from: date
    date_to: date
    lines: list[FeeLine]


_SELECT = (
    "select p.*, c.source, c.source_ref, c.invoice_id from payments_payment p "
    "join payments_checkout c on c.id = p.checkout_id "
)


def _out(row: Any, refunds: list[RefundOut] | None = None) -> PaymentOut:
    return PaymentOut(
        id=row["id"],
        checkout_id=row["checkout_id"],
        source=row["source"],
        source_ref=row["source_ref"],
        invoice_id=row["invoice_id"],
        provider=row["provider"],
        provider_ref=row["provider_ref"],
        amount=plain(row["amount"]),
        currency=row["currency"],
        fee=plain(row["fee"]),
        net=plain(row["net"]),
        refunded=plain(row["refunded"]),
        method=row["method"],
        confirmed_at=row["confirmed_at"],
        refunds=refunds or [],
    )


class PaymentController(Controller):
    """Payments of the tenant."""

    path = "/payments"
    tags = ["payments: payments"]

    @get("/", opt=route_opt(permission=PAYMENTS_READ))
    async def list_payments(
        self,
        db: Db,
        source: FromQuery[str | None] = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[PaymentOut]:
        """Confirmed payments, oldest first; of one ``source`` if asked."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                _SELECT + "where ($1::uuid is null or p.id > $1) "
                "and ($2::text is null or c.source = $2) order by p.id limit $3",
                after_id(cursor),
                source,
                limit + 1,
            )
        return page_of([_out(row) for row in rows], limit)

    @get("/{payment_id:uuid}", opt=route_opt(permission=PAYMENTS_READ))
    async def show_payment(self, db: Db, payment_id: FromPath[UUID]) -> PaymentOut:
        """One payment with its refunds."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(_SELECT + "where p.id = $1", payment_id)
            if row is None:
                not_found()
            return _out(row, await load_refunds(conn, payment_id))

    @post(
        "/{payment_id:uuid}/refunds",
        opt=route_opt(permission=REFUNDS_WRITE),
        responses={
            409: ResponseSpec(None, description="The payment is refunded in full already"),
            424: ResponseSpec(None, description="The provider refused or was unreachable"),
        },
    )
    async def refund(
        self,
        db: Db,
        events: Events,
        payment_id: FromPath[UUID],
        data: Annotated[RefundIn, body("POST /payments/{payment_id}/refunds", "A part")],
    ) -> RefundOut:
        """Refund all (no ``amount``) or part of a payment through its provider.

        ``completed`` publishes ``payments.refund.completed.v1`` (Finance reverses what it
        booked); ``pending`` completes when the provider's webhook says so. 422 when the
        amount is more than is left; 424 (nothing refunded) when the provider refuses.
        """
        async with db.transaction() as conn:
            reserved = await reserve(conn, payment_id, data)
            port = await account(conn, reserved["payment"]["provider"])
        refund = reserved["refund"]
        try:
            result = await port.refund(
                reserved["payment"]["provider_ref"], refund["amount"], refund["currency"]
            )
        except ProviderError as exc:
            async with db.transaction() as conn:
                await release(conn, refund["id"], str(exc))
            provider_failed(exc)
        except ValueError as exc:
            async with db.transaction() as conn:
                await release(conn, refund["id"], str(exc))
            invalid("amount", str(exc))
        async with db.transaction() as conn:
            return await finish(conn, events, refund["id"], result)


class ReportController(Controller):
    """Reports of the tenant's payments."""

    path = "/reports"
    tags = ["payments: reports"]
    opt = route_opt(permission=PAYMENTS_READ)

    @get("/fees")
    async def fees(self, db: Db, date_from: FromQuery[date], date_to: FromQuery[date]) -> FeeReport:
        """Gross, fees, net, refunds and payout (net less refunds) by provider and currency.

        Over the payments confirmed from ``date_from`` to ``date_to`` (UTC days, inclusive).
        """
        if date_to < date_from:
            invalid("date_to", "date_to is before date_from", source="query")
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select provider, currency, count(*) as payments, sum(amount) as gross, "
                "sum(fee) as fees, sum(net) as net, sum(refunded) as refunded "
                "from payments_payment where (confirmed_at at time zone 'UTC')::date "
                "between $1 and $2 group by provider, currency order by provider, currency",
                date_from,
                date_to,
            )
        return FeeReport(
            date_from=date_from,
            date_to=date_to,
            lines=[
                FeeLine(
                    provider=row["provider"],
                    currency=row["currency"],
                    payments=row["payments"],
                    gross=plain(row["gross"]),
                    fees=plain(row["fees"]),
                    net=plain(row["net"]),
                    refunded=plain(row["refunded"]),
                    payout=plain(row["net"] - row["refunded"]),
                )
                for row in rows
            ],
        )
