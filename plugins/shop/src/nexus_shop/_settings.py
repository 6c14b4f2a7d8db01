"""Per-tenant settings of the shop plugin (filled from the preset and business profile)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

__all__ = ("Language", "OfflineMethod", "ShopSettings")

OfflineMethod = Literal["bank_transfer", "cash_on_delivery"]
Language = Literal[
    "simple",
    "danish",
    "dutch",
    "english",
    "finnish",
    "french",
    "german",
    "italian",
    "norwegian",
    "portuguese",
    "spanish",
    "swedish",
]
"""PostgreSQL's built-in text-search configurations a storefront's listings may use."""
Address = Annotated[str, msgspec.Meta(pattern=r"^[^@\s]+@[^@\s]+$", max_length=254)]


class ShopSettings(msgspec.Struct, kw_only=True, frozen=True):
    """What a preset (or a tenant admin) may set for Shop.

    Attributes:
        currency: The storefront's currency when a visitor names none (the profile's).
        offline_methods: Payment methods without the Payments plugin the tenant accepts:
            ``bank_transfer`` (the order waits for the transfer, recorded by staff) and
            ``cash_on_delivery``. Online payment is offered whenever Payments is on.
        bank_transfer_instructions: What a customer paying by bank transfer is told (the
            account to pay into; the order number is the reference).
        payment_minutes: How long a placed, unpaid order holds its stock; then the sweep
            cancels it, releases the reservation and credits its invoice. Cash on delivery
            orders are not swept.
        cart_days: Days an untouched open cart is kept open; then the sweep marks it
            abandoned.
        storefront_per_minute: Storefront requests one client address may make per minute.
        checkouts_per_hour: Checkouts one client address may attempt per hour.
        language: The PostgreSQL text-search configuration of new listings.
        return_url: Where the payment provider sends a customer back after paying, with
            ``{order}`` where the order number goes.
        notify_from: The address order emails answer to (their ``Reply-To``).
    """

    currency: Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$")] = "EUR"
    offline_methods: list[OfflineMethod] = msgspec.field(default_factory=lambda: ["bank_transfer"])
    bank_transfer_instructions: Annotated[str, msgspec.Meta(max_length=2000)] = (
        "Pay by bank transfer quoting the order number."
    )
    payment_minutes: Annotated[int, msgspec.Meta(ge=1, le=60 * 24 * 30)] = 60 * 24
    cart_days: Annotated[int, msgspec.Meta(ge=1, le=365)] = 30
    storefront_per_minute: Annotated[int, msgspec.Meta(ge=1, le=100_000)] = 300
    checkouts_per_hour: Annotated[int, msgspec.Meta(ge=1, le=100_000)] = 30
    language: Language = "english"
    return_url: Annotated[str, msgspec.Meta(pattern=r"^https?://\S+$", max_length=500)] | None = (
        None
    )
    notify_from: Address | None = None
