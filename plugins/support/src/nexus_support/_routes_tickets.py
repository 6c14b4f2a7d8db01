"""``/tickets``: open, list, show, change, assign, solve and merge tickets."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

import msgspec
from litestar import Controller, get, patch, post
from litestar.params import FromPath
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
    not_found,
    page_of,
    route_opt,
)

from nexus_support._examples import body
from nexus_support._fields import (
    AgentFilter,
    Body,
    Email,
    Name,
    StatusFilter,
    Subject,
    Tag,
    TagFilter,
    Tier,
)
from nexus_support._keys import TICKETS_READ, TICKETS_WRITE
from nexus_support._lifecycle import load, rematch, solve
from nexus_support._merge import merge
from nexus_support._settings import SupportSettings
from nexus_support._tickets import (
    TICKET_COLUMNS,
    NewTicket,
    Priority,
    TicketOut,
    assign,
    open_ticket,
    set_status,
    ticket_out,
)

__all__ = ("TicketController",)


class TicketIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A ticket opened through the API (by an agent, or an integration)."""

    subject: Subject
    body: Body
    priority: Priority = "normal"
    tier: Tier | None = None
    requester_email: Email | None = None
    requester_name: Name | None = None
    queue_id: UUID | None = None
    team_id: UUID | None = None
    assignee: UUID | None = None
    tags: Annotated[list[Tag], msgspec.Meta(max_length=20)] = msgspec.field(default_factory=list)


class TicketPatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Fields to change; ``status`` moves between open and pending (waiting on the customer)."""

    subject: Subject | None = None
    priority: Priority | None = None
    tier: Tier | None = None
    tags: Annotated[list[Tag], msgspec.Meta(max_length=20)] | None = None
    status: Literal["open", "pending"] | None = None


class AssignIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An agent (user id), or none: the ticket's team rule picks one."""

    assignee: UUID | None = None


class SolveIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Nothing to say: solving takes no fields."""


class MergeIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The ticket to merge this one into."""

    into: UUID


