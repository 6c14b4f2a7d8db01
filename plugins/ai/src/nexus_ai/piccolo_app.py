"""The ``ai`` Piccolo app: its tables and migrations."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from nexus_ai.tables import McpCall, McpServer, Policy, Price, Provider, Usage

__all__ = ("APP_CONFIG",)

APP_CONFIG = AppConfig(
    app_name="ai",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Provider, Policy, Usage, McpServer, McpCall, Price],
)
