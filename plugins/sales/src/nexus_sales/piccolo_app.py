"""The ``sales`` Piccolo app: its tables and migrations."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from nexus_sales.tables import (
    Delivery,
    DeliveryLine,
    Invoice,
    InvoiceLine,
    Order,
    OrderLine,
    ProductPolicy,
    Quotation,
    QuotationLine,
    Return,
    ReturnLine,
    Sequence,
)

__all__ = ("APP_CONFIG",)

APP_CONFIG = AppConfig(
    app_name="sales",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[
        Sequence,
        Quotation,
        QuotationLine,
        Order,
        OrderLine,
        Delivery,
        DeliveryLine,
        Return,
        ReturnLine,
        Invoice,
        InvoiceLine,
        ProductPolicy,
    ],
)
