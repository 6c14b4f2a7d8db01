"""The ``shop`` Piccolo app: its tables and migrations."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from nexus_shop.tables import (
    Cart,
    CartLine,
    Category,
    Discount,
    Image,
    Listing,
    Order,
    OrderLine,
    Price,
    PriceList,
    ShippingMethod,
    State,
)

__all__ = ("APP_CONFIG",)

APP_CONFIG = AppConfig(
    app_name="shop",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[
        State,
        Category,
        Listing,
        Image,
        PriceList,
        Price,
        ShippingMethod,
        Discount,
        Cart,
        CartLine,
        Order,
        OrderLine,
    ],
)
