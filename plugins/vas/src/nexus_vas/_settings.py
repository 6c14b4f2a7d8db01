"""Per-tenant settings of the vas plugin (filled from the tenant's preset and profile)."""

from __future__ import annotations

from decimal import Decimal

import msgspec
from nexus_hookspecs.http import Money

__all__ = ("VasSettings",)


class VasSettings(msgspec.Struct, kw_only=True, frozen=True):
    """What a preset (or a tenant admin) may set for VAS.

    Attributes:
        currency: The wallet's currency (ISO 4217; from the business profile's currency).
        country: The country bills are paid in (ISO 3166 alpha-2, Flutterwave's ``country``).
        public_base_url: The address providers reach this deployment at (no trailing slash);
            the callback URLs to give Africa's Talking and Flutterwave start with it.
        max_per_transaction: The most one purchase may cost (422 above it).
        max_per_day: The most the tenant's purchases may cost per UTC day, failed ones left
            out (429 above it).
        max_per_recipient_per_day: The most one phone number, meter or smartcard may receive
            per UTC day (429 above it).
    """

    currency: str = "KES"
    country: str = "KE"
    public_base_url: str = "http://localhost:8000"
    max_per_transaction: Money = Decimal("10000")
    max_per_day: Money = Decimal("100000")
    max_per_recipient_per_day: Money = Decimal("20000")
