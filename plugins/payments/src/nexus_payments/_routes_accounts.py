"""``/accounts``: provider accounts and their keys, kept encrypted and never answered back."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from litestar import Controller, get, post, put
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath
from nexus_hookspecs.http import Db, TenantSettings, route_opt

from nexus_payments._accounts import AccountIn, AccountOut, list_accounts, rotate_all, store
from nexus_payments._checkouts import tenant_slug
from nexus_payments._examples import body
from nexus_payments._keys import ACCOUNTS_MANAGE
from nexus_payments._settings import PaymentsSettings

__all__ = ("AccountController",)

ProviderName = Literal["stripe", "paystack", "flutterwave"]
_NO_KEYS = {409: ResponseSpec(None, description="NEXUS_PAYMENTS_KEYS is not configured")}


class WebhookUrl(msgspec.Struct, kw_only=True):
    """The URL to give the provider for its webhooks."""

    url: str


class Rotated(msgspec.Struct, kw_only=True):
    """How many accounts' keys were re-encrypted with the newest key."""

    rotated: int


class AccountController(Controller):
    """The tenant's provider accounts."""

    path = "/accounts"
    tags = ["payments: accounts"]
    opt = route_opt(permission=ACCOUNTS_MANAGE)

    @put("/{provider:str}", responses=_NO_KEYS)
    async def set_account(
        self,
        db: Db,
        provider: FromPath[ProviderName],
        data: Annotated[AccountIn, body("PUT /accounts/{provider}", "Paystack")],
    ) -> AccountOut:
        """Keep a provider account's keys, encrypted (Fernet), replacing the last ones.

        ``stripe``: ``secret_key`` (``sk_…``) and ``webhook_secret`` (``whsec_…``, the
        endpoint's signing secret). ``paystack``: ``secret_key`` (it also signs webhooks).
        ``flutterwave``: ``secret_key`` (``FLWSECK…``) and ``secret_hash`` (the webhook hash
        set in the dashboard). ``currencies`` narrows what the account takes (422 naming a
        currency the provider never takes); ``default`` makes it the tenant's default. The
        keys are never answered back.
        """
        async with db.transaction() as conn:
            await store(conn, provider, data)
            accounts = await list_accounts(conn)
        return next(a for a in accounts if a.provider == provider)

    @get("/")
    async def list_all(self, db: Db) -> list[AccountOut]:
        """The tenant's accounts: providers, currencies, default (never the keys)."""
        async with db.transaction() as conn:
            return await list_accounts(conn)

    @get("/{provider:str}/webhook")
    async def webhook_url(
        self, db: Db, provider: FromPath[ProviderName], settings: TenantSettings[PaymentsSettings]
    ) -> WebhookUrl:
        """The webhook URL to set in the provider's dashboard for this tenant."""
        async with db.transaction() as conn:
            slug = await tenant_slug(conn)
        return WebhookUrl(
            url=f"{settings.public_base_url}/api/v1/payments/webhooks/{slug}/{provider}"
        )

    @post("/rotate", status_code=200, responses=_NO_KEYS)
    async def rotate_keys(self, db: Db) -> Rotated:
        """Re-encrypt the tenant's keys with the newest key of ``NEXUS_PAYMENTS_KEYS``."""
        async with db.transaction() as conn:
            return Rotated(rotated=await rotate_all(conn))
