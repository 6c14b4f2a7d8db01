"""Where a document or an entry came from: its ``source_ref`` parsed into a typed origin.

Every plugin that drafts a Finance document (or books an entry) names its source as
``<plugin>.<kind>:<id>[:<more>]``. The shapes in use:

============================================  ===========================================
``source_ref``                                ``origin``
============================================  ===========================================
``sales.order:<order>:<n>``                   Sales order, its n-th invoice (``sequence``)
``sales.return:<return>:<invoice>``           Sales return (credit note of ``invoice``)
``sales.deal:<deal>`` / ``crm.deal:<deal>``   CRM deal won (drafted by Sales / Finance)
``purchase.bill:<bill>[:price-difference]``   Purchase vendor bill (``part``: its credit
                                              note for a price billed below the order's)
``inventory.move:<move>``                     Inventory move (a stock valuation entry)
``hr.payrun:<payrun>``                        HR pay run (the payroll journal entry)
``finance.invoice:<id>`` / ``.payment:<id>``  Finance's own documents and payments
``finance.closing:<fiscal year>``             Finance year-end closing entry
============================================  ===========================================

``path`` is the source's ``GET`` route when its plugin has one; an unknown
``<plugin>.<kind>:<id>`` still parses (without a path); anything else has no origin.
"""

from __future__ import annotations

from uuid import UUID

import msgspec

__all__ = ("Origin", "origin_of")


class Origin(msgspec.Struct, kw_only=True):
    """The source of a document or entry (``source_ref`` parsed)."""

    plugin: str
    """The plugin owning the source: ``sales``, ``purchase``, ``crm``, ``hr``…"""
    kind: str
    """What the source is: ``order``, ``return``, ``deal``, ``bill``, ``payrun``, ``move``…"""
    id: UUID | None
    """The source's id in its plugin (``null`` when the reference names no UUID)."""
    ref: str
    """The ``source_ref`` as stored."""
    sequence: int | None = None
    """For an order's invoices: 1 for its first invoice, 2 for the next…"""
    part: str | None = None
    """A part of the source (``price-difference``: a bill's price-difference credit note)."""
    path: str | None = None
    """The source's ``GET`` route (``/api/v1/sales/orders/<id>``), when known."""


_PATHS = {
    ("sales", "order"): "/api/v1/sales/orders/{id}",
    ("sales", "return"): "/api/v1/sales/returns/{id}",
    ("sales", "quotation"): "/api/v1/sales/quotations/{id}",
    ("crm", "deal"): "/api/v1/crm/deals/{id}",
    ("purchase", "bill"): "/api/v1/purchase/bills/{id}",
    ("purchase", "order"): "/api/v1/purchase/orders/{id}",
    ("purchase", "receipt"): "/api/v1/purchase/receipts/{id}",
    ("inventory", "move"): "/api/v1/inventory/moves/{id}",
    ("hr", "payrun"): "/api/v1/hr/payruns/{id}",
    ("finance", "invoice"): "/api/v1/finance/invoices/{id}",
    ("finance", "payment"): "/api/v1/finance/payments/{id}",
    ("finance", "closing"): "/api/v1/finance/fiscal-years/{id}",
}
# Sales drafts a won deal's invoice (``sales.deal:<deal>``): the source is CRM's deal.
_ALIASES = {("sales", "deal"): ("crm", "deal")}


def _uuid(text: str) -> UUID | None:
    try:
        return UUID(text)
    except ValueError:
        return None


def origin_of(source_ref: str | None) -> Origin | None:
    """The origin ``source_ref`` names; ``None`` when there is none or it has no such shape."""
    if not source_ref:
        return None
    head, colon, rest = source_ref.partition(":")
    plugin, dot, kind = head.partition(".")
    if not (colon and dot and plugin and kind and rest):
        return None
    plugin, kind = _ALIASES.get((plugin, kind), (plugin, kind))
    key, _, more = rest.partition(":")
    found = _uuid(key)
    sequence = part = None
    if more.isdigit():
        sequence = int(more)
    elif more and _uuid(more) is None:
        part = more  # a UUID after the source (a return's invoice) is the credited document
    template = _PATHS.get((plugin, kind))
    return Origin(
        plugin=plugin,
        kind=kind,
        id=found,
        ref=source_ref,
        sequence=sequence,
        part=part,
        path=template.format(id=found) if template and found else None,
    )
