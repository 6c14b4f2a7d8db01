"""``/unsubscribe/{tenant}/{token}``: a bulk email's signed unsubscribe link (RFC 8058)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.exceptions import TooManyRequestsException
from litestar.params import FromPath
from nexus_hookspecs import new_id
from nexus_hookspecs.http import Db, not_found, route_opt

from nexus_notify._limits import allowed
from nexus_notify._secrets import verify_token

__all__ = ("UnsubscribeController",)

_PER_CLIENT = "60/minute"


class Unsubscription(msgspec.Struct, kw_only=True):
    """What the link is for, and whether it is done."""

    address: str
    category: str
    unsubscribed: bool


def _claims(tenant: str, token: str) -> dict[str, str]:
    claims = verify_token("unsubscribe", token)
    if claims is None or claims.get("t") != tenant or not claims.get("a") or not claims.get("c"):
        not_found()
    return claims


class UnsubscribeController(Controller):
    """Unsubscribe links of bulk email."""

    path = "/unsubscribe/{tenant:str}/{token:str}"
    tags = ["notify: unsubscribe"]
    opt = route_opt(access="visitor")

    @get("/")
    async def show_unsubscribe(
        self, tenant: FromPath[str], token: FromPath[str], db: Db
    ) -> Unsubscription:
        """What the link unsubscribes, and whether it already did."""
        claims = _claims(tenant, token)
        async with db.transaction() as conn:
            done = await conn.fetchval(
                "select 1 from notify_unsubscribe where address = $1 and category = $2",
                claims["a"].lower(),
                claims["c"],
            )
        return Unsubscription(address=claims["a"], category=claims["c"], unsubscribed=bool(done))

    @post("/", status_code=200)
    async def unsubscribe(
        self, request: Request[Any, Any, Any], tenant: FromPath[str], token: FromPath[str], db: Db
    ) -> Unsubscription:
        """Unsubscribe the link's address from its category (one click; idempotent)."""
        host = request.client.host if request.client else "unknown"
        if not allowed(_PER_CLIENT, "unsubscribe", tenant, host):
            raise TooManyRequestsException("too many requests from this address")
        claims = _claims(tenant, token)
        async with db.transaction() as conn:
            await conn.execute(
                "insert into notify_unsubscribe (id, address, category) values ($1, $2, $3) "
                "on conflict (tenant_id, address, category) do nothing",
                new_id(),
                claims["a"].lower(),
                claims["c"],
            )
        return Unsubscription(address=claims["a"], category=claims["c"], unsubscribed=True)
