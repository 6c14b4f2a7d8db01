"""Working schedules: the seeded default and the hours a schedule expects per weekday."""

from __future__ import annotations

import zoneinfo
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from nexus_hookspecs import new_id

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Mapping

    from nexus_hookspecs import Connection

__all__ = ("DAYS", "DEFAULT_SCHEDULE", "hours_on", "seed_default_schedule", "valid_time_zone")

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
"""The weekday column prefixes of ``hr_working_schedule`` (``monday_hours`` …), Monday first."""

DEFAULT_SCHEDULE = "Standard 40h"
"""The schedule seeded for every tenant: Monday to Friday, 8 hours a day."""


def valid_time_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone this system knows."""
    if not name or name != name.strip() or ".." in name or name.startswith("/"):
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def hours_on(schedule: Mapping[str, Any], day: dt.date) -> Decimal:
    """The hours ``schedule`` (a row with the ``<weekday>_hours`` columns) expects on ``day``."""
    return Decimal(str(schedule[f"{DAYS[day.weekday()]}_hours"]))


async def seed_default_schedule(conn: Connection, *, time_zone: str) -> None:
    """Create the tenant's default schedule, "Standard 40h", unless it has a default already.

    Idempotent: the partial unique index on ``is_default`` settles concurrent seeds.
    """
    await conn.execute(
        "insert into hr_working_schedule (id, name, time_zone, monday_hours, tuesday_hours, "
        "wednesday_hours, thursday_hours, friday_hours, is_default) "
        "select $1, $2, $3, 8, 8, 8, 8, 8, true "
        "where not exists (select 1 from hr_working_schedule where is_default) "
        "on conflict do nothing",
        new_id(),
        DEFAULT_SCHEDULE,
        time_zone if valid_time_zone(time_zone) else "UTC",
    )
