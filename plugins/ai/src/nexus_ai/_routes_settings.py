"""``/providers`` (keys encrypted, never answered back), ``/policy`` and ``/usage``."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

import msgspec
from litestar import Controller, delete, get, put
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath
from nexus_hookspecs import new_id
from nexus_hookspecs.http import Db, Money, invalid, not_found, route_opt

from nexus_ai._examples import body
from nexus_ai._keys import SETTINGS, USAGE_READ
from nexus_ai._prices import Price, operator_prices
from nexus_ai._store import KEYS, PolicyOut, ProviderName, load_policy, month_start, platform_key

__all__ = ("PolicyController", "PriceController", "ProviderController", "usage")

_Url = Annotated[str, msgspec.Meta(pattern=r"^https?://\S+$", max_length=500)]
_Model = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


class ProviderIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A provider's key (omit it to use the platform's), base URL and prices per 1M tokens."""

    api_key: Annotated[str, msgspec.Meta(min_length=1, max_length=500)] | None = None
    base_url: _Url | None = None
    input_price: Money = Decimal(0)
    output_price: Money = Decimal(0)
    currency: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{3}$")] = "USD"


class ProviderOut(msgspec.Struct, kw_only=True):
    """A provider's settings; whether a key is set, never the key."""

    provider: str
    has_key: bool
    platform_key: bool
    base_url: str | None
    input_price: Decimal
    output_price: Decimal
    currency: str
    updated_at: datetime


class PolicyIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Which provider and models the tenant's people may use, and the bounds."""

    provider: ProviderName
    models: Annotated[list[_Model], msgspec.Meta(min_length=1, max_length=50)]
    default_model: _Model
    embedding_model: _Model | None = None
    max_tokens: Annotated[int, msgspec.Meta(ge=1, le=200_000)] = 4096
    max_turns: Annotated[int, msgspec.Meta(ge=1, le=20)] = 6
    tenant_tokens_per_month: Annotated[int, msgspec.Meta(ge=0)] | None = None
    user_tokens_per_month: Annotated[int, msgspec.Meta(ge=0)] | None = None


class PriceIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A model's price per million input and output tokens."""

    input_price: Money
    output_price: Money
    currency: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{3}$")] = "USD"


class CurrencyCost(msgspec.Struct, kw_only=True):
    """The cost in one currency."""

    currency: str
    cost: Decimal


class UserUsage(msgspec.Struct, kw_only=True):
    """One user's tokens and cost this month."""

    actor: str
    input_tokens: int
    output_tokens: int
    cost: Decimal
    currency: str


class UsageOut(msgspec.Struct, kw_only=True):
    """The tenant's usage this calendar month (UTC), in total and per user."""

    since: datetime
    input_tokens: int
    output_tokens: int
    costs: list[CurrencyCost]
    users: list[UserUsage]


def _out(row: dict[str, object]) -> ProviderOut:
    return ProviderOut(
        provider=str(row["provider"]),
        has_key=row["key_token"] is not None,
        platform_key=platform_key(str(row["provider"])) is not None,
        base_url=row["base_url"],  # type: ignore[arg-type]
        input_price=row["input_price"],  # type: ignore[arg-type]
        output_price=row["output_price"],  # type: ignore[arg-type]
        currency=str(row["currency"]),
        updated_at=row["updated_at"],  # type: ignore[arg-type]
    )


class ProviderController(Controller):
    """The tenant's provider settings."""

    path = "/providers"
    tags = ["ai: settings"]
    opt = route_opt(permission=SETTINGS)

    @put("/{provider:str}")
    async def set_provider(
        self,
        db: Db,
        provider: FromPath[ProviderName],
        data: Annotated[ProviderIn, body("PUT /providers/{provider}", "OpenAI")],
    ) -> ProviderOut:
        """Keep a provider's key (encrypted with ``NEXUS_AI_KEYS``), base URL and prices."""
        token = KEYS.encrypt(data.api_key) if data.api_key else None
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "insert into ai_provider (id, provider, key_token, base_url, input_price, "
                "output_price, currency) values ($1, $2, $3, $4, $5, $6, $7) "
                "on conflict (tenant_id, provider) do update set key_token = excluded.key_token,"
                " base_url = excluded.base_url, input_price = excluded.input_price, "
                "output_price = excluded.output_price, currency = excluded.currency, "
                "updated_at = now() returning *",
                new_id(),
                provider,
                token,
                data.base_url,
                data.input_price,
                data.output_price,
                data.currency,
            )
        if row is None:  # pragma: no cover - ``returning`` always answers the row
            raise RuntimeError("no row returned")
        return _out(dict(row))

    @get("/")
    async def list_providers(self, db: Db) -> list[ProviderOut]:
        """The providers with settings (never their keys)."""
        async with db.transaction() as conn:
            rows = await conn.fetch("select * from ai_provider order by provider")
        return [_out(dict(r)) for r in rows]


