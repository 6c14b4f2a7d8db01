"""Provider credentials per tenant: validated, encrypted at rest, never answered back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import invalid

from nexus_notify._secrets import decrypt, encrypt, rotate

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

__all__ = ("PROVIDERS", "load", "providers", "rotate_all", "store")


class Twilio(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Twilio: account SID, auth token (also the callbacks' signing key), a sender."""

    account_sid: str
    auth_token: str
    from_number: str | None = None
    messaging_service_sid: str | None = None
    base_url: str | None = None


class AfricasTalking(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Africa's Talking: the app's username and API key, an optional sender id."""

    username: str
    api_key: str
    sender_id: str | None = None
    base_url: str | None = None


class WhatsApp(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """WhatsApp Cloud API: phone number id, access token, app secret, verify token."""

    phone_number_id: str
    access_token: str
    app_secret: str
    verify_token: str = ""
    api_version: str = "v21.0"
    base_url: str | None = None


class Smtp(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An SMTP relay for ``email_transport = "smtp"``."""

    host: str
    port: int = 587
    username: str | None = None
    password: str | None = None
    start_tls: bool = True


PROVIDERS: dict[str, type[msgspec.Struct]] = {
    "twilio": Twilio,
    "africastalking": AfricasTalking,
    "whatsapp": WhatsApp,
    "smtp": Smtp,
}


async def store(conn: Connection, provider: str, config: dict[str, Any]) -> None:
    """Check ``config`` for ``provider`` and keep it encrypted (replacing the last one)."""
    try:
        checked = msgspec.convert(config, PROVIDERS[provider])
    except msgspec.ValidationError as exc:
        invalid("body", f"the {provider} credentials are invalid: {exc}")
    if isinstance(checked, Twilio) and not (checked.from_number or checked.messaging_service_sid):
        invalid("from_number", "give from_number or messaging_service_sid")
    await conn.execute(
        "insert into notify_provider (id, provider, config_enc) values ($1, $2, $3) "
        "on conflict (tenant_id, provider) do update set config_enc = excluded.config_enc, "
        "updated_at = now()",
        new_id(),
        provider,
        encrypt(msgspec.to_builtins(checked)),
    )


async def load(conn: Connection, provider: str) -> dict[str, Any] | None:
    """The decrypted credentials of ``provider``, or ``None`` when none are kept."""
    token = await conn.fetchval(
        "select config_enc from notify_provider where provider = $1", provider
    )
    if token is None:
        return None
    config: dict[str, Any] = decrypt(token)
    return config


async def providers(conn: Connection) -> list[dict[str, Any]]:
    """Which providers have credentials, and since when (never the credentials)."""
    rows = await conn.fetch("select provider, updated_at from notify_provider order by provider")
    return [dict(row) for row in rows]


async def rotate_all(conn: Connection) -> int:
    """Re-encrypt every stored secret with the newest key; how many were."""
    count = 0
    for row in await conn.fetch("select id, config_enc from notify_provider for update"):
        await conn.execute(
            "update notify_provider set config_enc = $2 where id = $1",
            row["id"],
            rotate(row["config_enc"]),
        )
        count += 1
    for row in await conn.fetch("select id, secret_enc from notify_webhook_endpoint for update"):
        await conn.execute(
            "update notify_webhook_endpoint set secret_enc = $2 where id = $1",
            row["id"],
            rotate(row["secret_enc"]),
        )
        count += 1
    return count
