"""``/providers``: provider credentials, kept encrypted and never answered back."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, get, post, put
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath
from nexus_hookspecs.http import Db, TenantSettings, route_opt

from nexus_vas._credentials import providers, rotate_all, store
from nexus_vas._examples import body
from nexus_vas._keys import PROVIDERS_MANAGE
from nexus_vas._secrets import sign_token
from nexus_vas._settings import VasSettings
from nexus_vas._tenants import tenant_slug

__all__ = ("ProviderController",)

ProviderName = Literal["africastalking", "flutterwave"]
_NO_KEYS = {409: ResponseSpec(None, description="NEXUS_VAS_KEYS is not configured")}


class ProviderOut(msgspec.Struct, kw_only=True):
    """A provider with credentials, and when they were last set (never the credentials)."""

    provider: str
    updated_at: datetime


class CallbackUrl(msgspec.Struct, kw_only=True):
    """A URL to give a provider."""

    url: str


class Rotated(msgspec.Struct, kw_only=True):
    """How many stored secrets were re-encrypted with the newest key."""

    rotated: int


class ProviderController(Controller):
    """Provider credentials of the tenant."""

    path = "/providers"
    tags = ["vas: providers"]
    opt = route_opt(permission=PROVIDERS_MANAGE)

    @put("/{provider:str}", responses=_NO_KEYS)
    async def set_provider(
        self,
        db: Db,
        provider: FromPath[ProviderName],
        data: Annotated[dict[str, Any], body("PUT /providers/{provider}", "Africa's Talking")],
    ) -> ProviderOut:
        """Keep a provider's credentials, encrypted (Fernet), replacing the last ones.

        ``africastalking``: ``username``, ``api_key``, ``data_product`` (the Mobile Data
        product), ``base_url`` and ``data_base_url``. ``flutterwave``: ``secret_key``,
        ``secret_hash`` (the webhook's ``verif-hash``), ``base_url``. They are never
        answered back.
        """
        async with db.transaction() as conn:
            await store(conn, provider, data)
            rows = await providers(conn)
        return next(msgspec.convert(r, ProviderOut) for r in rows if r["provider"] == provider)

    @get("/")
    async def list_providers(self, db: Db) -> list[ProviderOut]:
        """The providers that have credentials (names and dates only)."""
        async with db.transaction() as conn:
            return [msgspec.convert(r, ProviderOut) for r in await providers(conn)]

    @get("/{provider:str}/callback", responses=_NO_KEYS)
    async def callback_url(
        self, db: Db, provider: FromPath[ProviderName], settings: TenantSettings[VasSettings]
    ) -> CallbackUrl:
        """The status callback URL to set in the provider's dashboard.

        Africa's Talking signs nothing: its URL carries a token signed with VAS's key, for
        this tenant only. Flutterwave's webhook is checked by its ``verif-hash`` header.
        """
        async with db.transaction() as conn:
            slug = await tenant_slug(conn)
        base = f"{settings.public_base_url}/api/v1/vas/callbacks/{slug}"
        if provider == "flutterwave":
            return CallbackUrl(url=f"{base}/flutterwave")
        return CallbackUrl(url=f"{base}/africastalking/{sign_token('africastalking', {'t': slug})}")

    @post("/rotate", status_code=200, responses=_NO_KEYS)
    async def rotate_keys(self, db: Db) -> Rotated:
        """Re-encrypt the tenant's credentials with the newest key of ``NEXUS_VAS_KEYS``."""
        async with db.transaction() as conn:
            return Rotated(rotated=await rotate_all(conn))
