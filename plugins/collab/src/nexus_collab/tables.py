"""The collab tables (Piccolo), all tenant-owned; the migration creates them with SQL."""

from __future__ import annotations

from nexus_hookspecs.piccolo import TenantOwned
from piccolo.columns import UUID, BigInt, Bytea, Text, Timestamptz
from piccolo.table import Table

__all__ = ("Comment", "Document", "Update")


class Document(TenantOwned, Table, tablename="collab_document"):
    """A Drive file's collaborative document: its compacted state and last update number."""

    kind = Text()
    snapshot = Bytea()
    snapshot_seq = BigInt()
    seq = BigInt()
    evented_seq = BigInt()
    evented_at = Timestamptz(null=True)
    created_by = Text()
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Update(TenantOwned, Table, tablename="collab_update"):
    """One persisted Yjs update since the snapshot."""

    document_id = UUID()
    seq = BigInt()
    body = Bytea()
    actor = Text(null=True)
    created_at = Timestamptz()


class Comment(TenantOwned, Table, tablename="collab_comment"):
    """A comment anchored to a range of the document, or a reply to one."""

    document_id = UUID()
    parent_id = UUID(null=True)
    anchor_start = Text(null=True)
    anchor_end = Text(null=True)
    quote = Text(null=True)
    body = Text()
    author = Text()
    created_at = Timestamptz()
    resolved_at = Timestamptz(null=True)
    resolved_by = Text(null=True)
