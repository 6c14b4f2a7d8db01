"""Per-tenant settings of the HR plugin, filled from the tenant's preset and profile."""

from __future__ import annotations

from typing import Annotated

import msgspec

__all__ = ("HrSettings",)

Country = Annotated[str, msgspec.Meta(pattern="^[A-Z]{2}$")]
Currency = Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$")]
TimeZone = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
Percent = Annotated[str, msgspec.Meta(pattern=r"^[0-9]{1,3}(\.[0-9]{1,4})?$")]
Multiplier = Annotated[str, msgspec.Meta(pattern=r"^[0-9](\.[0-9]{1,4})?$")]
RuleSetKey = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,39}$")]


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
        overtime_multiplier: What an overtime hour pays, as a multiple of the hourly rate
            (``"1.5"``), for contracts that set no ``overtime_rate`` of their own.
        payroll_rule_set: The payroll rule set every employee is paid with (a key of
            ``GET /payroll/rule-sets``); when not given, the one registered for the
            employee's country, else ``generic``.
        tax_withholding_percent: The generic rule set's employee tax withheld, in percent.
        pension_employee_percent: The generic rule set's employee pension contribution, in
            percent (withheld).
        pension_employer_percent: The generic rule set's employer pension contribution, in
            percent (an employer cost).
    """

    create_users: bool = False
    disable_users_on_termination: bool = True
    country: Country | None = None
    subdivision: str | None = None
    currency: Currency = "EUR"
    time_zone: TimeZone = "UTC"
    head_count: Annotated[int, msgspec.Meta(ge=1)] | None = None
    overtime_multiplier: Multiplier = "1.5"
    payroll_rule_set: RuleSetKey | None = None
    tax_withholding_percent: Percent = "0"
    pension_employee_percent: Percent = "0"
    pension_employer_percent: Percent = "0"
