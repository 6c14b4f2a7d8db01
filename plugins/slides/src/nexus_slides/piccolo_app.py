"""The ``slides`` Piccolo app: its tables and migrations."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from nexus_slides.tables import SlidesDeck

__all__ = ("APP_CONFIG",)

APP_CONFIG = AppConfig(
    app_name="slides",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[SlidesDeck],
)
