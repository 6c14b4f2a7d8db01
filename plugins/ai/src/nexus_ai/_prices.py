"""Prices per provider and model, per million input and output tokens.

A call is priced by the tenant's own price of its model (``ai_price``), else the
operator's default for it (``NEXUS_AI_PRICES``), else the provider's prices the tenant
set (``ai_provider``). ``NEXUS_AI_PRICES`` is a JSON object keyed ``<provider>/<model>``:
``{"openai/gpt-4o-mini": {"input": "0.15", "output": "0.60", "currency": "USD"}}``; a
malformed value is refused when the process reads it, naming the variable.
"""

from __future__ import annotations

import os
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Literal

import msgspec

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

    from nexus_ai._store import ProviderRow

__all__ = ("PRICES", "Price", "operator_prices", "price_for")

PRICES = "NEXUS_AI_PRICES"
"""The operator's default prices per ``<provider>/<model>``."""


class _Default(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    input: Decimal
    output: Decimal
    currency: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{3}$")] = "USD"


class Price(msgspec.Struct, kw_only=True):
    """A model's price per million tokens, and where it comes from."""

    provider: str
    model: str
    input_price: Decimal
    output_price: Decimal
    currency: str
    source: Literal["tenant", "operator", "provider"]


def operator_prices() -> dict[str, Price]:
    """``NEXUS_AI_PRICES`` by ``<provider>/<model>``; empty when unset."""
    raw = os.environ.get(PRICES, "").strip()
    if not raw:
        return {}
    try:
        table = msgspec.json.decode(raw, type=dict[str, _Default], strict=False)
    except msgspec.ValidationError as exc:
        raise RuntimeError(f"{PRICES} is not valid: {exc}") from None
    prices: dict[str, Price] = {}
    for key, value in table.items():
        provider, _, model = key.partition("/")
        if value.input < 0 or value.output < 0:
            raise RuntimeError(f"{PRICES}: {key!r} has a negative price")
        if not model:
            raise RuntimeError(f"{PRICES}: {key!r} is not '<provider>/<model>'")
        prices[key] = Price(
            provider=provider,
            model=model,
            input_price=value.input,
            output_price=value.output,
            currency=value.currency,
            source="operator",
        )
    return prices


async def price_for(conn: Connection, row: ProviderRow, model: str) -> Price:
    """The price of ``model`` at ``row``'s provider for the tenant of ``conn``."""
    own = await conn.fetchrow(
        "select input_price, output_price, currency from ai_price "
        "where provider = $1 and model = $2",
        row.provider,
        model,
    )
    if own is not None:
        return Price(provider=row.provider, model=model, source="tenant", **dict(own))
    default = operator_prices().get(f"{row.provider}/{model}")
    if default is not None:
        return default
    return Price(
        provider=row.provider,
        model=model,
        input_price=row.input_price,
        output_price=row.output_price,
        currency=row.currency,
        source="provider",
    )
