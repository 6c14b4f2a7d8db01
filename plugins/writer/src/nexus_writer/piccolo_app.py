"""The ``writer`` Piccolo app: its tables and migrations."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from nexus_writer.tables import WriterDocument

__all__ = ("APP_CONFIG",)

APP_CONFIG = AppConfig(
    app_name="writer",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[WriterDocument],
)
