"""The kernel's own Piccolo app: tenants, identity and request bookkeeping tables."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

APP_CONFIG = AppConfig(
    app_name="nexus",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[],
)
