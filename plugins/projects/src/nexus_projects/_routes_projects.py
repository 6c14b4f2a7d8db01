"""Projects: list, show, create and change; their stages (the kanban columns)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, get, patch, post
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs import Connection  # noqa: TC002 - one name beside the kit's
from nexus_hookspecs.http import (
    Cursor,
    Db,
    Events,
    Limit,
    Money,
    Page,
    TenantSettings,
    after_id,
    conflict,
    invalid,
    page_of,
    route_opt,
)

from nexus_projects._examples import body
from nexus_projects._fields import BillingType, Currency, Description, Hours, Name, Status
from nexus_projects._keys import PROJECTS_READ, PROJECTS_WRITE
from nexus_projects._projects import (
    PROJECT_COLUMNS,
    add_stage,
    create_project,
    load_project,
    update_project,
)
from nexus_projects._settings import ProjectsSettings

__all__ = ("ProjectController", "ProjectIn", "ProjectOut", "StageOut")

_Code = Annotated[str, msgspec.Meta(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")]


async def _refuse_taken_code(
    conn: Connection, code: str | None, *, project_id: UUID | None = None
) -> None:
    """409 when another project of the tenant has ``code`` (the unique index would refuse)."""
    if code is not None and await conn.fetchval(
        "select 1 from projects_project where code = $1 and id is distinct from $2",
        code,
        project_id,
    ):
        conflict("another project has this code", code=code)


class ProjectOut(msgspec.Struct, kw_only=True):
    """A project."""

    id: UUID
    name: str
    code: str | None
    description: str
    customer_ref: UUID | None
    customer_name: str | None
    manager_id: UUID | None
    billing_type: str
    status: str
    budget_hours: Decimal | None
    budget_amount: Decimal | None
    currency: str
    hourly_rate: Decimal | None
    start_date: date | None
    end_date: date | None
    created_at: datetime


class ProjectIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new project.

    ``customer_ref`` is the CRM company or contact id (opaque: no CRM import), kept with
    ``customer_name``; billing runs invoice that customer through Finance.
    """

    name: Name
    code: _Code | None = None
    description: Description = ""
    customer_ref: UUID | None = None
    customer_name: Name | None = None
    manager_id: UUID | None = None
    billing_type: BillingType = "time_and_materials"
    status: Status = "active"
    budget_hours: Hours | None = None
    budget_amount: Money | None = None
    currency: Currency | None = None
    hourly_rate: Money | None = None
    start_date: date | None = None
    end_date: date | None = None


class ProjectPatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    """Changes to a project: only the fields sent change (``null`` clears an optional one)."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    code: _Code | None | msgspec.UnsetType = msgspec.UNSET
    description: Description | msgspec.UnsetType = msgspec.UNSET
    customer_ref: UUID | None | msgspec.UnsetType = msgspec.UNSET
    customer_name: Name | None | msgspec.UnsetType = msgspec.UNSET
    manager_id: UUID | None | msgspec.UnsetType = msgspec.UNSET
    billing_type: BillingType | msgspec.UnsetType = msgspec.UNSET
    status: Status | msgspec.UnsetType = msgspec.UNSET
    budget_hours: Hours | None | msgspec.UnsetType = msgspec.UNSET
    budget_amount: Money | None | msgspec.UnsetType = msgspec.UNSET
    hourly_rate: Money | None | msgspec.UnsetType = msgspec.UNSET
    start_date: date | None | msgspec.UnsetType = msgspec.UNSET
    end_date: date | None | msgspec.UnsetType = msgspec.UNSET


class StageOut(msgspec.Struct, kw_only=True):
    """A kanban stage of a project (``is_done``: tasks on it are completed)."""

    id: UUID
    project_id: UUID
    name: str
    position: int
    is_done: bool


class StageIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A stage appended to the project's board."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    is_done: bool = False


def _out(row: Any) -> ProjectOut:
    return msgspec.convert(dict(row), ProjectOut)


def _check_dates(start: date | None, end: date | None) -> None:
    if start is not None and end is not None and end < start:
        invalid("end_date", "must not be before start_date")


class ProjectController(Controller):
    """Projects and their stages."""

    path = "/projects"

    @get("/", opt=route_opt(permission=PROJECTS_READ))
    async def list_projects(
        self,
        db: Db,
        cursor: Cursor = None,
        limit: Limit = 50,
        status: Annotated[Status | None, QueryParameter(description="Only this status.")] = None,
    ) -> Page[ProjectOut]:
        """Projects, oldest first; ``status`` filters."""
        after = after_id(cursor)
        async with db.transaction() as conn:
            rows = await conn.fetch(
                f"select {PROJECT_COLUMNS} from projects_project where ($1::uuid is null or "  # noqa: S608
                "id > $1) and ($2::text is null or status = $2) order by id limit $3",
                after,
                status,
                limit + 1,
            )
        return page_of([_out(row) for row in rows], limit)

    @post("/", opt=route_opt(permission=PROJECTS_WRITE))
    async def create(
        self,
        db: Db,
        events: Events,
        settings: TenantSettings[ProjectsSettings],
        data: Annotated[ProjectIn, body("POST /projects", "A time-and-materials project")],
    ) -> ProjectOut:
        """Create a project with the tenant's default stages (``projects.project.created.v1``)."""
        _check_dates(data.start_date, data.end_date)
        fields = msgspec.structs.asdict(data)
        fields["currency"] = data.currency or settings.default_currency
        async with db.transaction() as conn:
            await _refuse_taken_code(conn, data.code)
            row = await create_project(
                conn, events, fields=fields, stages=list(settings.default_stages)
            )
        return _out(row)

    @get("/{project_id:uuid}", opt=route_opt(permission=PROJECTS_READ))
    async def show(self, db: Db, project_id: FromPath[UUID]) -> ProjectOut:
        """One project; another tenant's answers 404."""
        async with db.transaction() as conn:
            return _out(await load_project(conn, project_id))

    @patch("/{project_id:uuid}", opt=route_opt(permission=PROJECTS_WRITE))
    async def change(
        self,
        db: Db,
        project_id: FromPath[UUID],
        data: Annotated[
            ProjectPatch, body("PATCH /projects/{project_id}", "Put a project on hold")
        ],
    ) -> ProjectOut:
        """Change a project's fields (only those sent); 409 for another project's code."""
        changes = msgspec.structs.asdict(data)
        changes = {k: v for k, v in changes.items() if v is not msgspec.UNSET}
        async with db.transaction() as conn:
            current = await load_project(conn, project_id, lock=True)
            await _refuse_taken_code(conn, changes.get("code"), project_id=project_id)
            _check_dates(
                changes.get("start_date", current["start_date"]),
                changes.get("end_date", current["end_date"]),
            )
            return _out(await update_project(conn, project_id, changes))

    @get("/{project_id:uuid}/stages", opt=route_opt(permission=PROJECTS_READ))
    async def list_stages(self, db: Db, project_id: FromPath[UUID]) -> list[StageOut]:
        """The project's stages, in board order."""
        async with db.transaction() as conn:
            await load_project(conn, project_id)
            rows = await conn.fetch(
                "select id, project_id, name, position, is_done from projects_stage where "
                "project_id = $1 order by position, id",
                project_id,
            )
        return [msgspec.convert(dict(row), StageOut) for row in rows]

    @post("/{project_id:uuid}/stages", opt=route_opt(permission=PROJECTS_WRITE))
    async def add_stage(
        self,
        db: Db,
        project_id: FromPath[UUID],
        data: Annotated[StageIn, body("POST /projects/{project_id}/stages", "A review column")],
    ) -> StageOut:
        """Append a stage to the project's board."""
        async with db.transaction() as conn:
            await load_project(conn, project_id, lock=True)
            row = await add_stage(conn, project_id, name=data.name, is_done=data.is_done)
        return msgspec.convert(dict(row), StageOut)
