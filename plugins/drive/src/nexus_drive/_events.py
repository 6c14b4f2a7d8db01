"""The events Drive publishes.

Every event is published in the transaction that makes the change (the outbox); the subject
is the file (or folder) id. Drive handles its own ``drive.file.added.v1`` and
``drive.file.updated.v1`` after commit to extract text and thumbnails.
"""

from __future__ import annotations

from uuid import UUID

import msgspec
from nexus_hookspecs import EventType

__all__ = (
    "FILE_ADDED",
    "FILE_DELETED",
    "FILE_QUARANTINED",
    "FILE_RESTORED",
    "FILE_TRASHED",
    "FILE_UPDATED",
    "ITEM_SHARED",
    "FileAdded",
    "FileDeleted",
    "FileQuarantined",
    "FileTrashed",
    "ItemShared",
)


class FileAdded(msgspec.Struct, kw_only=True):
    """The ``data`` of ``drive.file.added.v1`` and ``drive.file.updated.v1``.

    Attributes:
        file_id: The file.
        version_id: Its new version.
        name: Its name.
        path: Its path inside its drive (``/Finance/Invoices/INV-1.pdf``).
        size: The version's size in bytes.
        content_type: The version's media type.
        drive_id: The drive it is in.
    """

    file_id: UUID
    version_id: UUID
    name: str
    path: str
    size: int
    content_type: str
    drive_id: UUID


class FileTrashed(msgspec.Struct, kw_only=True):
    """The ``data`` of ``drive.file.trashed.v1`` and ``drive.file.restored.v1``.

    Attributes:
        file_id: The file or folder (a folder's contents go with it).
        name: Its name.
        path: Its path inside its drive.
        drive_id: The drive it is in.
        kind: ``file`` or ``folder``.
    """

    file_id: UUID
    name: str
    path: str
    drive_id: UUID
    kind: str


class FileDeleted(msgspec.Struct, kw_only=True):
    """The ``data`` of ``drive.file.deleted.v1``: a file purged for good.

    Attributes:
        file_id: The file (or folder).
    """

    file_id: UUID


class FileQuarantined(msgspec.Struct, kw_only=True):
    """The ``data`` of ``drive.file.quarantined.v1``.

    Attributes:
        file_id: The file.
        version_id: The version a scanner flagged.
        scanner: The scanner's name.
        reason: What it found.
    """

    file_id: UUID
    version_id: UUID
    scanner: str
    reason: str


class ItemShared(msgspec.Struct, kw_only=True):
    """The ``data`` of ``drive.item.shared.v1``.

    Attributes:
        item_id: The folder or file.
        principal: ``user:<id>`` or ``group:<id>``.
        role: ``viewer``, ``commenter``, ``editor`` or ``owner``.
    """

    item_id: UUID
    principal: str
    role: str


FILE_ADDED = EventType(
    type="drive.file.added.v1",
    description="A file was added to a drive (uploaded, adopted from another plugin).",
    payload=FileAdded,
)
FILE_UPDATED = EventType(
    type="drive.file.updated.v1",
    description="A file got a new version (uploaded over it, restored from an older one).",
    payload=FileAdded,
)
FILE_TRASHED = EventType(
    type="drive.file.trashed.v1",
    description="A file or folder was moved to the trash (restorable until purged).",
    payload=FileTrashed,
)
FILE_RESTORED = EventType(
    type="drive.file.restored.v1",
    description="A file or folder came back from the trash.",
    payload=FileTrashed,
)
FILE_DELETED = EventType(
    type="drive.file.deleted.v1",
    description="A file or folder was deleted for good (purged from the trash).",
    payload=FileDeleted,
)
FILE_QUARANTINED = EventType(
    type="drive.file.quarantined.v1",
    description="A virus scanner flagged a file: it cannot be downloaded or shared.",
    payload=FileQuarantined,
)
ITEM_SHARED = EventType(
    type="drive.item.shared.v1",
    description="A folder or file was shared with a user or group.",
    payload=ItemShared,
)
