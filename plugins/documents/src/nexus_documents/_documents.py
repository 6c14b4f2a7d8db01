"""Documents: records over Drive files, with typed metadata, tags and links to records.

A document names its type by key, its Drive file by id (checked through
``drive.files.get``; a document may wait for its file), and keeps a copy of the file's name,
path, type and size as Drive answered them. Metadata is checked against the type's fields
(``_fields``); ``retain_until`` follows the type's retention rule (``_types``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import FieldErrors, conflict, invalid, not_found

from nexus_documents._drive import DriveFile, file_of
from nexus_documents._events import DOCUMENT_CREATED, DocumentCreated, LinkRef
from nexus_documents._fields import check_metadata
from nexus_documents._types import TypeOut, get_type, recompute_retention, type_by_key

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from nexus_hookspecs import Connection, EventPublisher, Services

__all__ = (
    "RECORD_TYPE",
    "DocumentIn",
    "DocumentOut",
    "DocumentPatch",
    "FileOut",
    "Filters",
    "LinkIn",
    "LinkOut",
    "TagCount",
    "add_link",
    "create_document",
    "delete_document",
    "get_document",
    "list_documents",
    "list_tags",
    "remove_link",
    "set_hold",
    "update_document",
)

RECORD_TYPE = r"^[a-z][a-z0-9_]{0,39}\.[a-z][a-z0-9_]{0,39}$"
Tag = Annotated[str, msgspec.Meta(pattern=r"^[\w][\w .&/+-]{0,49}$")]
Title = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
TypeKey = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Metadata = Annotated[dict[str, Any], msgspec.Meta(max_length=100)]


class LinkIn(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """A record to link a document to.

    Attributes:
        record_type: ``<plugin>.<thing>``: ``finance.invoice``, ``hr.employee``, ``crm.deal``.
        record_id: The record's id in that plugin.
    """

    record_type: Annotated[str, msgspec.Meta(pattern=RECORD_TYPE)]
    record_id: UUID


class LinkOut(msgspec.Struct, kw_only=True):
    """A document's link to a record."""

    id: UUID
    record_type: str
    record_id: UUID
    created_at: datetime


class FileOut(msgspec.Struct, kw_only=True):
    """The Drive file of a document, as Drive last described it.

    Attributes:
        trashed: Whether the file is in Drive's trash now (restorable until purged).
    """

    id: UUID
    name: str | None
    path: str | None
    content_type: str | None
    size: int | None
    trashed: bool


class DocumentIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new document.

    Attributes:
        type: The key of its type (``contract``).
        title: What people see in lists.
        drive_file_id: The Drive file it describes; left out, the document waits for one.
        metadata: Values of the type's fields.
        tags: Free labels (``nda``, ``2026``).
        links: Records it belongs to.
    """

    type: TypeKey
    title: Title
    drive_file_id: UUID | None = None
    metadata: Metadata = msgspec.field(default_factory=dict)
    tags: Annotated[list[Tag], msgspec.Meta(max_length=30)] = msgspec.field(default_factory=list)
    links: Annotated[list[LinkIn], msgspec.Meta(max_length=50)] = msgspec.field(
        default_factory=list
    )


class DocumentPatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Changes to a document; omitted members stay.

    Attributes:
        title: A new title.
        drive_file_id: Another Drive file (or ``null`` to detach it).
        metadata: Fields to set (merged into the document's; ``null`` unsets a field).
        tags: The new tags (replacing them all).
    """

    title: Title | msgspec.UnsetType = msgspec.UNSET
    drive_file_id: UUID | None | msgspec.UnsetType = msgspec.UNSET
    metadata: Metadata | msgspec.UnsetType = msgspec.UNSET
    tags: Annotated[list[Tag], msgspec.Meta(max_length=30)] | msgspec.UnsetType = msgspec.UNSET