class TicketController(Controller):
    """Tickets."""

    path = "/tickets"
    tags = ["support: tickets"]

    @get("/", opt=route_opt(permission=TICKETS_READ))
    async def list_tickets(
        self,
        db: Db,
        status: StatusFilter = None,
        assignee: AgentFilter = None,
        tag: TagFilter = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[TicketOut]:
        """Tickets, oldest first; filter by ``status``, ``assignee`` or ``tag``."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                f"select {TICKET_COLUMNS} from support_ticket where ($1::uuid is null or id > $1)"
                " and ($2::text is null or status = $2) and ($3::uuid is null or assignee = $3)"
                " and ($4::text is null or $4 = any(tags)) order by id limit $5",
                after_id(cursor),
                status,
                assignee,
                tag,
                limit + 1,
            )
        return page_of([ticket_out(row) for row in rows], limit)

    @post("/", opt=route_opt(permission=TICKETS_WRITE))
    async def create_ticket(
        self,
        db: Db,
        events: Events,
        context: Context,
        settings: TenantSettings[SupportSettings],
        data: Annotated[TicketIn, body("POST /tickets", "A customer's billing question")],
    ) -> TicketOut:
        """Open a ticket; its team's rule assigns it unless ``assignee`` is given.

        Publishes ``support.ticket.created.v1`` (and ``support.ticket.assigned.v1``).
        """
        async with db.transaction() as conn:
            now = await conn.fetchval("select now()")
            new = NewTicket(
                **msgspec.structs.asdict(data) | {"tier": data.tier or settings.default_tier},
                channel="api",
                author=context.actor,
                created_at=now,
            )
            return await open_ticket(conn, events, new)

    @get("/{ticket_id:uuid}", opt=route_opt(permission=TICKETS_READ))
    async def show_ticket(self, db: Db, ticket_id: FromPath[UUID]) -> TicketOut:
        """One ticket; another tenant's answers 404."""
        async with db.transaction() as conn:
            row = await load(conn, ticket_id)
        if row is None:
            not_found()
        return ticket_out(row)

    @patch("/{ticket_id:uuid}", opt=route_opt(permission=TICKETS_WRITE))
    async def change_ticket(
        self,
        db: Db,
        ticket_id: FromPath[UUID],
        data: Annotated[TicketPatch, body("PATCH /tickets/{ticket_id}", "Raise the priority")],
    ) -> TicketOut:
        """Change subject, priority, tier, tags or status (open ⇄ pending pauses the SLA).

        A new priority or tier puts the ticket under the matching SLA policy.
        """
        async with db.transaction() as conn:
            row = await load(conn, ticket_id)
            if row is None:
                not_found()
            if data.status is not None and row["status"] != "merged":
                now = await conn.fetchval("select now()")
                await set_status(
                    conn, ticket_id=ticket_id, old=row["status"], new=data.status, at=now
                )
            await conn.execute(
                "update support_ticket set subject = coalesce($2, subject), "
                "priority = coalesce($3, priority), tier = coalesce($4, tier), "
                "tags = coalesce($5, tags), updated_at = now() where id = $1",
                ticket_id,
                data.subject,
                data.priority,
                data.tier,
                sorted(set(data.tags)) if data.tags is not None else None,
            )
            if data.priority is not None or data.tier is not None:
                await rematch(conn, ticket_id)
            changed = await load(conn, ticket_id)
        assert changed is not None
        return ticket_out(changed)

    @post("/{ticket_id:uuid}/assign", status_code=200, opt=route_opt(permission=TICKETS_WRITE))
    async def assign_ticket(
        self,
        db: Db,
        events: Events,
        ticket_id: FromPath[UUID],
        data: Annotated[AssignIn, body("POST /tickets/{ticket_id}/assign", "To an agent")],
    ) -> TicketOut:
        """Assign to an agent, or (without one) by the ticket's team rule."""
        async with db.transaction() as conn:
            row = await load(conn, ticket_id)
            if row is None:
                not_found()
            return await assign(conn, events, ticket=row, assignee=data.assignee)

    @post("/{ticket_id:uuid}/solve", status_code=200, opt=route_opt(permission=TICKETS_WRITE))
    async def solve_ticket(
        self,
        db: Db,
        events: Events,
        context: Context,
        services: Services,
        settings: TenantSettings[SupportSettings],
        ticket_id: FromPath[UUID],
        data: Annotated[SolveIn, body("POST /tickets/{ticket_id}/solve", "Solve")],
    ) -> TicketOut:
        """Solve; publishes ``support.ticket.solved.v1`` with the CSAT link's token.

        With the ``survey_url`` setting, the requester is emailed the survey's link (through
        Notification's ``notify.send``, once). 409 when it is solved already or merged.
        """
        async with db.transaction() as conn:
            row = await load(conn, ticket_id)
            if row is None or context.tenant_id is None:
                not_found()
            now = await conn.fetchval("select now()")
            return await solve(
                conn,
                events,
                ticket=row,
                tenant_id=context.tenant_id,
                at=now,
                services=services,
                settings=settings,
            )

    @post("/{ticket_id:uuid}/merge", status_code=200, opt=route_opt(permission=TICKETS_WRITE))
    async def merge_ticket(
        self,
        db: Db,
        context: Context,
        ticket_id: FromPath[UUID],
        data: Annotated[MergeIn, body("POST /tickets/{ticket_id}/merge", "A duplicate")],
    ) -> TicketOut:
        """Merge this ticket into ``into``: messages and tags move; answers the target.

        404 when either ticket is missing; 409 merging a ticket into itself or a merged one.
        """
        async with db.transaction() as conn:
            first, second = sorted((ticket_id, data.into))
            rows = {first: await load(conn, first), second: await load(conn, second)}
            source, target = rows[ticket_id], rows[data.into]
            if source is None or target is None:
                not_found()
            now = await conn.fetchval("select now()")
            await merge(conn, source=source, target=target, author=context.actor, at=now)
            merged = await load(conn, data.into)
        assert merged is not None
        return ticket_out(merged)
