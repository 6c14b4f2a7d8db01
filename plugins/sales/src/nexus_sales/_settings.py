"""Per-tenant settings of the sales plugin (filled from the tenant's preset)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

__all__ = ("DealWonAction", "InvoicePolicy", "OversellPolicy", "SalesSettings")

Currency = Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$")]
DealWonAction = Literal["quotation", "order", "invoice", "none"]
OversellPolicy = Literal["refuse", "backorder"]
InvoicePolicy = Literal["order", "delivery"]


class SalesSettings(msgspec.Struct, kw_only=True, frozen=True):
    """What a preset may set for sales.

    Attributes:
        deal_won_action: What a won CRM deal drafts: a ``quotation`` (default), an
            ``order``, an ``invoice`` (through Finance, as Finance's own
            ``finance.invoice_from_deal`` did; presets with sales switch that feature off),
            or ``none``.
        oversell_policy: Delivering more than is available: ``refuse`` (409 naming the
            product, on hand and asked; nothing stored) or ``backorder`` (deliver what is
            there, the rest stays to deliver).
        invoice_policy: What a product without its own policy invoices: what was
            ordered (``order``) or what was delivered (``delivery``).
        default_currency: Currency of documents created without one.
        quotation_validity_days: Days a new quotation stays valid when it names no date.
        payment_terms: Payment terms text printed on quotations that give none.
    """

    deal_won_action: DealWonAction = "quotation"
    oversell_policy: OversellPolicy = "refuse"
    invoice_policy: InvoicePolicy = "order"
    default_currency: Currency = "USD"
    quotation_validity_days: Annotated[int, msgspec.Meta(ge=1, le=365)] = 30
    payment_terms: Annotated[str, msgspec.Meta(max_length=500)] = "Payment within 30 days."
