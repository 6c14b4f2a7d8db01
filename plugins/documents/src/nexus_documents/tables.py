"""The documents tables (Piccolo), all tenant-owned.

The schema itself is created by the migration in ``migrations/`` (composite foreign keys
``(tenant_id, …)`` keep every reference inside one tenant); the logic modules query with
SQL. These classes give Piccolo (and ``nexus migrate``) the tables' names and columns.
"""

from __future__ import annotations

from nexus_hookspecs.piccolo import TenantOwned
from piccolo.columns import (
    JSONB,
    UUID,
    Array,
    BigInt,
    Boolean,
    Date,
    Integer,
    Text,
    Timestamptz,
)
from piccolo.table import Table

__all__ = (
    "Approval",
    "ApproverRole",
    "Decision",
    "Document",
    "DocumentType",
    "Link",
    "Workflow",
)


class DocumentType(TenantOwned, Table, tablename="documents_type"):
    """A kind of document: its metadata fields and retention rule."""

    key = Text()
    name = Text()
    fields = JSONB()
    retention_days = Integer(null=True)
    retention_years = Integer(null=True)
    retention_from = Text(null=True)
    created_at = Timestamptz()


class Document(TenantOwned, Table, tablename="documents_document"):
    """A document record over a Drive file (or awaiting one)."""

    type_id = UUID()
    title = Text()
    drive_file_id = UUID(null=True)
    file_name = Text(null=True)
    file_path = Text(null=True)
    content_type = Text(null=True)
    size = BigInt(null=True)
    file_trashed = Boolean(default=False)
    metadata = JSONB()
    tags = Array(base_column=Text())
    status = Text()
    legal_hold = Boolean(default=False)
    hold_reason = Text(null=True)
    retain_until = Date(null=True)
    expired_at = Timestamptz(null=True)
    source_ref = Text(null=True)
    created_by = Text(null=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Link(TenantOwned, Table, tablename="documents_link"):
    """A document linked to a record of another plugin (``finance.invoice`` + its id)."""

    document_id = UUID()
    record_type = Text()
    record_id = UUID()
    created_at = Timestamptz()


class ApproverRole(TenantOwned, Table, tablename="documents_role"):
    """A named group of approvers (user ids) a workflow step may name instead of users."""

    name = Text()
    members = Array(base_column=UUID())
    created_at = Timestamptz()


class Workflow(TenantOwned, Table, tablename="documents_workflow"):
    """The approval workflow of a document type: its ordered steps."""

    type_id = UUID()
    steps = JSONB()
    updated_at = Timestamptz()


class Approval(TenantOwned, Table, tablename="documents_approval"):
    """One run of a workflow on a document."""

    document_id = UUID()
    steps = JSONB()
    current_step = Integer()
    approvers = Array(base_column=UUID())
    status = Text()
    requested_by = Text(null=True)
    created_at = Timestamptz()
    completed_at = Timestamptz(null=True)


class Decision(TenantOwned, Table, tablename="documents_decision"):
    """An approver's decision on one step of an approval, with their comment."""

    approval_id = UUID()
    step = Integer()
    approver = UUID()
    decision = Text()
    comment = Text()
    created_at = Timestamptz()
