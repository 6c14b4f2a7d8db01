"""The drive tables (Piccolo), all tenant-owned.

The schema itself is created by the migration in ``migrations/`` (composite foreign keys
``(tenant_id, …)`` keep every reference inside one tenant; ``drive_item.search`` is a
generated ``tsvector`` over the name and the extracted text, with a GIN index). The logic
modules query with SQL; these classes give Piccolo (and ``nexus migrate``) the tables' names
and columns.
"""

from __future__ import annotations

from nexus_hookspecs.piccolo import TenantOwned
from piccolo.columns import (
    UUID,
    Array,
    BigInt,
    Boolean,
    Bytea,
    Integer,
    Text,
    Timestamptz,
)
from piccolo.table import Table

__all__ = (
    "Drive",
    "Group",
    "Item",
    "Link",
    "Member",
    "Orphan",
    "Quota",
    "Share",
    "Upload",
    "Version",
)


class Drive(TenantOwned, Table, tablename="drive_drive"):
    """A user's own drive (``kind='user'``, ``owner`` its actor) or a team's shared drive."""

    kind = Text()
    name = Text()
    owner = Text(null=True)
    purpose = Text(null=True)
    created_at = Timestamptz()


class Group(TenantOwned, Table, tablename="drive_group"):
    """A named set of users to share with at once."""

    name = Text()
    members = Array(base_column=Text())
    created_at = Timestamptz()


class Member(TenantOwned, Table, tablename="drive_member"):
    """A user or group with a role on a shared drive."""

    drive_id = UUID()
    principal = Text()
    role = Text()
    created_at = Timestamptz()


class Item(TenantOwned, Table, tablename="drive_item"):
    """A folder or a file of a drive."""

    drive_id = UUID()
    parent_id = UUID(null=True)
    kind = Text()
    name = Text()
    content_type = Text()
    size = BigInt()
    version_id = UUID(null=True)
    source_ref = Text(null=True)
    created_by = Text(null=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    trashed_at = Timestamptz(null=True)
    trashed_by = Text(null=True)
    trash_root = Boolean()
    quarantined_at = Timestamptz(null=True)
    quarantine_reason = Text(null=True)
    scanned_version_id = UUID(null=True)
    text_content = Text(null=True)
    thumbnail_key = Text(null=True)


class Version(TenantOwned, Table, tablename="drive_version"):
    """A file's content at one time: a blob key in the tenant's files store."""

    item_id = UUID()
    number = Integer()
    blob_key = Text()
    owned = Boolean()
    size = BigInt()
    content_type = Text()
    created_by = Text(null=True)
    created_at = Timestamptz()


class Share(TenantOwned, Table, tablename="drive_share"):
    """A role granted to a user or group on a folder (inherited below it) or a file."""

    item_id = UUID()
    principal = Text()
    role = Text()
    created_by = Text(null=True)
    created_at = Timestamptz()


class Link(TenantOwned, Table, tablename="drive_link"):
    """A link to a folder or file: view or download, expiring, with an optional password."""

    item_id = UUID()
    token_hash = Bytea()
    access = Text()
    expires_at = Timestamptz(null=True)
    password_hash = Text(null=True)
    revoked_at = Timestamptz(null=True)
    created_by = Text(null=True)
    created_at = Timestamptz()


class Upload(TenantOwned, Table, tablename="drive_upload"):
    """A resumable (tus) upload in progress."""

    drive_id = UUID()
    parent_id = UUID(null=True)
    item_id = UUID(null=True)
    name = Text()
    content_type = Text()
    length = BigInt()
    received = BigInt()
    parts = Integer()
    created_by = Text(null=True)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    file_id = UUID(null=True)


class Quota(TenantOwned, Table, tablename="drive_quota"):
    """A storage quota an admin set for one user."""

    principal = Text()
    limit_bytes = BigInt()


class Orphan(TenantOwned, Table, tablename="drive_orphan"):
    """A blob no row points at any more, deleted from the files store by the sweep."""

    blob_key = Text()
    created_at = Timestamptz()
