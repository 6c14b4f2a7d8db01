"""What Purchase asks of Finance and Inventory, through the kernel's services port.

Purchase never imports them: it calls their services by name with plain data, in its own
transaction, and reads the answers into its own Structs below (only the fields it needs).
A provider that is off for the tenant answers ``ServiceUnavailable`` (409 naming it).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec

if TYPE_CHECKING:
    from nexus_hookspecs import Connection, Services

__all__ = (
    "DOCUMENTS_DRAFT",
    "PARTNERS_ENSURE",
    "PRODUCTS_GET",
    "RECEIVE",
    "Document",
    "Partner",
    "Product",
    "Received",
    "ReceivedLine",
    "products",
)

PARTNERS_ENSURE = "finance.partners.ensure"
DOCUMENTS_DRAFT = "finance.documents.draft"
PRODUCTS_GET = "inventory.products.get"
RECEIVE = "inventory.receive"


class Partner(msgspec.Struct, kw_only=True, forbid_unknown_fields=False):
    """Finance's answer to ``finance.partners.ensure``."""

    id: UUID
    name: str


class Document(msgspec.Struct, kw_only=True, forbid_unknown_fields=False):
    """Finance's answer to ``finance.documents.draft`` (the fields Purchase keeps)."""

    id: UUID
    number: str | None
    state: str
    untaxed_total: Decimal
    tax_total: Decimal
    total: Decimal
    currency: str


class Product(msgspec.Struct, kw_only=True, forbid_unknown_fields=False):
    """Inventory's answer to ``inventory.products.get`` (one product)."""

    id: UUID
    sku: str
    name: str
    tracked: bool
    currency: str


class ReceivedLine(msgspec.Struct, kw_only=True, forbid_unknown_fields=False):
    """A line of Inventory's answer to ``inventory.receive``."""

    origin_line: str
    move_id: UUID
    value: str


class Received(msgspec.Struct, kw_only=True, forbid_unknown_fields=False):
    """Inventory's answer to ``inventory.receive``."""

    lines: list[ReceivedLine]


async def products(services: Services, conn: Connection, ids: list[UUID]) -> dict[UUID, Product]:
    """Inventory's products by id (the ones it knows)."""
    if not ids:
        return {}
    found: list[Product] = await services.call(
        conn, PRODUCTS_GET, {"ids": list(dict.fromkeys(ids))}, result=list[Product]
    )
    return {product.id: product for product in found}


def plain(value: Any) -> Any:
    """``value`` as builtins a service request takes (decimals and ids kept)."""
    return msgspec.to_builtins(value, builtin_types=(Decimal, UUID))
