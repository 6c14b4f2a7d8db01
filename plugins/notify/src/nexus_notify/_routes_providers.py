"""``/providers``: provider credentials, kept encrypted and never answered back."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, get, post, put
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath
from nexus_hookspecs.http import Db, TenantSettings, route_opt

from nexus_notify._credentials import providers, rotate_all, store
from nexus_notify._examples import body
from nexus_notify._keys import PROVIDERS_MANAGE
from nexus_notify._secrets import sign_token
from nexus_notify._send import tenant_slug
from nexus_notify._settings import NotifySettings

__all__ = ("ProviderController",)

ProviderName = Literal["twilio", "africastalking", "whatsapp", "smtp"]


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
    tags = ["notify: providers"]
    opt = route_opt(permission=PROVIDERS_MANAGE)

    @put("/{provider:str}")
    async def set_provider(
        self,
        db: Db,
        provider: FromPath[ProviderName],
        data: Annotated[dict[str, Any], body("PUT /providers/{provider}", "Twilio")],
    ) -> ProviderOut:
        """Keep a provider's credentials, encrypted (Fernet), replacing the last ones.

        ``twilio``: ``account_sid``, ``auth_token``, ``from_number`` or
        ``messaging_service_sid``. ``africastalking``: ``username``, ``api_key``,
        ``sender_id``. ``whatsapp``: ``phone_number_id``, ``access_token``, ``app_secret``,
        ``verify_token``, ``api_version``. ``smtp``: ``host``, ``port``, ``username``,
        ``password``, ``start_tls``. Each takes an optional ``base_url``. They are never
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

    @get(
        "/africastalking/callback",
        responses={409: ResponseSpec(None, description="NEXUS_NOTIFY_KEYS is not configured")},
    )
    async def africastalking_callback(
        self, db: Db, settings: TenantSettings[NotifySettings]
    ) -> CallbackUrl:
        """The delivery-report URL to set in Africa's Talking's dashboard.

        Africa's Talking signs nothing: the URL carries a token signed with notify's key,
        for this tenant only.
        """
        async with db.transaction() as conn:
            slug = await tenant_slug(conn)
        token = sign_token("africastalking", {"t": slug})
        return CallbackUrl(
            url=f"{settings.public_base_url}/api/v1/notify/callbacks/{slug}/africastalking/{token}"
        )

    @post("/rotate", status_code=200)
    async def rotate_keys(self, db: Db) -> Rotated:
        """Re-encrypt the tenant's secrets with the newest key of ``NEXUS_NOTIFY_KEYS``."""
        async with db.transaction() as conn:
            return Rotated(rotated=await rotate_all(conn))
