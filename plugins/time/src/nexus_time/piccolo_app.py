"""The ``time`` Piccolo app: its tables and migrations."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from nexus_time.tables import (
    Absence,
    Attendance,
    Audit,
    Break,
    Correction,
    Employee,
    Entry,
    KioskFailure,
    Roster,
    Schedule,
    Shift,
    Timesheet,
)

__all__ = ("APP_CONFIG",)

APP_CONFIG = AppConfig(
    app_name="time",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[
        Schedule,
        Employee,
        Shift,
        Roster,
        Attendance,
        Break,
        Correction,
        Audit,
        Entry,
        Timesheet,
        Absence,
        KioskFailure,
    ],
)
