"""Provider accounts per tenant: keys validated, encrypted at rest, never answered back."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import conflict, invalid

from nexus_payments._currencies import SUPPORTED, supports
from nexus_payments._secrets import decrypt, encrypt, rotate

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

__all__ = (
    "KEYS",
    "AccountIn",
    "AccountOut",
    "choose",
    "keys_of",
    "list_accounts",
    "rotate_all",
    "store",
)


class StripeKeys(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Stripe: the secret API key and the webhook endpoint's signing secret."""

    secret_key: Annotated[str, msgspec.Meta(pattern=r"^(sk|rk)_")]
    webhook_secret: Annotated[str, msgspec.Meta(pattern=r"^whsec_")]


class PaystackKeys(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Paystack: the secret key (it also signs the webhooks)."""

    secret_key: Annotated[str, msgspec.Meta(pattern=r"^sk_")]


class FlutterwaveKeys(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Flutterwave: the secret key and the webhook secret hash set in the dashboard."""

    secret_key: Annotated[str, msgspec.Meta(pattern=r"^FLWSECK")]
    secret_hash: Annotated[str, msgspec.Meta(min_length=8)]


KEYS: dict[str, type[msgspec.Struct]] = {
    "stripe": StripeKeys,
    "paystack": PaystackKeys,
    "flutterwave": FlutterwaveKeys,
}


class AccountIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A provider account: its keys, currencies (all it supports when empty), default."""

    keys: dict[str, str]
    currencies: Annotated[list[str], msgspec.Meta(max_length=50)] = []
    default: bool = False


class AccountOut(msgspec.Struct, kw_only=True):
    """A provider account as the API shows it (never its keys)."""

    provider: str
    currencies: list[str]
    default: bool
    updated_at: datetime


async def store(conn: Connection, provider: str, data: AccountIn) -> None:
    """Check the keys and currencies of ``provider`` and keep them encrypted."""
    try:
        checked = msgspec.convert(data.keys, KEYS[provider])
    except msgspec.ValidationError as exc:
        invalid("keys", f"the {provider} keys are invalid: {exc}")
    unknown = [c for c in data.currencies if c not in SUPPORTED[provider]]
    if unknown:
        invalid("currencies", f"{provider} does not take {', '.join(unknown)}")
    if data.default:
        await conn.execute("update payments_account set is_default = false")
    await conn.execute(
        "insert into payments_account (id, provider, config_enc, currencies, is_default) "
        "values ($1, $2, $3, $4, $5) on conflict (tenant_id, provider) do update set "
        "config_enc = excluded.config_enc, currencies = excluded.currencies, "
        "is_default = excluded.is_default, updated_at = now()",
        new_id(),
        provider,
        encrypt(msgspec.to_builtins(checked)),
        sorted(set(data.currencies)),
        data.default,
    )


async def list_accounts(conn: Connection) -> list[AccountOut]:
    """The tenant's accounts (never their keys)."""
    rows = await conn.fetch(
        "select provider, currencies, is_default as default, updated_at "
        "from payments_account order by provider"
    )
    return [msgspec.convert(dict(row), AccountOut) for row in rows]


async def keys_of(conn: Connection, provider: str) -> dict[str, Any] | None:
    """The decrypted keys of the tenant's ``provider`` account, or ``None``."""
    token = await conn.fetchval(
        "select config_enc from payments_account where provider = $1", provider
    )
    if token is None:
        return None
    keys: dict[str, Any] = decrypt(token)
    return keys


async def choose(conn: Connection, currency: str, provider: str | None) -> str:
    """The provider a checkout in ``currency`` goes through.

    ``provider``'s account, else the default one, else the first that takes the currency.

    Raises:
        ValidationException: 422 naming the currency when ``provider`` never takes it.
        HTTPException: 409 naming the currency when no configured account takes it.
    """
    if provider is not None and currency not in SUPPORTED[provider]:
        invalid("currency", f"{provider} does not take {currency}")
    rows = await conn.fetch(
        "select provider, currencies from payments_account "
        "where $1::text is null or provider = $1 order by is_default desc, provider",
        provider,
    )
    for row in rows:
        if supports(row["provider"], currency, list(row["currencies"])):
            return str(row["provider"])
    where = f"the {provider} account" if provider else "no configured payment account"
    if provider and not rows:
        conflict(f"there is no {provider} account: it cannot take {currency}")
    conflict(f"{where} takes {currency}: payments in {currency} cannot be taken")


async def rotate_all(conn: Connection) -> int:
    """Re-encrypt every account's keys with the newest key; how many were."""
    count = 0
    for row in await conn.fetch("select id, config_enc from payments_account for update"):
        await conn.execute(
            "update payments_account set config_enc = $2 where id = $1",
            row["id"],
            rotate(row["config_enc"]),
        )
        count += 1
    return count
