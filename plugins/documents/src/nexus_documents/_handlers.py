"""Generated documents filed automatically: Finance's invoices and HR's payslips.

Finance publishes ``finance.invoice.rendered.v1`` once it stored a posted invoice's PDF in
the tenant's files store, HR ``hr.payslip.rendered.v1`` for an issued payslip. Documents
adopts the object into Drive (``drive.files.adopt``, no copy: Drive points at the same
key) under the tenant's "Documents" shared drive, in the folder the settings name, and
files a document of type ``invoice`` or ``payslip`` linked to its record (and to the
invoice's partner, the payslip's employee). One document per record: a re-rendered PDF
becomes a new version of the same Drive file and the same document follows it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import msgspec
import structlog

from nexus_documents._documents import RECORD_TYPE, LinkIn, insert_document
from nexus_documents._drive import DriveFile, adopt
from nexus_documents._events import INVOICE_RENDERED, PAYSLIP_RENDERED, Rendered
from nexus_documents._keys import FILING
from nexus_documents._types import DEFAULT_TYPES, create_type, type_by_key

if TYPE_CHECKING:
    from nexus_hookspecs import CloudEvent, EventContext

    from nexus_documents._settings import DocumentsSettings
    from nexus_documents._types import TypeOut

__all__ = ("file_rendered",)

_RECORD = re.compile(RECORD_TYPE)
log = structlog.get_logger("nexus_documents")


def _kind(event_type: str, settings: DocumentsSettings) -> tuple[str, str, str]:
    """The document type's key, the folder and the metadata field holding the label."""
    if event_type == INVOICE_RENDERED:
        return "invoice", settings.invoice_folder, "number"
    if event_type == PAYSLIP_RENDERED:
        return "payslip", settings.payslip_folder, "label"
    raise ValueError(f"not a rendered document event: {event_type}")  # pragma: no cover


async def _type(ctx: EventContext, key: str) -> TypeOut:
    """The tenant's type for ``key``; made again from the defaults if an admin deleted it."""
    found = await type_by_key(ctx.conn, key)
    if found is not None:
        return found
    [default] = [t for t in DEFAULT_TYPES if t.key == key]
    return await create_type(ctx.conn, default)


def _metadata(doc_type: TypeOut, values: dict[str, Any]) -> dict[str, Any]:
    """The generated values the type still has fields for (an admin may have changed them)."""
    kinds = {field.name: field.kind for field in doc_type.fields}
    wanted = {"number": "text", "label": "text", "issued_on": "date"}
    return {
        name: value
        for name, value in values.items()
        if value is not None and kinds.get(name) == wanted[name]
    }


async def file_rendered(event: CloudEvent, ctx: EventContext) -> None:
    """File a rendered invoice or payslip as a document over a Drive file (idempotent)."""
    if not await ctx.feature_enabled(FILING):
        return
    data = msgspec.convert(event.data, Rendered)
    settings: DocumentsSettings = await ctx.settings()
    key, folder, label_field = _kind(event.type, settings)
    source_ref = f"{data.record_type}:{data.record_id}"
    # A savepoint: Drive refusing the file (a 4xx problem) is for good, so the event is
    # logged and dropped instead of being retried forever; anything else is retried.
    await ctx.conn.execute("savepoint documents_adopt")
    try:
        adopted = await adopt(
            ctx.conn,
            ctx.services,
            blob_key=data.blob_key,
            name=data.filename,
            folder=folder,
            content_type=data.content_type,
            size=data.size,
            source_ref=source_ref,
        )
    except Exception as exc:
        status = getattr(exc, "status_code", 500)
        if not isinstance(status, int) or status >= 500:  # noqa: PLR2004 - HTTP classes
            raise
        await ctx.conn.execute("rollback to savepoint documents_adopt")
        log.warning(
            "drive refused a rendered document; not filed",
            source_ref=source_ref,
            status=status,
            detail=str(getattr(exc, "detail", exc)),
        )
        return
    await ctx.conn.execute("release savepoint documents_adopt")
    existing = await ctx.conn.fetchval(
        "select id from documents_document where source_ref = $1 for update", source_ref
    )
    if existing is not None:
        await ctx.conn.execute(
            "update documents_document set title = $2, drive_file_id = $3, file_name = $4, "
            "file_path = $5, content_type = $6, size = $7, file_trashed = false, "
            "updated_at = now() where id = $1",
            existing,
            data.label,
            adopted.file_id,
            data.filename,
            adopted.path,
            data.content_type,
            data.size,
        )
        return
    doc_type = await _type(ctx, key)
    issued = data.occurred_on.isoformat() if data.occurred_on is not None else None
    links = []
    if _RECORD.match(data.record_type):
        links.append(LinkIn(record_type=data.record_type, record_id=data.record_id))
    if data.partner_id is not None:
        links.append(LinkIn(record_type="finance.partner", record_id=data.partner_id))
    if data.employee_id is not None:
        links.append(LinkIn(record_type="hr.employee", record_id=data.employee_id))
    await insert_document(
        ctx.conn,
        ctx.events,
        doc_type=doc_type,
        title=data.label,
        metadata=_metadata(doc_type, {label_field: data.label, "issued_on": issued}),
        tags=[key],
        links=links,
        file=DriveFile(
            id=adopted.file_id,
            name=data.filename,
            path=adopted.path,
            size=data.size,
            content_type=data.content_type,
        ),
        source_ref=source_ref,
        created_by=None,
    )
