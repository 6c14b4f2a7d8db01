"""Configuration: teams, queues, calendars, SLA policies and canned responses."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from litestar import Controller, get, patch, post
from litestar.params import FromPath
from nexus_hookspecs.http import (
    Cursor,
    Db,
    FieldErrors,
    Limit,
    Page,
    TenantSettings,
    invalid,
    not_found,
    route_opt,
)

from nexus_support._calendar import region_known, valid_zone
from nexus_support._config import insert_row, list_rows, show_row
from nexus_support._examples import body
from nexus_support._fields import Body, Name, Tier
from nexus_support._keys import CONFIG_MANAGE, TICKETS_READ
from nexus_support._settings import SupportSettings
from nexus_support._tickets import Priority

__all__ = (
    "CalendarController",
    "CannedController",
    "PolicyController",
    "QueueController",
    "TeamController",
)

Assignment = Literal["round_robin", "load", "manual"]
Members = Annotated[list[UUID], msgspec.Meta(max_length=200)]
Minutes = Annotated[int, msgspec.Meta(ge=1, le=525_600)]


class TeamIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A team: its agents (user ids) and how new tickets are assigned among them."""

    name: Name
    assignment: Assignment = "round_robin"
    members: Members = msgspec.field(default_factory=list)


class TeamPatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Fields of a team to change."""

    name: Name | None = None
    assignment: Assignment | None = None
    members: Members | None = None


class TeamOut(msgspec.Struct, kw_only=True):
    """A team."""

    id: UUID
    name: str
    assignment: Assignment
    members: list[UUID]
    created_at: datetime


class QueueIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A queue tickets land in, and the team that works it."""

    name: Name
    team_id: UUID | None = None


class QueueOut(msgspec.Struct, kw_only=True):
    """A queue."""

    id: UUID
    name: str
    team_id: UUID | None
    created_at: datetime


class CalendarIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Working hours. ``country`` and ``time_zone`` default to the tenant's settings."""

    name: Name
    weekdays: Annotated[
        list[Annotated[int, msgspec.Meta(ge=0, le=6)]], msgspec.Meta(min_length=1, max_length=7)
    ] = msgspec.field(default_factory=lambda: [0, 1, 2, 3, 4])
    opens: time = time(9)
    closes: time = time(17)
    time_zone: Annotated[str, msgspec.Meta(min_length=1, max_length=64)] | None = None
    country: Annotated[str, msgspec.Meta(pattern="^[A-Z]{2}$")] | None = None
    subdivision: Annotated[str, msgspec.Meta(min_length=1, max_length=10)] | None = None
    closed_days: Annotated[list[date], msgspec.Meta(max_length=366)] = msgspec.field(
        default_factory=list
    )
    is_default: bool = False


class CalendarOut(msgspec.Struct, kw_only=True):
    """A working calendar (0 = Monday in ``weekdays``)."""

    id: UUID
    name: str
    weekdays: list[int]
    opens: time
    closes: time
    time_zone: str
    country: str | None
    subdivision: str | None
    closed_days: list[date]
    is_default: bool
    created_at: datetime


class PolicyIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Targets in business minutes for one priority, and a customer tier (none: any tier)."""

    name: Name
    priority: Priority
    tier: Tier | None = None
    first_response_minutes: Minutes
    resolution_minutes: Minutes
    warning_percent: Annotated[int, msgspec.Meta(ge=1, le=99)] = 80
    calendar_id: UUID | None = None


class PolicyOut(msgspec.Struct, kw_only=True):
    """An SLA policy."""

    id: UUID
    name: str
    priority: Priority
    tier: str | None
    first_response_minutes: int
    resolution_minutes: int
    warning_percent: int
    calendar_id: UUID | None
    created_at: datetime


class CannedIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A canned response; ``{{requester_name}}``, ``{{ticket_number}}``, ``{{subject}}`` fill in."""

    title: Name
    body: Body


class CannedOut(msgspec.Struct, kw_only=True):
    """A canned response."""

    id: UUID
    title: str
    body: str
    created_at: datetime


