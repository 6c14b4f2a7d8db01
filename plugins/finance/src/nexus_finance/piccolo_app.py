"""The Finance plugin's Piccolo app: its tables and migrations."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from nexus_finance.tables import TABLES

__all__ = ("APP_CONFIG",)

APP_CONFIG = AppConfig(
    app_name="finance",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=TABLES,
)
