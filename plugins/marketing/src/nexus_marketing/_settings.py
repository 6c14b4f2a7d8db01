"""Per-tenant settings of the marketing plugin."""

from __future__ import annotations

from typing import Annotated

import msgspec

__all__ = ("MarketingSettings",)


class MarketingSettings(msgspec.Struct, kw_only=True, frozen=True):
    """What a preset (or a tenant admin) may set for Marketing.

    Attributes:
        rate_per_minute: Messages a campaign sends per minute unless it sets its own.
        batch_size: Recipients per batch event (a batch is due when the rate allows it).
        public_url: The base of the visitor routes as recipients reach them
            (``https://nexus.example/api/v1/marketing/public/<slug>``): open pixels, tracked
            links, confirmation and unsubscribe links are made from it. Unset: no tracking.
        require_consent: Send only to contacts whose consent for the channel is confirmed.
        form_per_hour: Web form submissions taken per client address and hour (429 beyond).
        default_time_zone: The IANA zone of contacts whose own zone is unknown, for
            campaigns sent at a local hour (``local_time``).
    """

    rate_per_minute: Annotated[int, msgspec.Meta(ge=1, le=100_000)] = 600
    batch_size: Annotated[int, msgspec.Meta(ge=1, le=1_000)] = 100
    public_url: Annotated[str, msgspec.Meta(max_length=500)] | None = None
    require_consent: bool = True
    form_per_hour: Annotated[int, msgspec.Meta(ge=1, le=10_000)] = 20
    default_time_zone: Annotated[str, msgspec.Meta(min_length=1, max_length=64)] = "UTC"
