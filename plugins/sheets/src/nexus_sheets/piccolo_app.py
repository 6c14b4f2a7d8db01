"""The ``sheets`` Piccolo app: its migrations (no tables: collab keeps the documents)."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

__all__ = ("APP_CONFIG",)

APP_CONFIG = AppConfig(
    app_name="sheets",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[],
)
