"""Nexus Documents: typed document records over Drive files.

The hook implementations, and nothing else. Documents have types (metadata fields,
retention rules), tags, links to other plugins' records, legal hold and approval workflows;
Finance's invoices and HR's payslips are filed as documents when they are rendered. Files
live in Drive, reached through its services. See README.md for the routes, permissions,
settings and events.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_hookspecs import Background, Feature, Manifest, Permission, hookimpl

from nexus_documents._drive_sync import (
    FILE_DELETED,
    FILE_RESTORED,
    FILE_TRASHED,
    FILE_UPDATED,
    file_deleted,
    file_trashed,
    file_updated,
)
from nexus_documents._events import (
    APPROVAL_COMPLETED,
    APPROVAL_DECIDED,
    APPROVAL_REQUESTED,
    DOCUMENT_CREATED,
    DOCUMENT_EXPIRED,
    INVOICE_RENDERED,
    PAYSLIP_RENDERED,
)
from nexus_documents._examples import EXAMPLES
from nexus_documents._handlers import file_rendered
from nexus_documents._keys import (
    APPROVE,
    CONFIG_WRITE,
    DOCUMENTS_READ,
    DOCUMENTS_WRITE,
    RETENTION_MANAGE,
)
from nexus_documents._routes_approvals import ApprovalController, DocumentApprovalController
from nexus_documents._routes_documents import (
    DocumentController,
    RecordController,
    TagController,
)
from nexus_documents._routes_retention import RetentionController
from nexus_documents._routes_roles import RoleController
from nexus_documents._routes_types import TypeController
from nexus_documents._settings import DocumentsSettings
from nexus_documents._sweep import SWEEPER
from nexus_documents._types import seed_types

if TYPE_CHECKING:
    from collections.abc import Callable

    from nexus_hookspecs import Connection, TenantRef

__all__ = (
    "SWEEPER",
    "DocumentsSettings",
    "nexus_background",
    "nexus_event_handlers",
    "nexus_manifest",
    "nexus_piccolo_app",
    "nexus_routes",
    "nexus_shutdown",
    "nexus_tenant_enable",
)

_MEMBERS = ("tenant_admin", "member")

TABLES = (
    "documents_type",
    "documents_document",
    "documents_link",
    "documents_role",
    "documents_workflow",
    "documents_approval",
    "documents_decision",
)


@hookimpl
def nexus_manifest() -> Manifest:
    """Describe the plugin."""
    return Manifest(
        name="documents",
        version="0.1.0",
        title="Documents",
        summary=(
            "Typed document records over Drive files: metadata fields, tags, links to "
            "records, retention with legal hold, approval workflows; invoices and payslips "
            "filed automatically."
        ),
        requires=("drive",),
        hookspecs=">=0.1.4,<0.2",
        features=(
            Feature(
                key="filing",
                title="File generated documents",
                description=(
                    "Finance's rendered invoices and HR's payslips become documents over "
                    "Drive files, linked to their records."
                ),
            ),
            Feature(
                key="approvals",
                title="Approval workflows",
                description="Steps, approvers and recorded decisions on documents.",
            ),
        ),
        permissions=(
            Permission(
                key=DOCUMENTS_READ,
                description="See documents, their types, links, tags and approvals.",
                roles=_MEMBERS,
            ),
            Permission(
                key=DOCUMENTS_WRITE,
                description="Create, change, link and delete documents; start approvals.",
                roles=_MEMBERS,
            ),
            Permission(
                key=APPROVE,
                description="Decide on approvals (as an approver of the current step).",
                roles=_MEMBERS,
            ),
            Permission(
                key=CONFIG_WRITE,
                description="Document types, retention rules, workflows and approver roles.",
            ),
            Permission(
                key=RETENTION_MANAGE,
                description="Legal hold, and running the retention sweep.",
            ),
        ),
        settings=DocumentsSettings,
        events=(
            DOCUMENT_CREATED,
            DOCUMENT_EXPIRED,
            APPROVAL_REQUESTED,
            APPROVAL_DECIDED,
            APPROVAL_COMPLETED,
        ),
        tenant_tables=TABLES,
        example_payloads=EXAMPLES,
    )


@hookimpl
def nexus_routes(register: Callable[[Any], None]) -> None:
    """Mount the documents routes under ``/api/v1/documents/``."""
    for controller in (
        TypeController,
        RoleController,
        DocumentController,
        RecordController,
        TagController,
        DocumentApprovalController,
        ApprovalController,
        RetentionController,
    ):
        register(controller)


@hookimpl
def nexus_piccolo_app() -> str:
    """The documents tables and migrations."""
    return "nexus_documents.piccolo_app"


@hookimpl
def nexus_event_handlers(register: Callable[[str, Any], None]) -> None:
    """File Finance's rendered invoices and HR's payslips; follow Drive's files."""
    register(INVOICE_RENDERED, file_rendered)
    register(PAYSLIP_RENDERED, file_rendered)
    register(FILE_UPDATED, file_updated)
    register(FILE_TRASHED, file_trashed)
    register(FILE_RESTORED, file_trashed)
    register(FILE_DELETED, file_deleted)


"""The process's retention sweep (``_sweep``): started with the app, stopped with it."""


@hookimpl
def nexus_background(work: Background) -> None:
    """Start the retention sweep over every tenant with Documents on."""
    SWEEPER.start(work)


@hookimpl
async def nexus_shutdown(app: Any) -> None:
    """Stop the retention sweep."""
    del app
    await SWEEPER.stop()


@hookimpl
async def nexus_tenant_enable(tenant: TenantRef, conn: Connection) -> None:
    """Give the tenant its first document types: general, contract, invoice and payslip."""
    del tenant  # row-level security on ``conn`` already names the tenant
    await seed_types(conn)
