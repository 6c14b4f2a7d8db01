"""What Projects needs of Finance: its own mirrors of Finance's services' answers.

Projects never imports Finance. It calls ``finance.partners.ensure`` and
``finance.documents.draft`` by name through the kernel's services port, inside the billing
run's transaction; Finance switched off answers the kernel's ServiceUnavailable (409 with
``blocking: ["finance"]``) and nothing is marked billed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec

if TYPE_CHECKING:
    from datetime import date

    from nexus_hookspecs import Connection, Services

__all__ = ("Document", "Partner", "draft_invoice", "ensure_partner")


class Partner(msgspec.Struct, kw_only=True):
    """A Finance partner (``finance.partners.ensure``)."""

    id: UUID
    name: str


class Document(msgspec.Struct, kw_only=True):
    """A Finance invoice (``finance.documents.draft``)."""

    id: UUID
    number: str | None = None
    state: str
    untaxed_total: Decimal = Decimal(0)
    total: Decimal = Decimal(0)
    currency: str


async def ensure_partner(
    conn: Connection, services: Services, *, partner_ref: UUID | None, name: str
) -> UUID:
    """The Finance customer of the project (linked to its CRM ``customer_ref``)."""
    data: dict[str, Any] = {"name": name, "kind": "customer"}
    if partner_ref is not None:
        data["partner_ref"] = str(partner_ref)
    found = await services.call(conn, "finance.partners.ensure", data, result=Partner)
    return found.id


async def draft_invoice(
    conn: Connection,
    services: Services,
    *,
    partner_id: UUID,
    currency: str,
    day: date,
    reference: str,
    source_ref: str,
    lines: list[dict[str, Any]],
    post: bool,
) -> Document:
    """Draft (with ``post``, post) a Finance invoice, once per ``source_ref``."""
    data = {
        "kind": "invoice",
        "direction": "sale",
        "partner_id": str(partner_id),
        "currency": currency,
        "date": day.isoformat(),
        "reference": reference,
        "source_ref": source_ref,
        "lines": lines,
        "post": post,
    }
    return await services.call(conn, "finance.documents.draft", data, result=Document)
