"""Per-tenant settings of the support plugin (filled from the preset and business profile)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

__all__ = ("SupportSettings",)

Country = Annotated[str, msgspec.Meta(pattern="^[A-Z]{2}$")]
TimeZone = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
Language = Literal[
    "simple",
    "arabic",
    "danish",
    "dutch",
    "english",
    "finnish",
    "french",
    "german",
    "greek",
    "hungarian",
    "indonesian",
    "irish",
    "italian",
    "lithuanian",
    "nepali",
    "norwegian",
    "portuguese",
    "romanian",
    "russian",
    "spanish",
    "swedish",
    "tamil",
    "turkish",
]
"""PostgreSQL's built-in text-search configurations (every supported version has these)."""
Address = Annotated[str, msgspec.Meta(pattern=r"^[^@\s]+@[^@\s]+$", max_length=254)]


class SupportSettings(msgspec.Struct, kw_only=True, frozen=True):
    """What a preset (or a tenant admin) may set for Support.

    Attributes:
        time_zone: The zone of the default working calendar (the profile's).
        country: The country whose public holidays close the default calendar.
        subdivision: Its subdivision, for regional holidays.
        inbound_addresses: Addresses whose inbound mail (Mail's ``mail.message.received.v1``)
            opens or continues tickets.
        reply_from: The address public replies are sent from (their ``Reply-To``).
        message_id_domain: The domain of the ``Message-ID`` of replies.
        default_tier: The customer tier of tickets opened without one.
        public_form_per_hour: Tickets one client address may open through the public form
            per hour.
        kb_language: The PostgreSQL text-search configuration of the knowledge base.
        survey_url: Where a requester answers the satisfaction survey, with ``{token}``
            where the ticket's token goes: the public route
            (``https://nexus.example/api/v1/support/public/<slug>/csat/{token}``) or a page
            of the tenant's own site that posts to it. When set, solving a ticket emails
            the link to the requester (through Notification, when it is on).
    """

    time_zone: TimeZone = "UTC"
    country: Country | None = None
    subdivision: str | None = None
    inbound_addresses: list[Address] = msgspec.field(default_factory=list)
    reply_from: Address | None = None
    message_id_domain: Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9.-]{1,200}$")] = (
        "support.nexus.invalid"
    )
    default_tier: Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,39}$")] = "standard"
    public_form_per_hour: Annotated[int, msgspec.Meta(ge=1, le=10_000)] = 5
    kb_language: Language = "english"
    survey_url: (
        Annotated[str, msgspec.Meta(pattern=r"^https?://\S*\{token\}\S*$", max_length=500)] | None
    ) = None
