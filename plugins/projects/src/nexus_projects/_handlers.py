"""Event handlers: Time's approved timesheets bring their project hours (see ``_time``).

A redelivered event changes nothing (the inbox dedups; import replaces the timesheet's
unbilled entries anyway); a malformed line is skipped; the ``import_timesheets`` setting
switches the import off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import structlog

from nexus_projects._settings import ProjectsSettings
from nexus_projects._time import import_timesheet, parse_uuid, withdraw_timesheet

if TYPE_CHECKING:
    from nexus_hookspecs import CloudEvent, EventContext

__all__ = ("on_timesheet_approved", "on_timesheet_reopened")

log = structlog.get_logger("nexus_projects")


async def _settings(ctx: EventContext) -> ProjectsSettings:
    found = await ctx.settings()
    return found if isinstance(found, ProjectsSettings) else ProjectsSettings()


async def on_timesheet_approved(event: CloudEvent, ctx: EventContext) -> None:
    """Import the approved timesheet's lines that name one of the tenant's projects."""
    if not (await _settings(ctx)).import_timesheets or not isinstance(event.data, dict):
        return
    imported = await import_timesheet(ctx.conn, event.data)
    log.info("timesheet imported", timesheet=event.subject, entries=imported)


async def on_timesheet_reopened(event: CloudEvent, ctx: EventContext) -> None:
    """Withdraw the reopened timesheet's entries that were not billed yet."""
    data = event.data if isinstance(event.data, dict) else {}
    timesheet_id = parse_uuid(data.get("timesheet_id"))
    if timesheet_id is not None:
        await withdraw_timesheet(ctx.conn, timesheet_id)
