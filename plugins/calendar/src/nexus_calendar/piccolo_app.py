"""The ``calendar`` Piccolo app: its tables and migrations."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from nexus_calendar.tables import (
    Attendee,
    Calendar,
    Card,
    Event,
    EventResource,
    Feed,
    Override,
    ReminderSent,
    Resource,
)

__all__ = ("APP_CONFIG",)

APP_CONFIG = AppConfig(
    app_name="calendar",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[
        Calendar,
        Event,
        Attendee,
        Feed,
        Resource,
        EventResource,
        ReminderSent,
        Override,
        Card,
    ],
)
