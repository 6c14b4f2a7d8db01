"""Per-tenant settings of the HR plugin, filled from the tenant's preset and profile."""

from __future__ import annotations

from typing import Annotated

import msgspec

__all__ = ("HrSettings",)

Country = Annotated[str, msgspec.Meta(pattern="^[A-Z]{2}$")]
Currency = Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$")]
TimeZone = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class HrSettings(msgspec.Struct, kw_only=True, frozen=True):
    """What a preset (or business profile) decides about a tenant's HR.

    Attributes:
        create_users: When on, hiring an employee with a work email and no linked user
            makes the kernel create a member user for that email and link it.
        disable_users_on_termination: When on (the default), terminating an employee
            makes the kernel disable the linked user's membership of the tenant and revoke
            their API keys.
        country: The company's country (ISO 3166-1 alpha-2): employees hired without one
            work there (public holidays, payroll rules).
        subdivision: The company's subdivision (``ENG``, ``BY`` …) for regional holidays.
        currency: The currency of contracts created without one (ISO 4217).
        time_zone: The IANA time zone of employees and the seeded schedule when none is
            given.
        head_count: The business profile's ``employees``, when given: how many people the
            company expects to employ (informative; reports compare it with the roster).
    """

    create_users: bool = False
    disable_users_on_termination: bool = True
    country: Country | None = None
    subdivision: str | None = None
    currency: Currency = "EUR"
    time_zone: TimeZone = "UTC"
    head_count: Annotated[int, msgspec.Meta(ge=1)] | None = None
