"""Per-tenant settings of the time plugin (filled from the tenant's preset)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import msgspec

__all__ = ("TimeSettings",)


class TimeSettings(msgspec.Struct, kw_only=True, frozen=True):
    """What a preset (or a tenant admin) may set for Time & Attendance.

    Attributes:
        record_location: Keep the latitude/longitude a punch sends (otherwise dropped).
        record_ip: Keep the caller's IP address with each punch.
        daily_overtime_hours: Decimal a day beyond which work is overtime, unless the
            employee's schedule says otherwise.
        weekly_overtime_hours: Decimal a week (Monday to Sunday, the employee's zone) beyond
            which work is overtime, unless the schedule says otherwise.
        lateness_grace_minutes: Minutes after a rostered shift's start before a clock-in is late.
        kiosk_max_failures: Wrong PINs per kiosk and employee id before the kiosk refuses
            that id for ``kiosk_lockout_minutes``.
        kiosk_lockout_minutes: How long failures count and a locked id stays locked.
    """

    record_location: bool = False
    record_ip: bool = False
    daily_overtime_hours: Decimal = Decimal(8)
    weekly_overtime_hours: Decimal = Decimal(40)
    lateness_grace_minutes: Annotated[int, msgspec.Meta(ge=0, le=240)] = 5
    kiosk_max_failures: Annotated[int, msgspec.Meta(ge=1, le=100)] = 5
    kiosk_lockout_minutes: Annotated[int, msgspec.Meta(ge=1, le=1440)] = 15
