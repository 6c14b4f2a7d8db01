"""An invoice's PDF in the tenant's files store: rendered when it is posted, or on demand.

Finance handles its own ``finance.invoice.posted.v1``: the PDF is rendered (fpdf2, imported
with the first one) and stored at ``finance/invoices/<id>.pdf``, a key derived from the
event, so a redelivered event overwrites the object; then ``finance.invoice.rendered.v1``
says where it is. Bills are the supplier's documents: not rendered.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from typing import TYPE_CHECKING, Any
from uuid import UUID

import structlog

from nexus_finance._document_events import INVOICE_RENDERED, RecordRendered
from nexus_finance._documents import Document, file_name, load_document

if TYPE_CHECKING:
    from nexus_hookspecs import BlobStore, CloudEvent, Connection, EventContext

__all__ = ("PDF", "invoice_key", "on_invoice_posted", "store_pdf")

log = structlog.get_logger("nexus_finance")
PDF = "application/pdf"
_RENDERED_KINDS = ("invoice", "credit_note")


def invoice_key(invoice_id: UUID) -> str:
    """Where an invoice's PDF is kept in the tenant's files store."""
    return f"finance/invoices/{invoice_id}.pdf"


def _render(document: Document) -> bytes:
    from nexus_finance._documents_pdf import render_pdf  # noqa: PLC0415 - fpdf2 on first use

    return render_pdf(document)


async def store_pdf(conn: Connection, blobs: BlobStore, invoice_id: UUID) -> tuple[Document, int]:
    """Render the document's PDF into the files store; the document and the PDF's size.

    Raises:
        NotFoundException: The document is not the tenant's.
    """
    document = await load_document(conn, invoice_id)
    if document.logo_key:
        with contextlib.suppress(KeyError, ValueError, PermissionError):
            document = dataclasses.replace(document, logo=await blobs.get(document.logo_key))
    content = await asyncio.to_thread(_render, document)  # CPU work off the event loop
    info = await blobs.put(invoice_key(invoice_id), content, content_type=PDF)
    return document, info.size


async def on_invoice_posted(event: CloudEvent, ctx: EventContext) -> None:
    """Render a posted invoice's or credit note's PDF; publish ``finance.invoice.rendered.v1``."""
    data: dict[str, Any] = event.data or {}
    if data.get("kind") not in _RENDERED_KINDS:
        return
    try:
        invoice_id = UUID(str(data.get("id")))
    except ValueError:
        log.warning("posted event without an invoice id ignored", event_id=event.id)
        return
    if not await ctx.conn.fetchval("select 1 from finance_invoice where id = $1", invoice_id):
        return
    document, size = await store_pdf(ctx.conn, ctx.blobs, invoice_id)
    await ctx.events.publish(
        ctx.conn,
        type=INVOICE_RENDERED.type,
        subject=str(invoice_id),
        data=RecordRendered(
            record_type="finance.invoice",
            record_id=invoice_id,
            label=document.number or f"draft {invoice_id}",
            blob_key=invoice_key(invoice_id),
            filename=file_name(document, "pdf"),
            content_type=PDF,
            size=size,
            partner_id=UUID(str(data["partner_id"])) if data.get("partner_id") else None,
            employee_id=None,
            occurred_on=document.date,
        ),
    )
