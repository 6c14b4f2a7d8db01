"""``/documents``, ``/records`` and ``/tags``: document records, their links and tags."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, patch, post, put
from litestar.params import FromPath, PathParameter, QueryParameter
from nexus_hookspecs.http import (
    Context,
    Cursor,
    Db,
    Events,
    Limit,
    Page,
    Services,
    after_id,
    page_of,
    route_opt,
)

from nexus_documents._documents import (
    RECORD_TYPE,
    DocumentIn,
    DocumentOut,
    DocumentPatch,
    Filters,
    LinkIn,
    LinkOut,
    TagCount,
    add_link,
    create_document,
    delete_document,
    get_document,
    list_documents,
    list_tags,
    remove_link,
    set_hold,
    update_document,
)
from nexus_documents._examples import body
from nexus_documents._keys import DOCUMENTS_READ, DOCUMENTS_WRITE, RETENTION_MANAGE

__all__ = ("DocumentController", "RecordController", "TagController")


class HoldIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Put a document on legal hold (with the reason) or release it."""

    legal_hold: bool
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500)] | None = None


class DocumentController(Controller):
    """Document records over Drive files."""

    path = "/documents"
    tags = ["documents: documents"]

    @get("/", opt=route_opt(permission=DOCUMENTS_READ))
    async def list_documents(  # noqa: PLR0913 - one parameter per filter
        self,
        db: Db,
        type: Annotated[  # noqa: A002 - the API's name for it
            str | None,
            QueryParameter(description="A type's key.", pattern=r"^[a-z][a-z0-9_]{0,39}$"),
        ] = None,
        tag: Annotated[str | None, QueryParameter(description="A tag.", max_length=50)] = None,
        status: Annotated[
            Literal["active", "expired"] | None, QueryParameter(description="Active or expired.")
        ] = None,
        record_type: Annotated[
            str | None,
            QueryParameter(description="Linked to a record of this type.", pattern=RECORD_TYPE),
        ] = None,
        record_id: Annotated[
            UUID | None, QueryParameter(description="Linked to this record (with record_type).")
        ] = None,
        q: Annotated[
            str | None,
            QueryParameter(description="A word of the title.", min_length=1, max_length=200),
        ] = None,
        legal_hold: Annotated[
            bool | None, QueryParameter(description="On legal hold, or not.")
        ] = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[DocumentOut]:
        """Documents, oldest first, narrowed by the filters given.

        By type (key), tag, status, linked record (``record_type`` and optionally
        ``record_id``), a word of the title (``q``) or legal hold.
        """
        filters = Filters(
            type=type,
            tag=tag,
            status=status,
            record_type=record_type,
            record_id=record_id,
            q=q,
            legal_hold=legal_hold,
        )
        async with db.transaction() as conn:
            found = await list_documents(conn, filters, after=after_id(cursor), limit=limit + 1)
        return page_of(found, limit)

    @post("/", opt=route_opt(permission=DOCUMENTS_WRITE))
    async def create_document(
        self,
        db: Db,
        events: Events,
        services: Services,
        context: Context,
        data: Annotated[DocumentIn, body("POST /documents", "A lease, linked to its deal")],
    ) -> DocumentOut:
        """Create a document of a type, over a Drive file or waiting for one.

        422 naming ``type`` (unknown), ``metadata.<field>`` (unknown, missing when required,
        or of the wrong kind) or ``drive_file_id`` (no such Drive file, or in the trash);
        409 with ``blocking: ["drive"]`` when Drive is off. Publishes
        ``documents.document.created.v1``.
        """
        async with db.transaction() as conn:
            return await create_document(conn, events, services, data, actor=context.actor)

    @get("/{document_id:uuid}", opt=route_opt(permission=DOCUMENTS_READ))
    async def show_document(self, db: Db, document_id: FromPath[UUID]) -> DocumentOut:
        """One document with its links; another tenant's answers 404 like a missing one."""
        async with db.transaction() as conn:
            return await get_document(conn, document_id)

    @patch("/{document_id:uuid}", opt=route_opt(permission=DOCUMENTS_WRITE))
    async def change_document(
        self,
        db: Db,
        services: Services,
        document_id: FromPath[UUID],
        data: Annotated[DocumentPatch, body("PATCH /documents/{document_id}", "Signed")],
    ) -> DocumentOut:
        """Change a document's title, file, metadata (merged; ``null`` unsets) or tags.

        422 as on create; 409 once the document expired.
        """
        async with db.transaction() as conn:
            return await update_document(conn, services, document_id, data)

    @delete("/{document_id:uuid}", opt=route_opt(permission=DOCUMENTS_WRITE))
    async def delete_document(self, db: Db, document_id: FromPath[UUID]) -> None:
        """Delete a document record (its Drive file stays in Drive); 409 on legal hold."""
        async with db.transaction() as conn:
            await delete_document(conn, document_id)

    @post("/{document_id:uuid}/links", opt=route_opt(permission=DOCUMENTS_WRITE))
    async def link_document(
        self,
        db: Db,
        document_id: FromPath[UUID],
        data: Annotated[LinkIn, body("POST /documents/{document_id}/links", "To an employee")],
    ) -> LinkOut:
        """Link the document to a record; linking twice answers the first link.

        The record is named by its type (``finance.invoice``, ``hr.employee``,
        ``crm.deal``) and its id.
        """
        async with db.transaction() as conn:
            return await add_link(conn, document_id, data)

    @delete("/{document_id:uuid}/links/{link_id:uuid}", opt=route_opt(permission=DOCUMENTS_WRITE))
    async def unlink_document(
        self, db: Db, document_id: FromPath[UUID], link_id: FromPath[UUID]
    ) -> None:
        """Remove a link of the document; 404 when it has no such link."""
        async with db.transaction() as conn:
            await remove_link(conn, document_id, link_id)

    @put("/{document_id:uuid}/hold", opt=route_opt(permission=RETENTION_MANAGE))
    async def hold_document(
        self,
        db: Db,
        document_id: FromPath[UUID],
        data: Annotated[HoldIn, body("PUT /documents/{document_id}/hold", "A dispute")],
    ) -> DocumentOut:
        """Put the document on legal hold or release it.

        A held document is neither expired by the retention sweep (its Drive file is not
        trashed) nor deleted; released, the next sweep expires it if its period is over.
        """
        async with db.transaction() as conn:
            return await set_hold(conn, document_id, hold=data.legal_hold, reason=data.reason)


class RecordController(Controller):
    """The documents of another plugin's record."""

    path = "/records"
    tags = ["documents: documents"]

    @get("/{record_type:str}/{record_id:uuid}/documents", opt=route_opt(permission=DOCUMENTS_READ))
    async def record_documents(
        self,
        db: Db,
        record_type: Annotated[str, PathParameter(pattern=RECORD_TYPE)],
        record_id: FromPath[UUID],
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[DocumentOut]:
        """The documents linked to one record, oldest first.

        An invoice's PDF, an employee's contract; an empty page for a record without any.
        """
        filters = Filters(record_type=record_type, record_id=record_id)
        async with db.transaction() as conn:
            found = await list_documents(conn, filters, after=after_id(cursor), limit=limit + 1)
        return page_of(found, limit)


class TagController(Controller):
    """Tags in use."""

    path = "/tags"
    tags = ["documents: documents"]

    @get("/", opt=route_opt(permission=DOCUMENTS_READ))
    async def list_tags(self, db: Db) -> list[TagCount]:
        """Every tag on the tenant's documents, most used first (at most 500)."""
        async with db.transaction() as conn:
            return await list_tags(conn)
