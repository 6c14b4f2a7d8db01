"""Google Drive files → the shared Nexus drive "Documents" (folder ``Google Drive``).

One way: files come into Nexus, nothing goes back. The first run lists every file of the
user's My Drive (not trashed, not folders) and keeps ``changes.getStartPageToken`` as the
cursor ``files``; later runs read only ``changes.list`` from it. Each file's content is
downloaded (Google's documents, sheets and slides exported as .docx, .xlsx, .pptx), put in
the tenant's files store by the engine and filed with ``drive.files.adopt`` (its
``source_ref`` the Google file id, so a re-run finds the same file): a new file, or a new
version when the content changed (Google's ``md5Checksum``, or its ``version`` for native
types). A file whose current version changed in Nexus too is a conflict settled by the
connection's policy (``remote_wins``: Google's content as a new version). Not followed:
renames and moves in Google (the first name stays), files trashed or deleted there (left
in Nexus), other native types (forms, drawings, shortcuts) and files above
``drive_max_bytes``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID  # noqa: TC003 - msgspec reads it at run time

import msgspec

from nexus_integrations._connector import Fetched, Item, Outgoing, Pushed
from nexus_integrations.google._drive_client import EXPORTS, DriveClient

if TYPE_CHECKING:
    from nexus_hookspecs import Connection
    from nexus_hookspecs.http import Services

    from nexus_integrations.google._client import GoogleConfig

__all__ = ("FILES", "FOLDER", "GoogleDrive")

FILES = "files"
FOLDER = "Google Drive"
_NATIVE = "application/vnd.google-apps."


class _Adopted(msgspec.Struct):
    file_id: UUID


class _File(msgspec.Struct):
    id: UUID
    version_id: UUID | None
    trashed: bool


class _Files(msgspec.Struct):
    files: list[_File]


def _wanted(file: dict[str, Any], config: GoogleConfig) -> bool:
    kind = str(file.get("mimeType") or "")
    if file.get("trashed") or (kind.startswith(_NATIVE) and kind not in EXPORTS):
        return False
    return int(file.get("size") or 0) <= config.drive_max_bytes


def _item(file: dict[str, Any], content: bytes) -> Item:
    kind, name = file["mimeType"], file["name"]
    if kind in EXPORTS:
        kind, suffix = EXPORTS[kind]
        name = name if name.endswith(suffix) else f"{name}{suffix}"
    checksum = file.get("md5Checksum") or f"v{file.get('version')}"
    return Item(
        object=FILES,
        remote_id=file["id"],
        label=name,
        data={"content_type": kind, "size": len(content), "checksum": checksum},
        content=content,
        content_name=name,
    )


class GoogleDrive:
    """The user's My Drive, into Nexus."""

    def fetch(self, config: GoogleConfig, cursors: dict[str, str]) -> Fetched:
        """The files changed since the page token (every one on the first run)."""
        client = DriveClient(config)
        token = cursors.get(FILES)
        if token is None:
            after = client.start_token()  # before listing: nothing made meanwhile is missed
            files = client.files()
        else:
            changes, after = client.changes(token)
            files = [c["file"] for c in changes if not c.get("removed") and c.get("file")]
        items = [_item(f, client.content(f)) for f in files if _wanted(f, config)]
        return Fetched(items=items, cursors={FILES: after})

    async def _adopt(self, item: Item, conn: Connection, services: Services) -> UUID:
        request = {
            "blob_key": item.blob_key,
            "name": item.content_name,
            "folder": FOLDER,
            "content_type": item.data["content_type"],
            "size": item.data["size"],
            "source_ref": f"google-drive:{item.remote_id}",
        }
        adopted = await services.call(conn, "drive.files.adopt", request, result=_Adopted)
        return adopted.file_id

    async def write(self, item: Item, *, conn: Connection, services: Services) -> UUID:
        """A new file in the shared drive."""
        return await self._adopt(item, conn, services)

    async def current(
        self, nexus_id: UUID, *, conn: Connection, services: Services
    ) -> dict[str, Any] | None:
        """The Nexus file's current version (None when it was deleted)."""
        request = {"file_ids": [str(nexus_id)]}
        found = await services.call(conn, "drive.files.get", request, result=_Files)
        if not found.files:
            return None
        file = found.files[0]
        return {"version_id": str(file.version_id), "trashed": file.trashed}

    async def update(
        self, item: Item, nexus_id: UUID, *, conn: Connection, services: Services
    ) -> None:
        """Google's new content as the file's new version."""
        await self._adopt(item, conn, services)

    async def outgoing(
        self, config: GoogleConfig, cursors: dict[str, str], *, conn: Connection, services: Services
    ) -> tuple[list[Outgoing], dict[str, str]]:
        """Nothing: files go one way."""
        return [], {}

    def push(self, config: GoogleConfig, changes: list[Outgoing]) -> list[Pushed]:
        """Nothing to send."""
        return []
