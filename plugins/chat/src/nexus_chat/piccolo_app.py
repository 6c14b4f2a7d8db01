"""The ``chat`` Piccolo app: its tables and migrations."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from nexus_chat.tables import (
    Channel,
    Edit,
    Hook,
    Member,
    Message,
    Outgoing,
    Presence,
    Reaction,
)

__all__ = ("APP_CONFIG",)

APP_CONFIG = AppConfig(
    app_name="chat",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Channel, Member, Message, Edit, Hook, Presence, Reaction, Outgoing],
)
