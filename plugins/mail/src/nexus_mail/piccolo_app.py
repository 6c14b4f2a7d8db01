"""The ``mail`` Piccolo app: its tables and migrations."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from nexus_mail.tables import (
    Alias,
    Attachment,
    Domain,
    Folder,
    Mailbox,
    Message,
    Suppression,
    Thread,
)

__all__ = ("APP_CONFIG",)

APP_CONFIG = AppConfig(
    app_name="mail",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Domain, Mailbox, Alias, Folder, Thread, Message, Attachment, Suppression],
)
