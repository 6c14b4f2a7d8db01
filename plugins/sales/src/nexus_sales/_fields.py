"""Field types and the line body that quotations and orders share."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated
from uuid import UUID

import msgspec
from nexus_hookspecs.http import Money, Multiline, Quantity, decimal_meta

__all__ = ("Currency", "Description", "LineIn", "Name", "Percent", "Terms")

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200, examples=["Globex Ltd"])]
Description = Annotated[str, msgspec.Meta(min_length=1, max_length=500, examples=["Oak desk"])]
Currency = Annotated[
    str, msgspec.Meta(pattern="^[A-Z]{3}$", description="ISO 4217 currency.", examples=["NGN"])
]
Terms = Annotated[Multiline, msgspec.Meta(max_length=2000)]
Percent = Annotated[
    Decimal,
    decimal_meta(digits=3, places=4, description="A discount in percent, 0 to 100.", example="10"),
]


class LineIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A document line: an Inventory product or free text.

    Attributes:
        description: What is sold.
        quantity: How many, positive.
        unit_price: The price of one, in the document's currency.
        product_id: The Inventory product, if the line names one (delivered from stock).
        discount_percent: A discount on the line, 0 to 100.
        tax_ids: Finance taxes; null (the default) lets Finance apply the product's or the
            customer's default taxes when invoicing.
    """

    description: Description
    quantity: Quantity
    unit_price: Money
    product_id: UUID | None = None
    discount_percent: Percent = Decimal(0)
    tax_ids: Annotated[list[UUID], msgspec.Meta(max_length=10)] | None = None
