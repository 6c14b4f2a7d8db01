"""The request and response bodies of Drive's routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

__all__ = (
    "DriveIn",
    "DriveOut",
    "FolderIn",
    "GroupIn",
    "GroupOut",
    "ItemChange",
    "ItemOut",
    "LinkIn",
    "LinkMade",
    "LinkOut",
    "MemberIn",
    "MemberOut",
    "Principal",
    "QuotaIn",
    "RoleName",
    "SearchHit",
    "ShareIn",
    "ShareOut",
    "VersionOut",
)

RoleName = Literal["viewer", "commenter", "editor", "owner"]
Principal = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^(user|api_key|group):[0-9a-fA-F-]{36}$",
        description="A user (``user:<id>``), an API key (``api_key:<id>``) or a group "
        "(``group:<id>``).",
        examples=["user:0190a0b2-5c3e-7d4f-8a6b-1c2d3e4f5a6b"],
    ),
]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=255)]


class DriveIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new shared drive; its creator is its first owner.

    Attributes:
        name: Its name (``Sales team``).
        members: Users and groups with their role on all of it.
    """

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    members: Annotated[list[MemberIn], msgspec.Meta(max_length=1000)] = []


class MemberIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A member of a shared drive and their role on all of it."""

    principal: Principal
    role: RoleName


class MemberOut(msgspec.Struct, kw_only=True):
    """A member of a shared drive."""

    principal: str
    role: str


class DriveOut(msgspec.Struct, kw_only=True):
    """A drive the caller may use.

    Attributes:
        id: The drive.
        kind: ``user`` (someone's "My drive") or ``shared``.
        name: Its name.
        owner: The user whose drive it is (``user`` drives).
        role: The caller's role on all of it (``None``: only some items are shared).
        members: A shared drive's members.
    """

    id: UUID
    kind: str
    name: str
    owner: str | None
    role: str | None
    members: list[MemberOut] = []


class FolderIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new folder.

    Attributes:
        name: Its name.
        parent_id: The folder it goes in; ``None``: the top of ``drive_id``.
        drive_id: The drive (when ``parent_id`` is ``None``); ``None``: the caller's own.
    """

    name: Name
    parent_id: UUID | None = None
    drive_id: UUID | None = None


class ItemChange(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A rename or a move (inside the same drive).

    Attributes:
        name: A new name.
        parent_id: A new folder (the same drive's).
        to_top: Move it to the top of its drive (instead of ``parent_id``).
    """

    name: Name | None = None
    parent_id: UUID | None = None
    to_top: bool = False


class ItemOut(msgspec.Struct, kw_only=True):
    """A folder or a file.

    Attributes:
        id: The item.
        drive_id: Its drive.
        parent_id: Its folder (``None``: the drive's top).
        kind: ``folder`` or ``file``.
        name: Its name.
        path: Its path in the drive.
        content_type: A file's media type.
        size: A file's size in bytes (its current version).
        version_id: A file's current version.
        created_by: Who made it.
        created_at: When.
        updated_at: Its last change.
        trashed_at: When it went to the trash, if it did.
        quarantined: A virus scanner flagged its current version.
        quarantine_reason: What the scanner found.
        has_thumbnail: A preview image is ready (``GET /items/{id}/thumbnail``).
        role: The caller's role on it.
    """

    id: UUID
    drive_id: UUID
    parent_id: UUID | None
    kind: str
    name: str
    path: str
    content_type: str
    size: int
    version_id: UUID | None
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    trashed_at: datetime | None
    quarantined: bool
    quarantine_reason: str | None
    has_thumbnail: bool
    role: str | None


class VersionOut(msgspec.Struct, kw_only=True):
    """A version of a file.

    Attributes:
        id: The version.
        number: 1 for the first, counting up.
        size: Its size in bytes.
        content_type: Its media type.
        created_by: Who stored it.
        created_at: When.
        current: Whether it is the file's current version.
    """

    id: UUID
    number: int
    size: int
    content_type: str
    created_by: str | None
    created_at: datetime
    current: bool


class ShareIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Share an item with a user or group (replacing their earlier role on it)."""

    principal: Principal
    role: RoleName


class ShareOut(msgspec.Struct, kw_only=True):
    """A share of an item."""

    id: UUID
    item_id: UUID
    principal: str
    role: str
    created_by: str | None
    created_at: datetime


class LinkIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new link to an item.

    Attributes:
        access: ``view`` (see it, and what is in a folder) or ``download`` (and download).
        expires_at: When it stops working; ``None``: when revoked.
        password: A password its holder must give too.
    """

    access: Literal["view", "download"] = "view"
    expires_at: Annotated[datetime, msgspec.Meta(tz=True)] | None = None
    password: Annotated[str, msgspec.Meta(min_length=4, max_length=200)] | None = None


class LinkOut(msgspec.Struct, kw_only=True):
    """A link (its token is shown once, when it is made)."""

    id: UUID
    item_id: UUID
    access: str
    expires_at: datetime | None
    has_password: bool
    revoked_at: datetime | None
    created_by: str | None
    created_at: datetime


class LinkMade(msgspec.Struct, kw_only=True):
    """A new link and its token.

    Attributes:
        path: What to give out, with the tenant's slug in place of ``{tenant}``.
    """

    id: UUID
    item_id: UUID
    access: str
    expires_at: datetime | None
    has_password: bool
    token: str
    path: str


class GroupIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A group of users to share with at once."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    members: Annotated[list[Principal], msgspec.Meta(max_length=10000)] = []


class GroupOut(msgspec.Struct, kw_only=True):
    """A group; share with it as ``group:<id>``."""

    id: UUID
    name: str
    members: list[str]
    created_at: datetime


class QuotaIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A user's own storage quota (``None``: back to the tenant's default)."""

    principal: Principal
    limit_bytes: Annotated[int, msgspec.Meta(ge=0)] | None


class SearchHit(msgspec.Struct, kw_only=True):
    """A file or folder matching a search, best first."""

    item: ItemOut
    rank: float
    snippet: str | None
