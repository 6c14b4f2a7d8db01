"""The ``crm`` Piccolo app: its tables and migrations."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from nexus_crm.tables import (
    Activity,
    Company,
    CompanyTag,
    Contact,
    ContactTag,
    Deal,
    DealLine,
    DealStageChange,
    Pipeline,
    Stage,
    Tag,
)

__all__ = ("APP_CONFIG", "TABLES")

TABLES = (
    Company,
    Contact,
    Tag,
    CompanyTag,
    ContactTag,
    Pipeline,
    Stage,
    Deal,
    DealLine,
    DealStageChange,
    Activity,
)

APP_CONFIG = AppConfig(
    app_name="crm",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=list(TABLES),
)
