"""Permission and feature keys of Documents, as constants."""

from __future__ import annotations

__all__ = (
    "APPROVALS",
    "APPROVE",
    "CONFIG_WRITE",
    "DOCUMENTS_READ",
    "DOCUMENTS_WRITE",
    "FILING",
    "RETENTION_MANAGE",
)

DOCUMENTS_READ = "documents.documents:read"
"""List and show documents, their links, approvals and decisions; list types and tags."""

DOCUMENTS_WRITE = "documents.documents:write"
"""Create, change and delete documents; tag them, link them to records, start approvals."""

APPROVE = "documents.approvals:approve"
"""Decide on an approval step (the caller must also be one of the step's approvers)."""

CONFIG_WRITE = "documents.config:write"
"""Document types (fields, retention), approval workflows and approver roles (tenant admins)."""

RETENTION_MANAGE = "documents.retention:manage"
"""Put documents on legal hold or release them, and run the retention sweep (tenant admins)."""

FILING = "documents.filing"
"""Feature: file the invoices and payslips other plugins render as documents."""

APPROVALS = "documents.approvals"
"""Feature: approval workflows on documents."""