class DocumentOut(msgspec.Struct, kw_only=True):
    """A document as the API shows it.

    Attributes:
        status: ``active``, or ``expired`` once the retention sweep passed it.
        retain_until: The last day its type's retention rule keeps it (``null``: forever).
        legal_hold: Whether it is held: the sweep leaves it and its file alone.
        approval: The status of its latest approval (``pending``, ``approved``,
            ``rejected``), ``null`` when none was started.
        source_ref: For a generated document, the record it was filed for.
    """

    id: UUID
    type: str
    type_id: UUID
    title: str
    file: FileOut | None
    metadata: dict[str, Any]
    tags: list[str]
    links: list[LinkOut]
    status: Literal["active", "expired"]
    retain_until: date | None
    legal_hold: bool
    hold_reason: str | None
    expired_at: datetime | None
    approval: str | None
    source_ref: str | None
    created_by: str | None
    created_at: datetime
    updated_at: datetime


class TagCount(msgspec.Struct, kw_only=True):
    """A tag in use and how many documents carry it."""

    tag: str
    documents: int


class Filters(msgspec.Struct, kw_only=True):
    """What a document list is narrowed to (each ``None``: not narrowed)."""

    type: str | None = None
    tag: str | None = None
    status: str | None = None
    record_type: str | None = None
    record_id: UUID | None = None
    q: str | None = None
    legal_hold: bool | None = None


_SELECT = """
    select d.id, t.key as type, d.type_id, d.title, d.drive_file_id, d.file_name, d.file_path,
        d.content_type, d.size, d.file_trashed, d.metadata, d.tags, d.status, d.retain_until,
        d.legal_hold, d.hold_reason, d.expired_at, d.source_ref, d.created_by, d.created_at,
        d.updated_at,
        (select a.status from documents_approval a where a.document_id = d.id
            order by a.id desc limit 1) as approval
    from documents_document d join documents_type t on t.id = d.type_id
"""


def _json(value: Any) -> Any:
    return msgspec.json.decode(value) if isinstance(value, str | bytes) else value


