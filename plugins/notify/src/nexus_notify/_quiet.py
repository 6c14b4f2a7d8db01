"""Quiet hours: when a message to a recipient must wait, in the recipient's own zone."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from nexus_notify._settings import NotifySettings

__all__ = ("quiet_until",)


def quiet_until(settings: NotifySettings, *, zone: str, now: datetime) -> datetime | None:
    """The instant quiet hours end if ``now`` falls inside them in ``zone``, else ``None``.

    Quiet hours run from ``quiet_start`` to ``quiet_end`` local time, across midnight when
    the end is earlier than the start (22 → 7). A message is delayed, never dropped.
    """
    start, end = settings.quiet_start, settings.quiet_end
    if start is None or start == end:
        return None
    local = now.astimezone(ZoneInfo(zone))
    hour = local.hour
    inside = start <= hour < end if start < end else hour >= start or hour < end
    if not inside:
        return None
    ending = local.replace(hour=end, minute=0, second=0, microsecond=0)
    if ending <= local:
        ending += timedelta(days=1)
    # Wall-clock arithmetic above; normalise through UTC so a DST change is respected.
    return ending.replace(tzinfo=ZoneInfo(zone)).astimezone(now.tzinfo)
