"""The ``drive`` Piccolo app: its tables and migrations."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from nexus_drive.tables import (
    Drive,
    Group,
    Item,
    Link,
    Member,
    Orphan,
    Quota,
    Share,
    Upload,
    Version,
)

__all__ = ("APP_CONFIG",)

APP_CONFIG = AppConfig(
    app_name="drive",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Drive, Group, Member, Item, Version, Share, Link, Upload, Quota, Orphan],
)
