"""The events Documents publishes and the peer events it consumes.

Every event is published in the transaction that makes the change (the outbox); the
subject is the document id.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

import msgspec
from nexus_hookspecs import EventType

__all__ = (
    "APPROVAL_COMPLETED",
    "APPROVAL_DECIDED",
    "APPROVAL_REQUESTED",
    "DOCUMENT_CREATED",
    "DOCUMENT_EXPIRED",
    "INVOICE_RENDERED",
    "PAYSLIP_RENDERED",
    "ApprovalCompleted",
    "ApprovalDecided",
    "ApprovalRequested",
    "DocumentCreated",
    "DocumentExpired",
    "LinkRef",
    "Rendered",
)

INVOICE_RENDERED = "finance.invoice.rendered.v1"
"""Finance rendered a posted invoice's PDF into the tenant's files store."""

PAYSLIP_RENDERED = "hr.payslip.rendered.v1"
"""HR rendered an issued payslip's PDF into the tenant's files store."""


class Rendered(msgspec.Struct, kw_only=True):
    """The ``data`` of ``finance.invoice.rendered.v1`` and ``hr.payslip.rendered.v1``.

    Documents' own mirror of the publishers' payload (fields may be added upstream; those
    Documents does not read are ignored).
    """

    record_type: str
    record_id: UUID
    label: str
    blob_key: str
    filename: str
    content_type: str
    size: int
    partner_id: UUID | None = None
    employee_id: UUID | None = None
    occurred_on: date | None = None


class LinkRef(msgspec.Struct, kw_only=True):
    """A record a document is linked to.

    Attributes:
        record_type: ``<plugin>.<thing>``: ``finance.invoice``, ``hr.employee``, ``crm.deal``.
        record_id: The record's id in its plugin.
    """

    record_type: str
    record_id: UUID


class DocumentCreated(msgspec.Struct, kw_only=True):
    """The ``data`` of ``documents.document.created.v1``.

    Attributes:
        document_id: The document.
        type: Its type's key (``invoice``, ``contract``).
        title: Its title.
        drive_file_id: The Drive file it describes, if it has one yet.
        source_ref: For a generated document, the record it was filed for
            (``finance.invoice:<id>``); ``None`` for one a user created.
        links: The records it is linked to.
    """

    document_id: UUID
    type: str
    title: str
    drive_file_id: UUID | None
    source_ref: str | None
    links: list[LinkRef]


class DocumentExpired(msgspec.Struct, kw_only=True):
    """The ``data`` of ``documents.document.expired.v1``.

    Attributes:
        document_id: The document.
        retain_until: The last day its type's retention rule kept it.
        drive_file_id: Its Drive file, if it had one.
        file_trashed: Whether the sweep moved that file to Drive's trash (not when it was
            there already or is gone).
    """

    document_id: UUID
    retain_until: date
    drive_file_id: UUID | None
    file_trashed: bool


class ApprovalRequested(msgspec.Struct, kw_only=True):
    """The ``data`` of ``documents.approval.requested.v1`` (once per step reached).

    Attributes:
        approval_id: The approval.
        document_id: The document to approve.
        step: The step's position, from 1.
        step_name: The step's name.
        rule: ``any`` (one approval advances) or ``all`` (every approver must approve).
        approvers: The user ids who may decide on this step.
    """

    approval_id: UUID
    document_id: UUID
    step: int
    step_name: str
    rule: str
    approvers: list[UUID]


class ApprovalDecided(msgspec.Struct, kw_only=True):
    """The ``data`` of ``documents.approval.decided.v1`` (once per decision).

    Attributes:
        approval_id: The approval.
        document_id: The document.
        step: The step decided on, from 1.
        decision: ``approve`` or ``reject``.
        approver: The user who decided.
        comment: What they wrote.
    """

    approval_id: UUID
    document_id: UUID
    step: int
    decision: str
    approver: UUID
    comment: str


class ApprovalCompleted(msgspec.Struct, kw_only=True):
    """The ``data`` of ``documents.approval.completed.v1``.

    Attributes:
        approval_id: The approval.
        document_id: The document.
        outcome: ``approved`` (every step passed) or ``rejected`` (an approver refused).
    """

    approval_id: UUID
    document_id: UUID
    outcome: str


DOCUMENT_CREATED = EventType(
    type="documents.document.created.v1",
    description="A document was created, by a user or filed from another plugin's rendering.",
    payload=DocumentCreated,
)
DOCUMENT_EXPIRED = EventType(
    type="documents.document.expired.v1",
    description=(
        "The retention sweep found a document past its type's retention period and not on "
        "legal hold: it is marked expired and its Drive file moved to the trash."
    ),
    payload=DocumentExpired,
)
APPROVAL_REQUESTED = EventType(
    type="documents.approval.requested.v1",
    description="An approval reached a step: its approvers are asked to decide.",
    payload=ApprovalRequested,
)
APPROVAL_DECIDED = EventType(
    type="documents.approval.decided.v1",
    description="An approver of the current step approved or rejected, with a comment.",
    payload=ApprovalDecided,
)
APPROVAL_COMPLETED = EventType(
    type="documents.approval.completed.v1",
    description="An approval ended: every step approved it, or an approver rejected it.",
    payload=ApprovalCompleted,
)
