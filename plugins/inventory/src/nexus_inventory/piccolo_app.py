"""The ``inventory`` Piccolo app: its tables and migrations."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from nexus_inventory.tables import (
    Location,
    Move,
    Product,
    Quant,
    ReorderRule,
    Reservation,
    ValuationEntry,
    Warehouse,
)

__all__ = ("APP_CONFIG",)

APP_CONFIG = AppConfig(
    app_name="inventory",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[
        Product,
        Warehouse,
        Location,
        Quant,
        Move,
        Reservation,
        ReorderRule,
        ValuationEntry,
    ],
)
