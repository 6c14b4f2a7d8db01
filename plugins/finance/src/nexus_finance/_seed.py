"""What a preset or business profile may seed into Finance: ``[seed.finance]``.

Only the keys declared here are accepted; an unknown key or a malformed value refuses the
preset (``nexus presets validate``) or the profile (provisioning), naming the field.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from nexus_finance._settings import Percent, TaxName
from nexus_finance._tax_tags import Tags

__all__ = ("FinanceSeed", "SeedTaxRate")


class SeedTaxRate(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """A tax created when Finance is first enabled for the tenant.

    Attributes:
        name: The tax's name as documents show it (``VAT 7.5%``).
        rate: Percent, a decimal string (``"7.5"``).
        scope: ``sale`` (booked to Tax payable) or ``purchase`` (Tax receivable).
        price_include: Whether prices include it.
        tags: Report tags (``reverse_charge``, ``zero_rated``…).
        default: The company's default tax of its scope, instead of the country's.
    """

    name: TaxName
    rate: Percent
    scope: Literal["sale", "purchase"] = "sale"
    price_include: bool = False
    tags: Tags = []
    default: bool = False


class FinanceSeed(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """``[seed.finance]``: the taxes to create (on top of the country's defaults)."""

    tax_rates: Annotated[list[SeedTaxRate], msgspec.Meta(max_length=50)] = []
