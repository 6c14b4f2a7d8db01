"""The loyalty plugin's tenant-owned table: one row per change of a member's points."""

from __future__ import annotations

from nexus_hookspecs.piccolo import TenantOwned
from piccolo.columns import UUID, Integer, Text, Timestamptz
from piccolo.table import Table

__all__ = ("Entry",)


class Entry(TenantOwned, Table, tablename="loyalty_entry"):
    """Points earned (positive) or redeemed (negative) by one member.

    ``member_id`` is the CRM contact (or, for a deal without one, the company); ``source``
    names what caused the entry (``crm.deal:<id>``) and is unique per tenant, so a deal
    awards points once however often its event is delivered or the deal is won again.
    """

    member_id = UUID()
    member_email = Text(null=True)
    points = Integer()
    reason = Text()
    source = Text(null=True)
    created_at = Timestamptz()
