"""The event a closed usage period publishes, with its payload (the events catalogue shows it)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import Meta
from nexus_hookspecs import EventType

__all__ = ("USAGE_PERIOD_CLOSED", "USAGE_PERIOD_CLOSED_EVENT", "UsagePeriodClosed")

USAGE_PERIOD_CLOSED = "nexus.usage.period_closed.v1"
"""Published once per tenant and period, when an operator closes the period."""


class UsagePeriodClosed(msgspec.Struct, frozen=True, kw_only=True):
    """The ``data`` of ``nexus.usage.period_closed.v1``: what the tenant used in the period."""

    period: Annotated[str, Meta(description="The calendar month in UTC, YYYY-MM.")]
    plan: Annotated[str, Meta(description="The tenant's plan at the close.")]
    api_calls: Annotated[int, Meta(description="Authenticated requests made in the tenant.")]
    ai_tokens: Annotated[int, Meta(description="Language-model tokens, in and out.")]
    events: Annotated[int, Meta(description="Events the tenant's plugins published.")]
    seats: Annotated[int, Meta(description="Users not disabled at the close.")]


USAGE_PERIOD_CLOSED_EVENT = EventType(
    type=USAGE_PERIOD_CLOSED,
    description="A usage period (a calendar month) was closed: the tenant's usage in it, "
    "to bill (the payments plugin reports it to Stripe when it is on).",
    payload=UsagePeriodClosed,
)
