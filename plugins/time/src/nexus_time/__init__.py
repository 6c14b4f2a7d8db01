"""Nexus Time & Attendance: clocking, kiosk, shifts and rosters, corrections, timesheets.

The hook implementations, and nothing else. Attendance records keep UTC instants and the
employee's zone; weekly timesheets are built from entries and attendance and locked once
approved (``time.timesheet.approved.v1``). The roster follows HR's events when HR is on.
See README.md for the routes, permissions, settings and events.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_hookspecs import Manifest, Permission, hookimpl

from nexus_time._events import (
    EMPLOYEE_HIRED,
    EMPLOYEE_TERMINATED,
    EMPLOYEE_UPDATED,
    LEAVE_APPROVED,
    LEAVE_CANCELLED,
    TIMESHEET_APPROVED,
    TIMESHEET_REOPENED,
)
from nexus_time._examples import EXAMPLES
from nexus_time._handlers import (
    employee_hired,
    employee_terminated,
    employee_updated,
    leave_approved,
    leave_cancelled,
)
from nexus_time._keys import (
    ATTENDANCE_MANAGE,
    ATTENDANCE_READ,
    ATTENDANCE_WRITE,
    KIOSK_PUNCH,
    REPORTS_READ,
    TIMESHEETS_APPROVE,
    TIMESHEETS_READ,
    TIMESHEETS_WRITE,
)
from nexus_time._routes_attendance import AttendanceController, CorrectionController
from nexus_time._routes_clock import ClockController, ManagedClockController
from nexus_time._routes_employees import EmployeeController
from nexus_time._routes_kiosk import KioskController
from nexus_time._routes_planning import RosterController, ScheduleController, ShiftController
from nexus_time._routes_reports import ReportController
from nexus_time._routes_timesheets import (
    EmployeeTimeController,
    EntryController,
    TimesheetController,
)
from nexus_time._settings import TimeSettings

if TYPE_CHECKING:
    from collections.abc import Callable


__all__ = (
    "TimeSettings",
    "nexus_event_handlers",
    "nexus_manifest",
    "nexus_piccolo_app",
    "nexus_routes",
)

_MEMBERS = ("tenant_admin", "member")

TABLES = (
    "time_schedule",
    "time_employee",
    "time_shift",
    "time_roster",
    "time_attendance",
    "time_break",
    "time_correction",
    "time_audit",
    "time_entry",
    "time_timesheet",
    "time_absence",
    "time_kiosk_failure",
)


@hookimpl
def nexus_manifest() -> Manifest:
    """Describe the plugin."""
    return Manifest(
        name="time",
        version="0.1.0",
        title="Time & Attendance",
        summary=(
            "Clock in/out with breaks and a kiosk PIN mode, shifts and rosters, overtime and "
            "lateness, corrections with an audit trail, weekly timesheets, reports."
        ),
        hookspecs=">=0.1.7,<0.2",
        permissions=(
            Permission(
                key=ATTENDANCE_READ,
                description="List and show employees, plans, attendance records, corrections.",
                roles=_MEMBERS,
            ),
            Permission(
                key=ATTENDANCE_WRITE,
                description="Clock in/out and take breaks as oneself; request corrections.",
                roles=_MEMBERS,
            ),
            Permission(
                key=ATTENDANCE_MANAGE,
                description=(
                    "Register employees, set PINs, issue kiosk tokens, plan shifts and "
                    "rosters, clock for anyone, approve or reject corrections."
                ),
            ),
            Permission(
                key=TIMESHEETS_READ,
                description="List and show entries and timesheets.",
                roles=_MEMBERS,
            ),
            Permission(
                key=TIMESHEETS_WRITE,
                description="Record time entries; open and submit weekly timesheets.",
                roles=_MEMBERS,
            ),
            Permission(
                key=TIMESHEETS_APPROVE,
                description="Approve, reject and reopen submitted timesheets.",
            ),
            Permission(
                key=KIOSK_PUNCH,
                description=(
                    "Punch at a kiosk with an employee's PIN: give a kiosk device an API key "
                    "scoped to exactly this permission."
                ),
            ),
            Permission(
                key=REPORTS_READ,
                description="Attendance, overtime and absence reports (JSON or CSV).",
            ),
        ),
        settings=TimeSettings,
        events=(TIMESHEET_APPROVED, TIMESHEET_REOPENED),
        tenant_tables=TABLES,
        example_payloads=EXAMPLES,
    )


@hookimpl
def nexus_routes(register: Callable[[Any], None]) -> None:
    """Mount the time routes under ``/api/v1/time/``."""
    for controller in (
        EmployeeController,
        ManagedClockController,
        EmployeeTimeController,
        ClockController,
        AttendanceController,
        CorrectionController,
        ScheduleController,
        ShiftController,
        RosterController,
        EntryController,
        TimesheetController,
        KioskController,
        ReportController,
    ):
        register(controller)


@hookimpl
def nexus_piccolo_app() -> str:
    """The time tables and migrations."""
    return "nexus_time.piccolo_app"


@hookimpl
def nexus_event_handlers(register: Callable[[str, Any], None]) -> None:
    """Keep the roster from HR's employee events and absences from its leave events."""
    register(EMPLOYEE_HIRED, employee_hired)
    register(EMPLOYEE_UPDATED, employee_updated)
    register(EMPLOYEE_TERMINATED, employee_terminated)
    register(LEAVE_APPROVED, leave_approved)
    register(LEAVE_CANCELLED, leave_cancelled)
