"""Approvals: a document's run through its type's workflow, step by step.

Starting an approval fixes its steps and each step's approvers (users named by the step and
the members of its role, at that moment). Only an approver of the current step may decide,
once per step: a rejection ends the approval ``rejected``; an approval passes an ``any``
step at once and an ``all`` step when every approver approved; passing the last step ends
it ``approved``. Every decision is kept with its comment. Reaching a step publishes
``documents.approval.requested.v1`` and, when Notification is on, asks each approver
through ``notify.send``; each decision publishes ``documents.approval.decided.v1`` and the
end ``documents.approval.completed.v1`` (the signed-in user who started it is told, through
``notify.send`` when Notification is on).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import ServiceUnavailable, conflict, not_found

from nexus_documents._documents import get_document
from nexus_documents._events import (
    APPROVAL_COMPLETED,
    APPROVAL_DECIDED,
    APPROVAL_REQUESTED,
    ApprovalCompleted,
    ApprovalDecided,
    ApprovalRequested,
)
from nexus_documents._workflows import get_workflow, resolve_steps

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nexus_hookspecs import Connection, EventPublisher, Services

    from nexus_documents._settings import DocumentsSettings

__all__ = (
    "ApprovalOut",
    "DecisionIn",
    "DecisionOut",
    "NotAnApproverError",
    "StepOut",
    "decide",
    "get_approval",
    "list_approvals",
    "list_decisions",
    "start_approval",
    "user_of",
)


class StepOut(msgspec.Struct, kw_only=True):
    """A step of an approval, with the approvers fixed when it started."""

    name: str
    rule: Literal["any", "all"]
    approvers: list[UUID]


class DecisionIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An approver's decision on the current step."""

    decision: Literal["approve", "reject"]
    comment: Annotated[str, msgspec.Meta(max_length=4000)] = ""


class DecisionOut(msgspec.Struct, kw_only=True):
    """A decision, as recorded."""

    id: UUID
    approval_id: UUID
    step: int
    approver: UUID
    decision: Literal["approve", "reject"]
    comment: str
    created_at: datetime


class ApprovalOut(msgspec.Struct, kw_only=True):
    """An approval as the API shows it.

    Attributes:
        current_step: The step awaiting decisions (from 1); after the end, the last reached.
        awaiting: The approvers of the current step who have not decided yet (empty once
            the approval ended).
    """

    id: UUID
    document_id: UUID
    status: Literal["pending", "approved", "rejected"]
    current_step: int
    steps: list[StepOut]
    awaiting: list[UUID]
    decisions: list[DecisionOut]
    requested_by: str | None
    created_at: datetime
    completed_at: datetime | None


class NotAnApproverError(Exception):
    """The caller may not decide on the approval's current step (the route answers 403)."""


class _Sent(msgspec.Struct):
    message_id: UUID


def user_of(actor: str | None) -> UUID | None:
    """The user id of a signed-in caller (``user:<id>``); ``None`` for keys and anonymous."""
    if actor is None or not actor.startswith("user:"):
        return None
    try:
        return UUID(actor.removeprefix("user:"))
    except ValueError:
        return None


def _json(value: Any) -> Any:
    return msgspec.json.decode(value) if isinstance(value, str | bytes) else value


_COLUMNS = "id, document_id, steps, current_step, status, requested_by, created_at, completed_at"


async def _decisions(conn: Connection, approval_ids: list[UUID]) -> dict[UUID, list[DecisionOut]]:
    rows = await conn.fetch(
        "select id, approval_id, step, approver, decision, comment, created_at "
        "from documents_decision where approval_id = any($1::uuid[]) order by id",
        approval_ids,
    )
    found: dict[UUID, list[DecisionOut]] = {}
    for row in rows:
        found.setdefault(row["approval_id"], []).append(msgspec.convert(dict(row), DecisionOut))
    return found


def _out(row: Mapping[str, Any], decisions: list[DecisionOut]) -> ApprovalOut:
    steps = msgspec.convert(_json(row["steps"]), list[StepOut])
    awaiting: list[UUID] = []
    if row["status"] == "pending":
        step = steps[row["current_step"] - 1]
        decided = {d.approver for d in decisions if d.step == row["current_step"]}
        awaiting = [user for user in step.approvers if user not in decided]
    return ApprovalOut(
        id=row["id"],
        document_id=row["document_id"],
        status=row["status"],
        current_step=row["current_step"],
        steps=steps,
        awaiting=awaiting,
        decisions=decisions,
        requested_by=row["requested_by"],
        created_at=row["created_at"],
        completed_at=row["completed_at"],
    )


