"""Permission keys of Time & Attendance, as constants."""

from __future__ import annotations

__all__ = (
    "ATTENDANCE_MANAGE",
    "ATTENDANCE_READ",
    "ATTENDANCE_WRITE",
    "KIOSK_PUNCH",
    "REPORTS_READ",
    "TIMESHEETS_APPROVE",
    "TIMESHEETS_READ",
    "TIMESHEETS_WRITE",
)

ATTENDANCE_READ = "time.attendance:read"
"""List and show employees, schedules, shifts, rosters, attendance records and corrections."""

ATTENDANCE_WRITE = "time.attendance:write"
"""Clock in and out and take breaks as oneself; request corrections of a record."""

ATTENDANCE_MANAGE = "time.attendance:manage"
"""Register employees, set PINs, issue kiosk tokens, plan shifts and rosters, clock for
anyone (with a time), approve or reject corrections (tenant admins)."""

TIMESHEETS_READ = "time.timesheets:read"
"""List and show time entries and timesheets."""

TIMESHEETS_WRITE = "time.timesheets:write"
"""Record, change and delete time entries; open and submit weekly timesheets."""

TIMESHEETS_APPROVE = "time.timesheets:approve"
"""Approve, reject and reopen submitted timesheets (tenant admins)."""

REPORTS_READ = "time.reports:read"
"""Attendance, overtime and absence reports, JSON or CSV (tenant admins)."""

KIOSK_PUNCH = "time.kiosk:punch"
"""Punch for any employee with their PIN: the permission a kiosk device's API key is scoped
to (tenant admins hold it; a key with ``scopes=["time.kiosk:punch"]`` can do nothing else)."""
