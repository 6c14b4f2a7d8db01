"""The time tables (Piccolo), all tenant-owned.

The schema itself is created by the migration in ``migrations/``: composite foreign keys
``(tenant_id, …)`` keep every reference inside one tenant. The logic modules query with SQL;
these classes give Piccolo (and ``nexus migrate``) the tables' names and columns.
"""

from __future__ import annotations

from nexus_hookspecs.piccolo import TenantOwned
from piccolo.columns import JSONB, UUID, Boolean, Date, Integer, Numeric, Text, Time, Timestamptz
from piccolo.table import Table

__all__ = (
    "Absence",
    "Attendance",
    "Audit",
    "Break",
    "Correction",
    "Employee",
    "Entry",
    "KioskFailure",
    "Roster",
    "Schedule",
    "Shift",
    "Timesheet",
)

_HOURS = (6, 2)


class Schedule(TenantOwned, Table, tablename="time_schedule"):
    """Overtime and lateness rules; empty thresholds fall back to the tenant's settings."""

    name = Text()
    daily_threshold_hours = Numeric(digits=_HOURS, null=True)
    weekly_threshold_hours = Numeric(digits=_HOURS, null=True)
    grace_minutes = Integer(null=True)
    created_at = Timestamptz()


class Employee(TenantOwned, Table, tablename="time_employee"):
    """Someone whose time is kept: from HR's events or registered here."""

    name = Text()
    user_id = UUID(null=True)
    department_id = UUID(null=True)
    time_zone = Text()
    schedule_id = UUID(null=True)
    active = Boolean(default=True)
    source = Text()
    pin_hash = Text(null=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Shift(TenantOwned, Table, tablename="time_shift"):
    """A shift template: local start and end times (end before start: overnight)."""

    name = Text()
    start_time = Time()
    end_time = Time()
    time_zone = Text(null=True)
    created_at = Timestamptz()


class Roster(TenantOwned, Table, tablename="time_roster"):
    """One employee on one shift on one day."""

    employee_id = UUID()
    shift_id = UUID()
    day = Date()
    created_at = Timestamptz()


class Attendance(TenantOwned, Table, tablename="time_attendance"):
    """A clocked span: UTC instants and the employee's zone at the time."""

    employee_id = UUID()
    clock_in = Timestamptz()
    clock_out = Timestamptz(null=True)
    time_zone = Text()
    source = Text()
    latitude = Numeric(digits=(9, 6), null=True)
    longitude = Numeric(digits=(9, 6), null=True)
    ip = Text(null=True)
    created_at = Timestamptz()


class Break(TenantOwned, Table, tablename="time_break"):
    """A break inside an attendance record."""

    attendance_id = UUID()
    start_at = Timestamptz()
    end_at = Timestamptz(null=True)


class Correction(TenantOwned, Table, tablename="time_correction"):
    """A requested change of an attendance record, approved or rejected by a manager."""

    attendance_id = UUID()
    employee_id = UUID()
    clock_in = Timestamptz()
    clock_out = Timestamptz(null=True)
    reason = Text()
    state = Text()
    requested_by = Text(null=True)
    decided_by = Text(null=True)
    decided_at = Timestamptz(null=True)
    decision_note = Text(null=True)
    created_at = Timestamptz()


class Audit(TenantOwned, Table, tablename="time_audit"):
    """Every change of an attendance record: who, when, before and after."""

    attendance_id = UUID()
    action = Text()
    actor = Text(null=True)
    at = Timestamptz()
    before = JSONB(null=True)
    after = JSONB(null=True)


class Entry(TenantOwned, Table, tablename="time_entry"):
    """Hours on one day against an activity or a project/task reference."""

    employee_id = UUID()
    day = Date()
    hours = Numeric(digits=_HOURS)
    activity = Text(null=True)
    project_ref = Text(null=True)
    task_ref = Text(null=True)
    note = Text(null=True)
    created_at = Timestamptz()


class Timesheet(TenantOwned, Table, tablename="time_timesheet"):
    """One employee's week: draft, submitted, approved (locked) or rejected."""

    employee_id = UUID()
    week_start = Date()
    state = Text()
    total_hours = Numeric(digits=(8, 2), null=True)
    overtime_hours = Numeric(digits=(8, 2), null=True)
    lines = JSONB(null=True)
    submitted_at = Timestamptz(null=True)
    decided_by = Text(null=True)
    decided_at = Timestamptz(null=True)
    note = Text(null=True)
    created_at = Timestamptz()


class Absence(TenantOwned, Table, tablename="time_absence"):
    """Approved leave, kept from HR's events (its request id is the id)."""

    employee_id = UUID()
    leave_type = Text(null=True)
    paid = Boolean(default=True)
    date_from = Date()
    date_to = Date()
    days = Numeric(digits=(8, 2), null=True)
    hours = Numeric(digits=(8, 2), null=True)
    half_day_start = Boolean(default=False)
    half_day_end = Boolean(default=False)
    cancelled = Boolean(default=False)
    updated_at = Timestamptz()


class KioskFailure(TenantOwned, Table, tablename="time_kiosk_failure"):
    """A refused kiosk punch (per kiosk credential and employee id), counted for throttling."""

    kiosk = Text()
    subject = Text()
    at = Timestamptz()
