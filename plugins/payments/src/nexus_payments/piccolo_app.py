"""The ``payments`` Piccolo app: its tables and migrations."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from nexus_payments.tables import Account, Checkout, Payment, Refund, Tenant, WebhookEvent

__all__ = ("APP_CONFIG",)

APP_CONFIG = AppConfig(
    app_name="payments",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Tenant, Account, Checkout, Payment, Refund, WebhookEvent],
)
