"""Per-tenant settings of Payments, and the process settings naming the providers' APIs."""

from __future__ import annotations

import os
from typing import Annotated

import msgspec

__all__ = ("BASE_URL_VARIABLES", "DEFAULT_BASE_URLS", "PaymentsSettings", "base_url")


class PaymentsSettings(msgspec.Struct, kw_only=True, frozen=True):
    """What a preset (or a tenant admin) may set for Payments.

    Attributes:
        public_base_url: The address customers and providers reach this deployment at (no
            trailing slash): checkout links and webhook URLs start with it.
        checkout_hours: How long a checkout stays open before it expires (a Stripe
            Checkout Session at most 23 hours ahead, as Stripe allows).
    """

    public_base_url: str = "http://localhost:8000"
    checkout_hours: Annotated[int, msgspec.Meta(ge=1, le=24 * 30)] = 72


DEFAULT_BASE_URLS = {
    "stripe": "https://api.stripe.com",
    "paystack": "https://api.paystack.co",
    "flutterwave": "https://api.flutterwave.com",
}
"""The providers' documented API addresses."""

BASE_URL_VARIABLES = {
    "stripe": "NEXUS_PAYMENTS_STRIPE_URL",
    "paystack": "NEXUS_PAYMENTS_PAYSTACK_URL",
    "flutterwave": "NEXUS_PAYMENTS_FLUTTERWAVE_URL",
}
"""Process settings overriding them (a sandbox proxy, the tests' fake servers)."""


def base_url(provider: str) -> str:
    """The API address of ``provider``: its process setting, else the documented one."""
    return (
        os.environ.get(BASE_URL_VARIABLES[provider], "").rstrip("/")
        or (DEFAULT_BASE_URLS[provider])
    )
