"""``/approvals`` and ``/documents/{id}/approvals``: approvals, decisions, an approver's inbox."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from litestar import Controller, get, post
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs.http import (
    Context,
    Cursor,
    Db,
    Events,
    Limit,
    Page,
    Services,
    TenantSettings,
    after_id,
    page_of,
    route_opt,
)

from nexus_documents._approvals import (
    ApprovalOut,
    DecisionIn,
    DecisionOut,
    NotAnApproverError,
    decide,
    get_approval,
    list_approvals,
    list_decisions,
    start_approval,
    user_of,
)
from nexus_documents._documents import get_document
from nexus_documents._examples import body
from nexus_documents._keys import APPROVALS, APPROVE, DOCUMENTS_READ, DOCUMENTS_WRITE
from nexus_documents._settings import DocumentsSettings

__all__ = ("ApprovalController", "DocumentApprovalController")


class DocumentApprovalController(Controller):
    """A document's approvals."""

    path = "/documents/{document_id:uuid}/approvals"
    tags = ["documents: approvals"]
    opt = route_opt(feature=APPROVALS)

    @get("/", opt=route_opt(permission=DOCUMENTS_READ))
    async def list_document_approvals(
        self, db: Db, document_id: FromPath[UUID], cursor: Cursor = None, limit: Limit = 50
    ) -> Page[ApprovalOut]:
        """The document's approvals with their decisions, oldest first."""
        async with db.transaction() as conn:
            await get_document(conn, document_id)
            found = await list_approvals(
                conn,
                document_id=document_id,
                status=None,
                approver=None,
                after=after_id(cursor),
                limit=limit + 1,
            )
        return page_of(found, limit)

    @post("/", opt=route_opt(permission=DOCUMENTS_WRITE))
    async def start_approval(  # noqa: PLR0913 - the ports the start needs
        self,
        db: Db,
        events: Events,
        services: Services,
        context: Context,
        settings: TenantSettings[DocumentsSettings],
        document_id: FromPath[UUID],
    ) -> ApprovalOut:
        """Start the approval workflow of the document's type on it.

        Each step's approvers are fixed now (its users and its role's members). Publishes
        ``documents.approval.requested.v1`` for the first step and, when Notification is
        on, sends each of its approvers a message. 409 when the type has no workflow, an
        approval of the document is pending, the document expired, or a step's role has no
        members.
        """
        async with db.transaction() as conn:
            return await start_approval(
                conn, events, services, settings, document_id, actor=context.actor
            )


class ApprovalController(Controller):
    """Approvals and their decisions."""

    path = "/approvals"
    tags = ["documents: approvals"]
    opt = route_opt(feature=APPROVALS)

    @get("/", opt=route_opt(permission=DOCUMENTS_READ))
    async def list_approvals(  # noqa: PLR0913 - one parameter per filter
        self,
        db: Db,
        context: Context,
        status: Annotated[
            Literal["pending", "approved", "rejected"] | None,
            QueryParameter(description="Only approvals in this status."),
        ] = None,
        mine: Annotated[
            bool, QueryParameter(description="Only those awaiting the caller's decision.")
        ] = False,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[ApprovalOut]:
        """Approvals, oldest first, by status.

        ``mine=true``: those awaiting the signed-in caller's decision on their current step
        (an approver's inbox; empty for an API key).
        """
        approver = user_of(context.actor) if mine else None
        if mine and approver is None:
            return Page(items=[])
        async with db.transaction() as conn:
            found = await list_approvals(
                conn,
                document_id=None,
                status=status,
                approver=approver,
                after=after_id(cursor),
                limit=limit + 1,
            )
        return page_of(found, limit)

    @get("/{approval_id:uuid}", opt=route_opt(permission=DOCUMENTS_READ))
    async def show_approval(self, db: Db, approval_id: FromPath[UUID]) -> ApprovalOut:
        """One approval: its steps, who is awaited, its decisions."""
        async with db.transaction() as conn:
            return await get_approval(conn, approval_id)

    @get("/{approval_id:uuid}/decisions", opt=route_opt(permission=DOCUMENTS_READ))
    async def list_decisions(self, db: Db, approval_id: FromPath[UUID]) -> list[DecisionOut]:
        """The approval's decisions, oldest first, with the approvers' comments."""
        async with db.transaction() as conn:
            return await list_decisions(conn, approval_id)

    @post("/{approval_id:uuid}/decisions", opt=route_opt(permission=APPROVE))
    async def decide(  # noqa: PLR0913 - the ports a decision needs
        self,
        db: Db,
        events: Events,
        services: Services,
        context: Context,
        settings: TenantSettings[DocumentsSettings],
        approval_id: FromPath[UUID],
        data: Annotated[
            DecisionIn, body("POST /approvals/{approval_id}/decisions", "Approve, with a note")
        ],
    ) -> ApprovalOut:
        """Approve or reject the current step, with a comment, as one of its approvers.

        A rejection ends the approval; an approval passes an ``any`` step at once and an
        ``all`` step once every approver approved; the last step passed ends it approved.
        Publishes ``documents.approval.decided.v1`` (and ``.completed.v1`` at the end).
        403 when the caller is not a signed-in approver of the current step; 409 when the
        approval ended or the caller already decided on this step.
        """
        try:
            async with db.transaction() as conn:
                return await decide(
                    conn, events, services, settings, approval_id, data, actor=context.actor
                )
        except NotAnApproverError as exc:
            raise PermissionDeniedException(str(exc)) from None
