"""The ``meet`` Piccolo app: its tables and migrations."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from nexus_meet.tables import Control, Meeting, Participant, Signal

__all__ = ("APP_CONFIG",)

APP_CONFIG = AppConfig(
    app_name="meet",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Meeting, Participant, Control, Signal],
)
