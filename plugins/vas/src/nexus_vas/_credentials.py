"""Provider credentials per tenant: validated, encrypted at rest, never answered back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import conflict, invalid

from nexus_vas._secrets import decrypt, encrypt, rotate

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

__all__ = (
    "PROVIDERS",
    "AfricasTalking",
    "Flutterwave",
    "load",
    "providers",
    "require",
    "rotate_all",
    "store",
)


class AfricasTalking(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Africa's Talking: the app's username and API key; airtime and mobile data.

    ``data_product`` is the mobile data product created in Africa's Talking's dashboard;
    ``base_url`` (airtime, ``https://api.africastalking.com``) and ``data_base_url``
    (``https://bundles.africastalking.com``) are for sandboxes and tests.
    """

    username: str
    api_key: str
    data_product: str | None = None
    base_url: str | None = None
    data_base_url: str | None = None


class Flutterwave(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Flutterwave: the secret key (Bills API, bearer) and the webhook's secret hash."""

    secret_key: str
    secret_hash: str
    base_url: str | None = None


PROVIDERS: dict[str, type[msgspec.Struct]] = {
    "africastalking": AfricasTalking,
    "flutterwave": Flutterwave,
}


async def store(conn: Connection, provider: str, config: dict[str, Any]) -> None:
    """Check ``config`` for ``provider`` and keep it encrypted (replacing the last one)."""
    try:
        checked = msgspec.convert(config, PROVIDERS[provider])
    except msgspec.ValidationError as exc:
        invalid("body", f"the {provider} credentials are invalid: {exc}")
    await conn.execute(
        "insert into vas_provider (id, provider, config_enc) values ($1, $2, $3) "
        "on conflict (tenant_id, provider) do update set config_enc = excluded.config_enc, "
        "updated_at = now()",
        new_id(),
        provider,
        encrypt(msgspec.to_builtins(checked)),
    )


async def load(conn: Connection, provider: str) -> dict[str, Any] | None:
    """The decrypted credentials of ``provider``, or ``None`` when none are kept."""
    token = await conn.fetchval("select config_enc from vas_provider where provider = $1", provider)
    if token is None:
        return None
    config: dict[str, Any] = decrypt(token)
    return config


async def require(conn: Connection, provider: str) -> dict[str, Any]:
    """The credentials of ``provider``; 409 naming it when the tenant has kept none."""
    config = await load(conn, provider)
    if config is None:
        conflict(f"no {provider} credentials: PUT /api/v1/vas/providers/{provider} first")
    return config


async def providers(conn: Connection) -> list[dict[str, Any]]:
    """Which providers have credentials, and since when (never the credentials)."""
    rows = await conn.fetch("select provider, updated_at from vas_provider order by provider")
    return [dict(row) for row in rows]


async def rotate_all(conn: Connection) -> int:
    """Re-encrypt every stored secret with the newest key; how many were."""
    count = 0
    for row in await conn.fetch("select id, config_enc from vas_provider for update"):
        await conn.execute(
            "update vas_provider set config_enc = $2 where id = $1",
            row["id"],
            rotate(row["config_enc"]),
        )
        count += 1
    return count