_MANAGE = route_opt(permission=CONFIG_MANAGE)
_READ = route_opt(permission=TICKETS_READ)


class TeamController(Controller):
    """Teams of agents."""

    path = "/teams"
    tags = ["support: configuration"]

    @get("/", opt=_READ)
    async def list_teams(self, db: Db, cursor: Cursor = None, limit: Limit = 50) -> Page[TeamOut]:
        """Teams, oldest first."""
        async with db.transaction() as conn:
            return await list_rows(conn, "support_team", TeamOut, cursor=cursor, limit=limit)

    @post("/", opt=_MANAGE)
    async def create_team(
        self, db: Db, data: Annotated[TeamIn, body("POST /teams", "A billing team")]
    ) -> TeamOut:
        """Create a team."""
        async with db.transaction() as conn:
            return await insert_row(conn, "support_team", msgspec.structs.asdict(data), TeamOut)

    @get("/{team_id:uuid}", opt=_READ)
    async def show_team(self, db: Db, team_id: FromPath[UUID]) -> TeamOut:
        """One team."""
        async with db.transaction() as conn:
            return await show_row(conn, "support_team", team_id, TeamOut)

    @patch("/{team_id:uuid}", opt=_MANAGE)
    async def change_team(
        self,
        db: Db,
        team_id: FromPath[UUID],
        data: Annotated[TeamPatch, body("PATCH /teams/{team_id}", "Balance by load")],
    ) -> TeamOut:
        """Rename a team, change its rule or its members."""
        async with db.transaction() as conn:
            done = await conn.execute(
                "update support_team set name = coalesce($2, name), "
                "assignment = coalesce($3, assignment), members = coalesce($4, members) "
                "where id = $1",
                team_id,
                data.name,
                data.assignment,
                data.members,
            )
            if done.endswith(" 0"):
                not_found()
            return await show_row(conn, "support_team", team_id, TeamOut)


class QueueController(Controller):
    """Queues."""

    path = "/queues"
    tags = ["support: configuration"]

    @get("/", opt=_READ)
    async def list_queues(self, db: Db, cursor: Cursor = None, limit: Limit = 50) -> Page[QueueOut]:
        """Queues, oldest first."""
        async with db.transaction() as conn:
            return await list_rows(conn, "support_queue", QueueOut, cursor=cursor, limit=limit)

    @post("/", opt=_MANAGE)
    async def create_queue(
        self, db: Db, data: Annotated[QueueIn, body("POST /queues", "Billing questions")]
    ) -> QueueOut:
        """Create a queue (422 naming ``team_id`` when the team is missing)."""
        async with db.transaction() as conn:
            if data.team_id is not None and not await conn.fetchval(
                "select exists (select 1 from support_team where id = $1)", data.team_id
            ):
                invalid("team_id", "no such team")
            return await insert_row(conn, "support_queue", msgspec.structs.asdict(data), QueueOut)

    @get("/{queue_id:uuid}", opt=_READ)
    async def show_queue(self, db: Db, queue_id: FromPath[UUID]) -> QueueOut:
        """One queue."""
        async with db.transaction() as conn:
            return await show_row(conn, "support_queue", queue_id, QueueOut)