class PolicyController(Controller):
    """The tenant's model policy."""

    path = "/policy"
    tags = ["ai: settings"]
    opt = route_opt(permission=SETTINGS)

    @put("/")
    async def set_policy(
        self, db: Db, data: Annotated[PolicyIn, body("PUT /policy", "OpenAI")]
    ) -> PolicyOut:
        """Set the provider, the models allowed, the bounds and the monthly token limits."""
        if data.default_model not in data.models:
            invalid("default_model", "must be one of models")
        async with db.transaction() as conn:
            await conn.execute("delete from ai_policy")
            await conn.execute(
                "insert into ai_policy (id, provider, models, default_model, embedding_model, "
                "max_tokens, max_turns, tenant_tokens_per_month, user_tokens_per_month) "
                "values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                new_id(),
                data.provider,
                data.models,
                data.default_model,
                data.embedding_model,
                data.max_tokens,
                data.max_turns,
                data.tenant_tokens_per_month,
                data.user_tokens_per_month,
            )
            return await load_policy(conn)

    @get("/", responses={409: ResponseSpec(None, description="No policy was set yet")})
    async def get_policy(self, db: Db) -> PolicyOut:
        """The policy (409 while none is set)."""
        async with db.transaction() as conn:
            return await load_policy(conn)


class PriceController(Controller):
    """The tenant's prices per provider and model, over the operator's defaults."""

    path = "/prices"
    tags = ["ai: settings"]
    opt = route_opt(permission=SETTINGS)

    @get("/")
    async def list_prices(self, db: Db) -> list[Price]:
        """The tenant's prices and the operator's defaults it has not overridden."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select provider, model, input_price, output_price, currency from ai_price"
            )
        own = {f"{r['provider']}/{r['model']}": Price(source="tenant", **dict(r)) for r in rows}
        merged = operator_prices() | own
        return [merged[key] for key in sorted(merged)]

    @put("/{provider:str}/{model:str}")
    async def set_price(
        self,
        db: Db,
        provider: FromPath[ProviderName],
        model: FromPath[_Model],
        data: Annotated[PriceIn, body("PUT /prices/{provider}/{model}", "GPT-4o mini")],
    ) -> Price:
        """Price one model for the tenant (over the operator's default and the provider's)."""
        for name, value in (("input_price", data.input_price), ("output_price", data.output_price)):
            if value < 0:
                invalid(name, "must not be negative")
        async with db.transaction() as conn:
            await conn.execute(
                "insert into ai_price (id, provider, model, input_price, output_price, currency)"
                " values ($1, $2, $3, $4, $5, $6) on conflict (tenant_id, provider, model) do "
                "update set input_price = excluded.input_price, output_price = "
                "excluded.output_price, currency = excluded.currency, updated_at = now()",
                new_id(),
                provider,
                model,
                data.input_price,
                data.output_price,
                data.currency,
            )
        return Price(
            provider=provider,
            model=model,
            input_price=data.input_price,
            output_price=data.output_price,
            currency=data.currency,
            source="tenant",
        )

    @delete("/{provider:str}/{model:str}")
    async def remove_price(
        self, db: Db, provider: FromPath[ProviderName], model: FromPath[_Model]
    ) -> None:
        """Drop the tenant's price of a model: the operator's default applies again."""
        async with db.transaction() as conn:
            gone = await conn.fetchval(
                "delete from ai_price where provider = $1 and model = $2 returning id",
                provider,
                model,
            )
        if gone is None:
            not_found()


@get("/usage", opt=route_opt(permission=USAGE_READ), tags=["ai: usage"])
async def usage(db: Db) -> UsageOut:
    """Tokens and cost this month, per user and in total per currency, from the ledger."""
    since = month_start()
    async with db.transaction() as conn:
        rows = await conn.fetch(
            "select actor, currency, sum(input_tokens)::bigint as input_tokens, "
            "sum(output_tokens)::bigint as output_tokens, sum(cost) as cost from ai_usage "
            "where created_at >= $1 group by actor, currency order by actor",
            since,
        )
    users = [msgspec.convert(dict(r), UserUsage) for r in rows]
    costs: dict[str, Decimal] = {}
    for user in users:
        costs[user.currency] = costs.get(user.currency, Decimal(0)) + user.cost
    return UsageOut(
        since=since,
        input_tokens=sum(u.input_tokens for u in users),
        output_tokens=sum(u.output_tokens for u in users),
        costs=[CurrencyCost(currency=c, cost=v) for c, v in sorted(costs.items())],
        users=users,
    )
