"""Finance's tools for the tenant's assistants (``nexus_ai_tools``): draft an invoice.

The tool drafts through the very code of the ``finance.documents.draft`` service
(``_services.draft_document``): the same taxes, numbering rules and refusals. Invoices are
readable resources, ``nexus://finance/invoices/{id}`` (contract 0.1.6), and
``finance.invoices.explain`` a prompt built from one.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import msgspec
from nexus_hookspecs import (
    Prompt,
    Resource,
    ResourceItem,
    ServiceContext,
    Tool,
    hookimpl,
    new_id,
)

from nexus_finance import _invoices
from nexus_finance._keys import INVOICES_READ, INVOICES_WRITE
from nexus_finance._services import DraftLine, DraftRequest, draft_document

if TYPE_CHECKING:
    from collections.abc import Callable

    from nexus_finance._service_documents import DocumentRef

__all__ = ("DraftInvoice", "ExplainInvoice", "nexus_ai_tools")


class DraftInvoice(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A customer invoice to draft (not posted): the partner by id, or by a new name."""

    lines: Annotated[list[DraftLine], msgspec.Meta(min_length=1, max_length=100)]
    partner_id: UUID | None = None
    partner_name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None
    date: dt.date | None = None
    currency: Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$")] | None = None
    reference: Annotated[str, msgspec.Meta(max_length=2000)] | None = None


class ExplainInvoice(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The invoice to explain."""

    invoice_id: Annotated[UUID, msgspec.Meta(description="The invoice's id.")]


async def _read_invoice(record_id: str, ctx: ServiceContext) -> Any:
    try:
        invoice_id = UUID(record_id)
    except ValueError:
        return None
    if await ctx.conn.fetchval("select id from finance_invoice where id = $1", invoice_id) is None:
        return None
    return await _invoices.load(ctx.conn, invoice_id)


async def _browse_invoices(limit: int, ctx: ServiceContext) -> list[ResourceItem]:
    rows = await ctx.conn.fetch(
        "select i.id, i.kind, i.number, i.date, p.name from finance_invoice i "
        "join finance_partner p on p.id = i.partner_id order by i.created_at desc, i.id "
        "limit $1",
        limit,
    )
    return [
        ResourceItem(
            id=str(r["id"]),
            title=f"{r['kind'].replace('_', ' ')} {r['number'] or '(draft)'} — {r['name']}",
        )
        for r in rows
    ]


async def _explain_invoice(data: ExplainInvoice, ctx: ServiceContext) -> str:
    invoice = await _invoices.load(ctx.conn, data.invoice_id)
    partner = await ctx.conn.fetchval(
        "select name from finance_partner where id = $1", invoice.partner_id
    )
    lines = [
        "Explain this document in plain words to someone who is not an accountant: what "
        "it charges for, how the total is made up (taxes included), and what is left to pay "
        "and by when.",
        f"{invoice.kind.replace('_', ' ').capitalize()} {invoice.number or '(draft)'} "
        f"({invoice.state}) to {partner}, dated {invoice.date}, due {invoice.due_date}.",
    ]
    lines += [
        f"- {line.description}: {line.quantity} x {line.unit_price} {invoice.currency}"
        + (f" less {line.discount_percent}%" if line.discount_percent else "")
        for line in invoice.lines
    ]
    lines.append(
        f"Untaxed {invoice.untaxed_total}, tax {invoice.tax_total}, total {invoice.total}, "
        f"paid {invoice.amount_paid}, left to pay {invoice.residual} {invoice.currency}."
    )
    return "\n".join(lines)


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
def nexus_ai_tools(register: Callable[[Tool | Resource | Prompt], None]) -> None:
    """Offer drafting a customer invoice (a writing tool), invoices and their explanation."""
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
    register(
        Resource(
            name="finance.invoices",
            description="An invoice, bill or credit note: partner, lines, totals, payments.",
            permission=INVOICES_READ,
            read=_read_invoice,
            browse=_browse_invoices,
        )
    )
    register(
        Prompt(
            name="finance.invoices.explain",
            description="Explain an invoice in plain words: charges, taxes, what is left to pay.",
            arguments=ExplainInvoice,
            permission=INVOICES_READ,
            render=_explain_invoice,
        )
    )
