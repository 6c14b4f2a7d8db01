"""The ``purchase`` Piccolo app: its tables and migrations."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from nexus_purchase.tables import (
    Bill,
    BillLine,
    Order,
    OrderLine,
    Receipt,
    ReceiptLine,
    Vendor,
    VendorProduct,
)

__all__ = ("APP_CONFIG",)

APP_CONFIG = AppConfig(
    app_name="purchase",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Vendor, VendorProduct, Order, OrderLine, Receipt, ReceiptLine, Bill, BillLine],
)