async def get_approval(conn: Connection, approval_id: UUID, *, lock: bool = False) -> ApprovalOut:
    """One approval with its decisions; 404 when the tenant has none with this id."""
    lock_clause = " for update" if lock else ""
    row = await conn.fetchrow(
        f"select {_COLUMNS} from documents_approval where id = $1{lock_clause}", approval_id
    )
    if row is None:
        not_found()
    return _out(row, (await _decisions(conn, [approval_id])).get(approval_id, []))


async def list_approvals(
    conn: Connection,
    *,
    document_id: UUID | None,
    status: str | None,
    approver: UUID | None,
    after: UUID | None,
    limit: int,
) -> list[ApprovalOut]:
    """Approvals in creation order, narrowed as asked.

    ``approver`` keeps those awaiting that user's decision on their current step.
    """
    rows = await conn.fetch(
        f"select {_COLUMNS} from documents_approval a where ($1::uuid is null or id > $1) "
        "and ($2::uuid is null or document_id = $2) and ($3::text is null or status = $3) "
        "and ($4::uuid is null or (status = 'pending' and $4 = any(approvers) "
        "  and not exists (select 1 from documents_decision x where x.approval_id = a.id "
        "  and x.step = a.current_step and x.approver = $4))) "
        "order by id limit $5",
        after,
        document_id,
        status,
        approver,
        limit,
    )
    decisions = await _decisions(conn, [row["id"] for row in rows])
    return [_out(row, decisions.get(row["id"], [])) for row in rows]


async def list_decisions(conn: Connection, approval_id: UUID) -> list[DecisionOut]:
    """An approval's decisions, oldest first."""
    return (await get_approval(conn, approval_id)).decisions


async def _request_step(
    conn: Connection,
    events: EventPublisher,
    services: Services,
    settings: DocumentsSettings,
    approval: ApprovalOut,
    title: str,
) -> None:
    """Announce the current step: its event, and a message to each approver through notify."""
    step = approval.steps[approval.current_step - 1]
    data = ApprovalRequested(
        approval_id=approval.id,
        document_id=approval.document_id,
        step=approval.current_step,
        step_name=step.name,
        rule=step.rule,
        approvers=step.approvers,
    )
    await events.publish(
        conn, type=APPROVAL_REQUESTED.type, data=data, subject=str(approval.document_id)
    )
    for user in step.approvers:
        request = {
            "to": {"user_id": user},
            "category": settings.notify_category,
            "subject": f"Approval requested: {title}",
            "text": (
                f"Step {approval.current_step} of {len(approval.steps)} ({step.name}) of the "
                f"approval of the document {title!r} awaits your decision."
            ),
            "data": {
                "approval_id": str(approval.id),
                "document_id": str(approval.document_id),
                "step": approval.current_step,
            },
            "idempotency_key": f"documents.approval:{approval.id}:{approval.current_step}:{user}",
            "source_ref": f"documents.document:{approval.document_id}",
        }
        try:
            await services.call(conn, "notify.send", request, result=_Sent)
        except ServiceUnavailable:
            return  # notify is off for the tenant: the event still tells the approvers' tools


async def start_approval(
    conn: Connection,
    events: EventPublisher,
    services: Services,
    settings: DocumentsSettings,
    document_id: UUID,
    *,
    actor: str | None,
) -> ApprovalOut:
    """Start the document's type's workflow on it.

    409 when the type has no workflow, when an approval of the document is pending, when
    the document expired, or when a step resolves to no approver (a role without members).
    """
    document = await get_document(conn, document_id, lock=True)
    if document.status == "expired":
        conflict("the document expired under its retention rule")
    workflow = await get_workflow(conn, document.type_id)
    if workflow is None:
        conflict(
            f"document type {document.type!r} has no approval workflow", document_type=document.type
        )
    if await conn.fetchval(
        "select 1 from documents_approval where document_id = $1 and status = 'pending'",
        document_id,
    ):
        conflict("an approval of this document is pending")
    steps = await resolve_steps(conn, workflow.steps)
    empty = [index + 1 for index, step in enumerate(steps) if not step["approvers"]]
    if empty:
        conflict(f"step(s) {empty} have no approver: their role has no members", steps=empty)
    approval_id = new_id()
    await conn.execute(
        "insert into documents_approval (id, document_id, steps, current_step, approvers, "
        "status, requested_by) values ($1, $2, $3::text::jsonb, 1, $4::uuid[], 'pending', $5)",
        approval_id,
        document_id,
        msgspec.json.encode(steps).decode(),
        steps[0]["approvers"],
        actor,
    )
    approval = await get_approval(conn, approval_id)
    await _request_step(conn, events, services, settings, approval, document.title)
    return approval


