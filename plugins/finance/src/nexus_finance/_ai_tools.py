"""Finance's tools for the tenant's assistants (``nexus_ai_tools``): draft an invoice.

The tool drafts through the very code of the ``finance.documents.draft`` service
(``_services.draft_document``): the same taxes, numbering rules and refusals.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import msgspec
from nexus_hookspecs import ServiceContext, Tool, hookimpl, new_id

from nexus_finance._keys import INVOICES_WRITE
from nexus_finance._services import DraftLine, DraftRequest, draft_document

if TYPE_CHECKING:
    from collections.abc import Callable

    from nexus_finance._service_documents import DocumentRef

__all__ = ("DraftInvoice", "nexus_ai_tools")


class DraftInvoice(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A customer invoice to draft (not posted): the partner by id, or by a new name."""

    lines: Annotated[list[DraftLine], msgspec.Meta(min_length=1, max_length=100)]
    partner_id: UUID | None = None
    partner_name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None
    date: dt.date | None = None
    currency: Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$")] | None = None
    reference: Annotated[str, msgspec.Meta(max_length=2000)] | None = None


async def _draft_invoice(data: DraftInvoice, ctx: ServiceContext) -> DocumentRef:
    request = DraftRequest(
        kind="invoice",
        source_ref=f"ai:{new_id()}",
        date=data.date or dt.datetime.now(dt.UTC).date(),
        lines=data.lines,
        partner_id=data.partner_id,
        partner_name=data.partner_name,
        currency=data.currency,
        reference=data.reference,
    )
    return await draft_document(request, ctx)


@hookimpl
def nexus_ai_tools(register: Callable[[Tool], None]) -> None:
    """Offer drafting a customer invoice to the tenant's assistants (a writing tool)."""
    register(
        Tool(
            name="finance.invoices.draft",
            description=(
                "Drafts a customer invoice (not posted): lines with description, quantity "
                "and unit price; taxes default to the product's or the company's."
            ),
            input=DraftInvoice,
            permission=INVOICES_WRITE,
            handler=_draft_invoice,
            writes=True,
        )
    )
