"""Sheets' calls to the ``collab`` plugin's services: create, read, update and list documents.

Collab keeps every collaborative document as a Drive file with its Yjs state; Sheets never
imports it, and mirrors here the fields it reads of its answers. Each call names the
``actor`` Sheets acts for (the route's caller), whose Drive role collab checks: none
answers 404 like a missing file; collab off answers 409 with ``blocking: ["collab"]``.
"""

from __future__ import annotations

import base64
from datetime import datetime  # noqa: TC003 - msgspec reads the Structs' annotations
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from nexus_hookspecs.http import Page, conflict

from nexus_sheets._model import decode_doc, encode_state

if TYPE_CHECKING:
    from nexus_hookspecs import Connection, Services
    from pycrdt import Doc

__all__ = (
    "KIND",
    "Document",
    "Listed",
    "apply_update",
    "create_document",
    "list_documents",
    "read_document",
)

KIND = "sheets"


class _Created(msgspec.Struct, kw_only=True):
    file_id: UUID


class _State(msgspec.Struct, kw_only=True):
    file_id: UUID
    kind: str
    state: str


class _Listed(msgspec.Struct, kw_only=True):
    file_id: UUID
    name: str
    created_by: str
    created_at: datetime


class _Listing(msgspec.Struct, kw_only=True):
    items: list[_Listed]
    next_cursor: str | None = None


class Listed(msgspec.Struct, kw_only=True):
    """A workbook in the list: its Drive file's id and name, who made it and when."""

    id: UUID  # the Drive file's
    name: str
    created_by: str
    created_at: datetime


class Document(msgspec.Struct, kw_only=True):
    """A workbook read from collab: its Drive file and its Doc."""

    file_id: UUID
    doc: Any  # a pycrdt Doc (msgspec has no type for it)


async def create_document(
    conn: Connection,
    services: Services,
    *,
    name: str,
    actor: str,
    folder_id: UUID | None,
    doc: Doc[Any],
) -> UUID:
    """Create the workbook's Drive file with the Doc's state; answer its id."""
    data = {
        "name": name,
        "kind": KIND,
        "actor": actor,
        "folder_id": str(folder_id) if folder_id else None,
        "state": encode_state(doc),
    }
    made = await services.call(conn, "collab.documents.create", data, result=_Created)
    return made.file_id


async def read_document(
    conn: Connection, services: Services, *, file_id: UUID, actor: str
) -> Document:
    """The workbook's whole state as a Doc; 409 when the file is not a workbook."""
    data = {"file_id": str(file_id), "actor": actor}
    state = await services.call(conn, "collab.documents.state", data, result=_State)
    if state.kind != KIND:
        conflict(f"the file is a {state.kind} document, not a workbook", kind=state.kind)
    return Document(file_id=file_id, doc=decode_doc(state.state))


async def apply_update(
    conn: Connection, services: Services, *, file_id: UUID, actor: str, update: bytes
) -> None:
    """Persist a Yjs update of the workbook (collab sends it to every open editor)."""
    data = {"file_id": str(file_id), "actor": actor, "update": base64.b64encode(update).decode()}
    await services.call(conn, "collab.documents.apply", data, result=dict[str, Any])


async def list_documents(
    conn: Connection, services: Services, *, actor: str, cursor: str | None, limit: int
) -> Page[Listed]:
    """One page of the workbooks ``actor`` may open (Drive decides), newest first."""
    data = {"kind": KIND, "actor": actor, "cursor": cursor, "limit": limit}
    page = await services.call(conn, "collab.documents.list", data, result=_Listing)
    items = [
        Listed(id=i.file_id, name=i.name, created_by=i.created_by, created_at=i.created_at)
        for i in page.items
    ]
    return Page(items=items, next_cursor=page.next_cursor)
