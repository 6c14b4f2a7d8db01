"""The ``support`` Piccolo app: its tables and migrations."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from nexus_support.tables import (
    Calendar,
    Canned,
    Contact,
    Csat,
    KbArticle,
    KbCategory,
    Message,
    Pause,
    Queue,
    SlaPolicy,
    State,
    Team,
    Ticket,
)

__all__ = ("APP_CONFIG",)

APP_CONFIG = AppConfig(
    app_name="support",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[
        State,
        Calendar,
        Team,
        Queue,
        Contact,
        SlaPolicy,
        Ticket,
        Pause,
        Message,
        Canned,
        KbCategory,
        KbArticle,
        Csat,
    ],
)
