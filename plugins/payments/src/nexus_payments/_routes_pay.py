"""``/pay/{tenant}/{checkout_id}``: the checkout link a customer follows (a visitor route).

The first visit opens the provider's page (outside any transaction of ours) and keeps its
address; every visit while the checkout is open redirects (303) to it. A paid checkout
sends the customer to its ``return_url`` (409 without one); an expired or failed one
answers 409.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, NoReturn
from uuid import UUID

import msgspec
from litestar import Controller, Request, get
from litestar.exceptions import HTTPException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath
from litestar.response import Redirect
from nexus_hookspecs.http import Db, TenantSettings, conflict, not_found, route_opt

from nexus_payments._checkouts import tenant_slug
from nexus_payments._currencies import plain
from nexus_payments._flow import account, checkout_info
from nexus_payments._limits import throttle
from nexus_payments._port import ProviderError
from nexus_payments._settings import PaymentsSettings

__all__ = ("PayController", "provider_failed")


class Status(msgspec.Struct, kw_only=True):
    """Where a checkout stands, for the customer back from the provider's page."""

    status: str
    amount: str
    currency: str
    description: str


_PER_CLIENT = "60/minute"


def provider_failed(exc: ProviderError) -> NoReturn:
    """Answer 424 (Failed Dependency) naming what the provider said."""
    raise HTTPException(str(exc), status_code=424) from exc


class PayController(Controller):
    """The customer's checkout link."""

    path = "/pay/{tenant:str}"
    tags = ["payments: pay"]
    opt = route_opt(access="visitor")

    @get(
        "/{checkout_id:uuid}",
        status_code=303,
        responses={
            409: ResponseSpec(None, description="The checkout is paid, expired or failed"),
            424: ResponseSpec(None, description="The provider refused or was unreachable"),
        },
    )
    async def pay(
        self,
        request: Request[Any, Any, Any],
        tenant: FromPath[str],
        checkout_id: FromPath[UUID],
        db: Db,
        settings: TenantSettings[PaymentsSettings],
    ) -> Redirect:
        """Send the customer to the provider's page for the checkout (opened on first visit)."""
        throttle(request, _PER_CLIENT, "pay", tenant)
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "select * from payments_checkout where id = $1 for update", checkout_id
            )
            if row is None:
                not_found()
            if (
                row["status"] == "open"
                and row["expires_at"]
                and row["expires_at"] < datetime.now(UTC)
            ):
                await conn.execute(
                    "update payments_checkout set status = 'expired', updated_at = now() "
                    "where id = $1",
                    checkout_id,
                )
                row = {**dict(row), "status": "expired"}
            provider = await account(conn, row["provider"]) if row["status"] == "open" else None
            slug = await tenant_slug(conn)
        if row["status"] == "paid" and row["return_url"]:
            return Redirect(path=row["return_url"], status_code=303)
        if row["status"] != "open" or provider is None:
            conflict(f"this checkout is {row['status']}")
        if row["provider_url"]:
            return Redirect(path=row["provider_url"], status_code=303)
        fallback = f"{settings.public_base_url}/api/v1/payments/pay/{slug}/{checkout_id}/done"
        try:
            opened = await provider.open(checkout_info(row, slug=slug, return_url=fallback))
        except ProviderError as exc:
            provider_failed(exc)
        async with db.transaction() as conn:
            kept = await conn.fetchval(
                "update payments_checkout set provider_ref = coalesce(provider_ref, $2), "
                "provider_url = coalesce(provider_url, $3), updated_at = now() "
                "where id = $1 returning provider_url",
                checkout_id,
                opened.ref,
                opened.url,
            )
        return Redirect(path=str(kept or opened.url), status_code=303)

    @get("/{checkout_id:uuid}/done")
    async def done(
        self,
        request: Request[Any, Any, Any],
        tenant: FromPath[str],
        checkout_id: FromPath[UUID],
        db: Db,
    ) -> Status:
        """Where the checkout stands: the page a customer without ``return_url`` comes back to.

        ``paid`` once the provider's webhook was verified; ``open`` until then.
        """
        throttle(request, _PER_CLIENT, "done", tenant)
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "select status, amount, currency, description from payments_checkout where id = $1",
                checkout_id,
            )
        if row is None:
            not_found()
        return Status(
            status=row["status"],
            amount=str(plain(row["amount"])),
            currency=row["currency"],
            description=row["description"],
        )
