"""Per-tenant CRM settings, filled from the tenant's preset."""

from __future__ import annotations

import msgspec

from nexus_crm._validation import check_country, check_currency

__all__ = ("DEFAULT_STAGES", "CrmSettings")

DEFAULT_STAGES = ["New", "Qualified", "Proposition", "Negotiation"]
"""The stages of the seeded pipeline when the preset names none (Odoo's defaults)."""


class CrmSettings(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What a preset (or business profile) may set for the CRM.

    Attributes:
        pipeline_name: Name of the default pipeline seeded when CRM is enabled.
        pipeline_stages: Its ordered stages (at least one). Won and lost are deal statuses,
            not stages.
        default_currency: ISO 4217 code given to deals created without a currency.
        default_country: ISO 3166-1 alpha-2 code used to read phone numbers written without
            a ``+country`` prefix when the contact's company names no country.
    """

    pipeline_name: str = "Sales"
    pipeline_stages: list[str] = msgspec.field(default_factory=lambda: list(DEFAULT_STAGES))
    default_currency: str = "EUR"
    default_country: str | None = None

    def __post_init__(self) -> None:
        """Refuse settings a tenant could not work with (presets are validated with this)."""
        stages = [stage.strip() for stage in self.pipeline_stages]
        if not stages or any(not stage for stage in stages):
            raise ValueError("pipeline_stages must name at least one stage, none empty")
        if len({stage.casefold() for stage in stages}) != len(stages):
            raise ValueError("pipeline_stages must not repeat a stage")
        self.pipeline_stages = stages
        if not self.pipeline_name.strip():
            raise ValueError("pipeline_name must not be empty")
        currency = check_currency(self.default_currency)
        if currency is None:
            raise ValueError(f"default_currency {self.default_currency!r} is not ISO 4217")
        self.default_currency = currency
        if self.default_country is not None:
            country = check_country(self.default_country)
            if country is None:
                raise ValueError(f"default_country {self.default_country!r} is not ISO 3166-1")
            self.default_country = country
