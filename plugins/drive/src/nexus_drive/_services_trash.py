"""``drive.files.trash``: another plugin moves files to the trash (Documents' retention).

The trash is the same as a user's: the file is restorable until Drive's sweep purges it
after ``trash_days``, and ``drive.file.trashed.v1`` is published. The caller is a plugin
acting for the tenant, not a user, so no sharing role is checked; ``trashed_by`` records
the plugin (``plugin:<source>``). Unknown ids, folders and files already in the trash are
left out of the answer, so a retried sweep is harmless.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import msgspec
from nexus_hookspecs import Service

from nexus_drive._events import FILE_TRASHED, FileTrashed
from nexus_drive._store import item_path

if TYPE_CHECKING:
    from nexus_hookspecs import ServiceContext

__all__ = ("TRASH", "FilesTrash", "FilesTrashed")


class FilesTrash(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The request of ``drive.files.trash``.

    Attributes:
        file_ids: The files to move to the trash.
        source: The calling plugin, recorded as ``trashed_by`` (``plugin:documents``).
    """

    file_ids: Annotated[list[UUID], msgspec.Meta(min_length=1, max_length=1000)]
    source: Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,39}$")] = "plugin"


class FilesTrashed(msgspec.Struct, kw_only=True):
    """The answer of ``drive.files.trash``: the files it moved to the trash now."""

    trashed: list[UUID]


async def trash_files(data: FilesTrash, ctx: ServiceContext) -> FilesTrashed:
    """Move each file (not yet in the trash) to the trash and publish its event."""
    rows = await ctx.conn.fetch(
        "select id, name, drive_id from drive_item where id = any($1::uuid[]) "
        "and kind = 'file' and trashed_at is null order by id for update",
        list(dict.fromkeys(data.file_ids)),
    )
    for row in rows:
        await ctx.conn.execute(
            "update drive_item set trashed_at = now(), trashed_by = $2, trash_root = true "
            "where id = $1",
            row["id"],
            f"plugin:{data.source}",
        )
        trashed = FileTrashed(
            file_id=row["id"],
            name=row["name"],
            path=await item_path(ctx.conn, row["id"]),
            drive_id=row["drive_id"],
            kind="file",
        )
        await ctx.events.publish(
            ctx.conn, type=FILE_TRASHED.type, data=trashed, subject=str(row["id"])
        )
    return FilesTrashed(trashed=[row["id"] for row in rows])


TRASH = Service(
    name="drive.files.trash",
    handler=trash_files,
    request=FilesTrash,
    response=FilesTrashed,
    description=(
        "Moves files to the trash for another plugin (Documents' retention sweep): "
        "restorable until purged, drive.file.trashed.v1 published; unknown, folder and "
        "already trashed ids are left out of the answer."
    ),
)
