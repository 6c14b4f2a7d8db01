"""Provider status callbacks: visitor routes per tenant and provider, each verified.

- Africa's Talking signs nothing, and its callback URL is one per account: the URL carries
  a per-tenant token signed with VAS's key (``GET /providers/africastalking/callback``).
- Flutterwave sends its ``verif-hash`` header: the secret hash set in its dashboard, kept
  with the tenant's credentials.

A missing signature answers 401, a wrong one 403, and nothing changes; callbacks are rate
limited per tenant and client address (429). A verified callback
is not believed either: it only names the purchase, whose status VAS then asks the
provider's status API (``_flow.confirm``) before debiting or reversing anything, once.
"""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, post
from litestar.exceptions import (
    NotAuthorizedException,
    PermissionDeniedException,
    TooManyRequestsException,
)
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath
from nexus_hookspecs.http import Db, Events, route_opt

from nexus_vas._credentials import load
from nexus_vas._flow import confirm, request_unit
from nexus_vas._secrets import verify_token
from nexus_vas._throttle import allowed

if TYPE_CHECKING:
    from nexus_hookspecs import Database

__all__ = ("CallbackController",)


_PER_CLIENT = "300/minute"


def _throttle(request: Request[Any, Any, Any], tenant: str) -> None:
    host = request.client.host if request.client else "unknown"
    if not allowed(_PER_CLIENT, "vas-callback", tenant, host):
        raise TooManyRequestsException("too many callbacks from this address")


class Changed(msgspec.Struct, kw_only=True):
    """Whether the callback changed a purchase's status."""

    changed: bool


async def _fields(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """The callback's fields, JSON or form-encoded."""
    if "json" in (request.headers.get("content-type") or ""):
        try:
            payload = msgspec.json.decode(await request.body())
        except msgspec.DecodeError:
            return {}
        return payload if isinstance(payload, dict) else {}
    form = await request.form()
    return {key: str(value) for key, value in form.items()}


async def _find(db: Database, provider: str, refs: list[str]) -> UUID | None:
    ids: list[UUID] = []
    for ref in refs:
        try:
            ids.append(UUID(ref))
        except ValueError:
            continue
    async with db.transaction() as conn:
        found = await conn.fetchval(
            "select id from vas_transaction where provider = $1 "
            "and (provider_ref = any($2::text[]) or id = any($3::uuid[])) limit 1",
            provider,
            refs,
            ids,
        )
    return found if isinstance(found, UUID) else None


class CallbackController(Controller):
    """Status callbacks of Africa's Talking and Flutterwave."""

    path = "/callbacks/{tenant:str}"
    tags = ["vas: callbacks"]
    opt = route_opt(access="visitor")

    @post(
        "/africastalking/{token:str}",
        status_code=200,
        responses={
            403: ResponseSpec(None, description="The token is not this tenant's"),
            409: ResponseSpec(None, description="NEXUS_VAS_KEYS is not configured"),
        },
    )
    async def africastalking_status(
        self,
        request: Request[Any, Any, Any],
        tenant: FromPath[str],
        token: FromPath[str],
        db: Db,
        events: Events,
    ) -> Changed:
        """Africa's Talking's airtime or data status callback, by the tenant's token.

        Airtime posts ``requestId`` and ``status`` (``Success``/``Failed``), data
        ``transactionId`` and ``status``; either is confirmed with ``GET
        /query/transaction/find`` before it counts. A bad token answers 403.
        """
        _throttle(request, tenant)
        if verify_token("africastalking", token) != {"t": tenant}:
            raise PermissionDeniedException("the callback token does not match")
        fields = await _fields(request)
        refs = [str(fields[k]) for k in ("requestId", "transactionId") if fields.get(k)]
        found = await _find(db, "africastalking", refs) if refs else None
        if found is None:
            return Changed(changed=False)
        _, changed = await confirm(request_unit(db, events), found)
        return Changed(changed=changed)

    @post(
        "/flutterwave",
        status_code=200,
        responses={
            401: ResponseSpec(None, description="No verif-hash header"),
            403: ResponseSpec(None, description="The verif-hash is not the tenant's"),
        },
    )
    async def flutterwave_status(
        self, request: Request[Any, Any, Any], tenant: FromPath[str], db: Db, events: Events
    ) -> Changed:
        """Flutterwave's bill payment webhook, checked by its ``verif-hash`` header.

        The bill is found by VAS's reference (``data.customer_reference``,
        ``data.reference``) or Flutterwave's (``flw_ref``, ``tx_ref``), then confirmed with
        ``GET /v3/bills/{reference}``. No header answers 401, a wrong one 403.
        """
        _throttle(request, tenant)
        signature = request.headers.get("verif-hash")
        if not signature:
            raise NotAuthorizedException("verif-hash is missing")
        async with db.transaction() as conn:
            config = await load(conn, "flutterwave")
        expected = str((config or {}).get("secret_hash") or "")
        if not expected or not hmac.compare_digest(signature.encode(), expected.encode()):
            raise PermissionDeniedException("the verif-hash does not match")
        fields = await _fields(request)
        data = fields.get("data") if isinstance(fields.get("data"), dict) else fields
        keys = ("customer_reference", "reference", "flw_ref", "tx_ref")
        refs = [str(data[k]) for k in keys if isinstance(data, dict) and data.get(k)]
        found = await _find(db, "flutterwave", refs) if refs else None
        if found is None:
            return Changed(changed=False)
        _, changed = await confirm(request_unit(db, events), found)
        return Changed(changed=changed)