def _like(text: str) -> str:
    """``text`` as a literal inside an ``ilike`` pattern (its wildcards and escapes escaped)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _tags(tags: Sequence[str]) -> list[str]:
    return sorted({tag.strip().lower() for tag in tags})


async def _links_of(conn: Connection, ids: list[UUID]) -> dict[UUID, list[LinkOut]]:
    rows = await conn.fetch(
        "select id, document_id, record_type, record_id, created_at from documents_link "
        "where document_id = any($1::uuid[]) order by id",
        ids,
    )
    links: dict[UUID, list[LinkOut]] = {}
    for row in rows:
        links.setdefault(row["document_id"], []).append(
            LinkOut(
                id=row["id"],
                record_type=row["record_type"],
                record_id=row["record_id"],
                created_at=row["created_at"],
            )
        )
    return links


def _out(row: Mapping[str, Any], links: list[LinkOut]) -> DocumentOut:
    file = None
    if row["drive_file_id"] is not None:
        file = FileOut(
            id=row["drive_file_id"],
            name=row["file_name"],
            path=row["file_path"],
            content_type=row["content_type"],
            size=row["size"],
            trashed=row["file_trashed"],
        )
    return DocumentOut(
        id=row["id"],
        type=row["type"],
        type_id=row["type_id"],
        title=row["title"],
        file=file,
        metadata=_json(row["metadata"]),
        tags=list(row["tags"]),
        links=links,
        status=row["status"],
        retain_until=row["retain_until"],
        legal_hold=row["legal_hold"],
        hold_reason=row["hold_reason"],
        expired_at=row["expired_at"],
        approval=row["approval"],
        source_ref=row["source_ref"],
        created_by=row["created_by"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


async def get_document(conn: Connection, document_id: UUID, *, lock: bool = False) -> DocumentOut:
    """One document with its links; 404 when the tenant has none with this id."""
    if lock:
        await conn.execute("select 1 from documents_document where id = $1 for update", document_id)
    row = await conn.fetchrow(f"{_SELECT} where d.id = $1", document_id)
    if row is None:
        not_found()
    return _out(row, (await _links_of(conn, [document_id])).get(document_id, []))


async def list_documents(
    conn: Connection, filters: Filters, *, after: UUID | None, limit: int
) -> list[DocumentOut]:
    """Documents matching ``filters``, in creation order, ``limit`` after ``after``."""
    rows = await conn.fetch(
        f"{_SELECT} where ($1::uuid is null or d.id > $1) "
        "and ($2::text is null or t.key = $2) "
        "and ($3::text is null or $3 = any(d.tags)) "
        "and ($4::text is null or d.status = $4) "
        "and ($5::text is null or exists (select 1 from documents_link l "
        "    where l.document_id = d.id and l.record_type = $5 "
        "    and ($6::uuid is null or l.record_id = $6))) "
        "and ($7::text is null or d.title ilike '%' || $7 || '%') "
        "and ($8::boolean is null or d.legal_hold = $8) "
        "order by d.id limit $9",
        after,
        filters.type,
        None if filters.tag is None else filters.tag.strip().lower(),
        filters.status,
        filters.record_type,
        filters.record_id,
        None if filters.q is None else _like(filters.q),
        filters.legal_hold,
        limit,
    )
    links = await _links_of(conn, [row["id"] for row in rows])
    return [_out(row, links.get(row["id"], [])) for row in rows]


async def _type(conn: Connection, key: str) -> TypeOut:
    found = await type_by_key(conn, key)
    if found is None:
        invalid("type", f"no document type {key!r} in this tenant")
    return found


async def insert_document(
    conn: Connection,
    events: EventPublisher,
    *,
    doc_type: TypeOut,
    title: str,
    metadata: dict[str, Any],
    tags: Sequence[str],
    links: Sequence[LinkIn],
    file: DriveFile | None,
    source_ref: str | None,
    created_by: str | None,
) -> UUID:
    """Insert a checked document, its links and its retention date; publish its creation."""
    document_id = new_id()
    await conn.execute(
        "insert into documents_document (id, type_id, title, drive_file_id, file_name, "
        "file_path, content_type, size, metadata, tags, source_ref, created_by) "
        "values ($1, $2, $3, $4, $5, $6, $7, $8, $9::text::jsonb, $10, $11, $12)",
        document_id,
        doc_type.id,
        title,
        None if file is None else file.id,
        None if file is None else file.name,
        None if file is None else file.path,
        None if file is None else file.content_type,
        None if file is None else file.size,
        msgspec.json.encode(metadata).decode(),
        _tags(tags),
        source_ref,
        created_by,
    )
    unique = list(dict.fromkeys(links))
    for link in unique:
        await _insert_link(conn, document_id, link)
    await recompute_retention(conn, document_id=document_id)
    data = DocumentCreated(
        document_id=document_id,
        type=doc_type.key,
        title=title,
        drive_file_id=None if file is None else file.id,
        source_ref=source_ref,
        links=[LinkRef(record_type=link.record_type, record_id=link.record_id) for link in unique],
    )
    await events.publish(conn, type=DOCUMENT_CREATED.type, data=data, subject=str(document_id))
    return document_id


async def _insert_link(conn: Connection, document_id: UUID, link: LinkIn) -> None:
    await conn.execute(
        "insert into documents_link (id, document_id, record_type, record_id) "
        "values ($1, $2, $3, $4) on conflict do nothing",
        new_id(),
        document_id,
        link.record_type,
        link.record_id,
    )


async def create_document(
    conn: Connection,
    events: EventPublisher,
    services: Services,
    data: DocumentIn,
    *,
    actor: str | None,
) -> DocumentOut:
    """Create a document; 422 naming the type, a metadata field or the Drive file at fault."""
    doc_type = await _type(conn, data.type)
    errors = FieldErrors()
    metadata = check_metadata(doc_type.fields, data.metadata, errors, type_key=doc_type.key)
    errors.raise_if_any()
    file = None
    if data.drive_file_id is not None:
        file = await file_of(conn, services, data.drive_file_id)
    document_id = await insert_document(
        conn,
        events,
        doc_type=doc_type,
        title=data.title,
        metadata=metadata,
        tags=data.tags,
        links=data.links,
        file=file,
        source_ref=None,
        created_by=actor,
    )
    return await get_document(conn, document_id)


async def update_document(
    conn: Connection, services: Services, document_id: UUID, data: DocumentPatch
) -> DocumentOut:
    """Change a document; 409 once it expired, 422 naming what is wrong."""
    current = await get_document(conn, document_id, lock=True)
    if current.status == "expired":
        conflict("the document expired under its retention rule; it can no longer change")
    doc_type = await get_type(conn, current.type_id)
    metadata = current.metadata
    if not isinstance(data.metadata, msgspec.UnsetType):
        merged = {**current.metadata, **data.metadata}
        errors = FieldErrors()
        metadata = check_metadata(doc_type.fields, merged, errors, type_key=doc_type.key)
        errors.raise_if_any()
    if not isinstance(data.drive_file_id, msgspec.UnsetType):
        file = None
        if data.drive_file_id is not None:
            file = await file_of(conn, services, data.drive_file_id)
        await conn.execute(
            "update documents_document set drive_file_id = $2, file_name = $3, file_path = $4, "
            "content_type = $5, size = $6, file_trashed = false where id = $1",
            document_id,
            None if file is None else file.id,
            None if file is None else file.name,
            None if file is None else file.path,
            None if file is None else file.content_type,
            None if file is None else file.size,
        )
    await conn.execute(
        "update documents_document set title = $2, metadata = $3::text::jsonb, tags = $4, "
        "updated_at = now() where id = $1",
        document_id,
        current.title if isinstance(data.title, msgspec.UnsetType) else data.title,
        msgspec.json.encode(metadata).decode(),
        current.tags if isinstance(data.tags, msgspec.UnsetType) else _tags(data.tags),
    )
    await recompute_retention(conn, document_id=document_id)
    return await get_document(conn, document_id)


async def delete_document(conn: Connection, document_id: UUID) -> None:
    """Delete a document record (its Drive file stays); 409 while it is on legal hold."""
    current = await get_document(conn, document_id, lock=True)
    if current.legal_hold:
        conflict("the document is on legal hold; release the hold first")
    await conn.execute("delete from documents_document where id = $1", document_id)


async def set_hold(
    conn: Connection, document_id: UUID, *, hold: bool, reason: str | None
) -> DocumentOut:
    """Put a document on legal hold (with a reason) or release it."""
    await get_document(conn, document_id, lock=True)
    await conn.execute(
        "update documents_document set legal_hold = $2, hold_reason = $3, updated_at = now() "
        "where id = $1",
        document_id,
        hold,
        reason if hold else None,
    )
    return await get_document(conn, document_id)


async def add_link(conn: Connection, document_id: UUID, link: LinkIn) -> LinkOut:
    """Link a document to a record (linking it twice answers the first link)."""
    await get_document(conn, document_id, lock=True)
    await _insert_link(conn, document_id, link)
    row = await conn.fetchrow(
        "select id, record_type, record_id, created_at from documents_link "
        "where document_id = $1 and record_type = $2 and record_id = $3",
        document_id,
        link.record_type,
        link.record_id,
    )
    assert row is not None  # noqa: S101 - inserted or already there
    return LinkOut(**dict(row))


async def remove_link(conn: Connection, document_id: UUID, link_id: UUID) -> None:
    """Unlink a document from a record; 404 when the document has no such link."""
    status = await conn.execute(
        "delete from documents_link where id = $1 and document_id = $2", link_id, document_id
    )
    if status == "DELETE 0":
        not_found()


async def list_tags(conn: Connection) -> list[TagCount]:
    """Every tag in use, with how many documents carry it, most used first."""
    rows = await conn.fetch(
        "select tag, count(*) as documents from documents_document, unnest(tags) as tag "
        "group by tag order by count(*) desc, tag limit 500"
    )
    return [TagCount(tag=row["tag"], documents=row["documents"]) for row in rows]