class CalendarController(Controller):
    """Working calendars."""

    path = "/calendars"
    tags = ["support: configuration"]

    @get("/", opt=_READ)
    async def list_calendars(
        self, db: Db, cursor: Cursor = None, limit: Limit = 50
    ) -> Page[CalendarOut]:
        """Working calendars, oldest first."""
        async with db.transaction() as conn:
            return await list_rows(
                conn, "support_calendar", CalendarOut, cursor=cursor, limit=limit
            )

    @post("/", opt=_MANAGE)
    async def create_calendar(
        self,
        db: Db,
        settings: TenantSettings[SupportSettings],
        data: Annotated[CalendarIn, body("POST /calendars", "The London office's hours")],
    ) -> CalendarOut:
        """Create a working calendar.

        ``is_default`` makes it the one policies without a calendar use. 422 for an unknown
        zone, country or subdivision, or closing before opening.
        """
        zone = data.time_zone or settings.time_zone
        country = data.country or settings.country
        subdivision = data.subdivision or (settings.subdivision if not data.country else None)
        errors = FieldErrors()
        if not valid_zone(zone):
            errors.add("time_zone", "not an IANA time zone")
        if country is not None and not region_known(country, subdivision):
            errors.add("country", "no public holidays known for this country or subdivision")
        if data.closes <= data.opens:
            errors.add("closes", "must be after opens")
        errors.raise_if_any()
        values = msgspec.structs.asdict(data) | {
            "time_zone": zone,
            "country": country,
            "subdivision": subdivision,
            "weekdays": sorted(set(data.weekdays)),
            "closed_days": sorted(set(data.closed_days)),
        }
        async with db.transaction() as conn:
            if data.is_default:
                await conn.execute("update support_calendar set is_default = false")
            return await insert_row(conn, "support_calendar", values, CalendarOut)

    @get("/{calendar_id:uuid}", opt=_READ)
    async def show_calendar(self, db: Db, calendar_id: FromPath[UUID]) -> CalendarOut:
        """One working calendar."""
        async with db.transaction() as conn:
            return await show_row(conn, "support_calendar", calendar_id, CalendarOut)


class PolicyController(Controller):
    """SLA policies."""

    path = "/sla-policies"
    tags = ["support: configuration"]

    @get("/", opt=_READ)
    async def list_policies(
        self, db: Db, cursor: Cursor = None, limit: Limit = 50
    ) -> Page[PolicyOut]:
        """SLA policies, oldest first."""
        async with db.transaction() as conn:
            return await list_rows(
                conn, "support_sla_policy", PolicyOut, cursor=cursor, limit=limit
            )

    @post("/", opt=_MANAGE)
    async def create_policy(
        self, db: Db, data: Annotated[PolicyIn, body("POST /sla-policies", "Gold, high")]
    ) -> PolicyOut:
        """Create a policy; new tickets of its priority and tier run under it.

        The newest policy of a priority and tier applies to tickets opened (or re-matched)
        after it; 422 for a missing calendar.
        """
        async with db.transaction() as conn:
            errors = FieldErrors()
            if data.calendar_id is not None and not await conn.fetchval(
                "select exists (select 1 from support_calendar where id = $1)", data.calendar_id
            ):
                errors.add("calendar_id", "no such calendar")
            errors.raise_if_any()
            return await insert_row(
                conn, "support_sla_policy", msgspec.structs.asdict(data), PolicyOut
            )

    @get("/{policy_id:uuid}", opt=_READ)
    async def show_policy(self, db: Db, policy_id: FromPath[UUID]) -> PolicyOut:
        """One SLA policy."""
        async with db.transaction() as conn:
            return await show_row(conn, "support_sla_policy", policy_id, PolicyOut)


class CannedController(Controller):
    """Canned responses."""

    path = "/canned-responses"
    tags = ["support: configuration"]

    @get("/", opt=_READ)
    async def list_canned(
        self, db: Db, cursor: Cursor = None, limit: Limit = 50
    ) -> Page[CannedOut]:
        """Canned responses, oldest first."""
        async with db.transaction() as conn:
            return await list_rows(conn, "support_canned", CannedOut, cursor=cursor, limit=limit)

    @post("/", opt=_MANAGE)
    async def create_canned(
        self, db: Db, data: Annotated[CannedIn, body("POST /canned-responses", "Reissued")]
    ) -> CannedOut:
        """Create a canned response."""
        async with db.transaction() as conn:
            return await insert_row(conn, "support_canned", msgspec.structs.asdict(data), CannedOut)

    @get("/{canned_id:uuid}", opt=_READ)
    async def show_canned(self, db: Db, canned_id: FromPath[UUID]) -> CannedOut:
        """One canned response."""
        async with db.transaction() as conn:
            return await show_row(conn, "support_canned", canned_id, CannedOut)
