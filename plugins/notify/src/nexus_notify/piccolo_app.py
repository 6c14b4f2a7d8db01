"""The ``notify`` Piccolo app: its tables and migrations."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from nexus_notify.tables import (
    Delivery,
    Feed,
    Message,
    Preference,
    Provider,
    Template,
    Tenant,
    Unsubscribe,
    WebhookEndpoint,
)

__all__ = ("APP_CONFIG",)

APP_CONFIG = AppConfig(
    app_name="notify",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[
        Tenant,
        Template,
        Message,
        WebhookEndpoint,
        Delivery,
        Provider,
        Preference,
        Unsubscribe,
        Feed,
    ],
)