async def decide(
    conn: Connection,
    events: EventPublisher,
    services: Services,
    settings: DocumentsSettings,
    approval_id: UUID,
    data: DecisionIn,
    *,
    actor: str | None,
) -> ApprovalOut:
    """Record a decision of an approver of the current step and move the approval on.

    403 when the caller is not a signed-in approver of the current step; 409 when the
    approval ended or the caller already decided on this step.
    """
    approval = await get_approval(conn, approval_id, lock=True)
    if approval.status != "pending":
        conflict(f"the approval is {approval.status}", approval_status=approval.status)
    user = user_of(actor)
    step = approval.steps[approval.current_step - 1]
    if user is None or user not in step.approvers:
        raise NotAnApproverError(
            f"only an approver of step {approval.current_step} ({step.name}) may decide on it"
        )
    if user not in approval.awaiting:
        conflict(f"you already decided on step {approval.current_step}")
    await conn.execute(
        "insert into documents_decision (id, approval_id, step, approver, decision, comment) "
        "values ($1, $2, $3, $4, $5, $6)",
        new_id(),
        approval_id,
        approval.current_step,
        user,
        data.decision,
        data.comment,
    )
    await events.publish(
        conn,
        type=APPROVAL_DECIDED.type,
        data=ApprovalDecided(
            approval_id=approval_id,
            document_id=approval.document_id,
            step=approval.current_step,
            decision=data.decision,
            approver=user,
            comment=data.comment,
        ),
        subject=str(approval.document_id),
    )
    remaining = [other for other in approval.awaiting if other != user]
    if data.decision == "reject":
        return await _complete(conn, events, services, settings, approval, "rejected")
    if step.rule == "all" and remaining:
        return await get_approval(conn, approval_id)
    if approval.current_step == len(approval.steps):
        return await _complete(conn, events, services, settings, approval, "approved")
    following = approval.steps[approval.current_step]
    await conn.execute(
        "update documents_approval set current_step = current_step + 1, approvers = $2 "
        "where id = $1",
        approval_id,
        following.approvers,
    )
    moved = await get_approval(conn, approval_id)
    document = await get_document(conn, approval.document_id)
    await _request_step(conn, events, services, settings, moved, document.title)
    return moved


async def _tell_requester(
    conn: Connection,
    services: Services,
    settings: DocumentsSettings,
    approval: ApprovalOut,
    outcome: str,
) -> None:
    """Tell the user who started the approval how it ended (through notify, when it is on)."""
    requester = user_of(approval.requested_by)
    if requester is None:
        return  # started with an API key: nobody to tell
    document = await get_document(conn, approval.document_id)
    request = {
        "to": {"user_id": requester},
        "category": settings.notify_category,
        "subject": f"Approval {outcome}: {document.title}",
        "text": f"The approval of the document {document.title!r} ended: {outcome}.",
        "data": {
            "approval_id": str(approval.id),
            "document_id": str(approval.document_id),
            "outcome": outcome,
        },
        "idempotency_key": f"documents.approval:{approval.id}:{outcome}",
        "source_ref": f"documents.document:{approval.document_id}",
    }
    try:
        await services.call(conn, "notify.send", request, result=_Sent)
    except ServiceUnavailable:
        return


async def _complete(  # noqa: PLR0913 - the ports the end needs
    conn: Connection,
    events: EventPublisher,
    services: Services,
    settings: DocumentsSettings,
    approval: ApprovalOut,
    outcome: str,
) -> ApprovalOut:
    await conn.execute(
        "update documents_approval set status = $2, approvers = array[]::uuid[], "
        "completed_at = now() where id = $1",
        approval.id,
        outcome,
    )
    await events.publish(
        conn,
        type=APPROVAL_COMPLETED.type,
        data=ApprovalCompleted(
            approval_id=approval.id, document_id=approval.document_id, outcome=outcome
        ),
        subject=str(approval.document_id),
    )
    await _tell_requester(conn, services, settings, approval, outcome)
    return await get_approval(conn, approval.id)
