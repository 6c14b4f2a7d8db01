"""The ``vas`` Piccolo app: its tables and migrations."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from nexus_vas.tables import Provider, Tenant, Transaction, Wallet, WalletEntry

__all__ = ("APP_CONFIG",)

APP_CONFIG = AppConfig(
    app_name="vas",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Tenant, Provider, Wallet, WalletEntry, Transaction],
)
