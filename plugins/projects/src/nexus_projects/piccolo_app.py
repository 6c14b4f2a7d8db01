"""The ``projects`` Piccolo app: its tables and migrations."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from nexus_projects.tables import (
    Attachment,
    BillingRun,
    ChecklistItem,
    Comment,
    Dependency,
    Member,
    Milestone,
    Project,
    Rate,
    Stage,
    Task,
    TimeEntry,
)

__all__ = ("APP_CONFIG",)

APP_CONFIG = AppConfig(
    app_name="projects",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[
        Project,
        Stage,
        Task,
        Dependency,
        ChecklistItem,
        Comment,
        Attachment,
        Member,
        Rate,
        BillingRun,
        TimeEntry,
        Milestone,
    ],
)
