"""Project members (an employee in a role) and hourly rates (per role or employee).

Precedence (most specific wins): the employee's rate on the project, their role's rate on
the project, the project's ``hourly_rate``, the tenant's ``default_hourly_rate``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, post, put
from litestar.params import FromPath
from nexus_hookspecs import new_id
from nexus_hookspecs.http import Db, FieldErrors, Money, not_found, route_opt

from nexus_projects._examples import body
from nexus_projects._keys import PROJECTS_READ, PROJECTS_WRITE
from nexus_projects._projects import load_project
from nexus_projects._rates import RATE_COLUMNS, set_rate

__all__ = ("RateController",)

_Role = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


class MemberOut(msgspec.Struct, kw_only=True):
    """An employee on a project, in a role."""

    id: UUID
    project_id: UUID
    employee_id: UUID
    role: str


class MemberIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The employee's role on the project (its rate applies to their hours)."""

    role: _Role


class RateOut(msgspec.Struct, kw_only=True):
    """An hourly rate of a project, for a role or an employee."""

    id: UUID
    project_id: UUID
    role: str | None
    employee_id: UUID | None
    hourly_rate: Decimal


class RateIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A rate for exactly one of ``role`` or ``employee_id`` (replaces the one there was)."""

    hourly_rate: Money
    role: _Role | None = None
    employee_id: UUID | None = None


class RateController(Controller):
    """Members and rates of projects."""

    path = "/projects/{project_id:uuid}"

    @get("/members", opt=route_opt(permission=PROJECTS_READ))
    async def members(self, db: Db, project_id: FromPath[UUID]) -> list[MemberOut]:
        """The project's members."""
        async with db.transaction() as conn:
            await load_project(conn, project_id)
            rows = await conn.fetch(
                "select id, project_id, employee_id, role from projects_member "
                "where project_id = $1 order by id",
                project_id,
            )
        return [msgspec.convert(dict(row), MemberOut) for row in rows]

    @put("/members/{employee_id:uuid}", opt=route_opt(permission=PROJECTS_WRITE))
    async def set_member(
        self,
        db: Db,
        project_id: FromPath[UUID],
        employee_id: FromPath[UUID],
        data: Annotated[
            MemberIn, body("PUT /projects/{project_id}/members/{employee_id}", "A consultant")
        ],
    ) -> MemberOut:
        """Add an employee to the project in a role, or change their role."""
        async with db.transaction() as conn:
            await load_project(conn, project_id, lock=True)
            row = await conn.fetchrow(
                "insert into projects_member (id, project_id, employee_id, role) values ($1, $2, "
                "$3, $4) on conflict (tenant_id, project_id, employee_id) do update set role = "
                "excluded.role returning id, project_id, employee_id, role",
                new_id(),
                project_id,
                employee_id,
                data.role,
            )
        return msgspec.convert(dict(row or {}), MemberOut)

    @delete("/members/{employee_id:uuid}", opt=route_opt(permission=PROJECTS_WRITE))
    async def remove_member(
        self, db: Db, project_id: FromPath[UUID], employee_id: FromPath[UUID]
    ) -> None:
        """Take an employee off the project."""
        async with db.transaction() as conn:
            found = await conn.fetchval(
                "delete from projects_member where project_id = $1 and employee_id = $2 "
                "returning id",
                project_id,
                employee_id,
            )
        if found is None:
            not_found()

    @get("/rates", opt=route_opt(permission=PROJECTS_READ))
    async def rates(self, db: Db, project_id: FromPath[UUID]) -> list[RateOut]:
        """The project's rates (its own ``hourly_rate`` is on the project)."""
        async with db.transaction() as conn:
            await load_project(conn, project_id)
            rows = await conn.fetch(
                f"select {RATE_COLUMNS} from projects_rate where project_id = $1 order by id",  # noqa: S608
                project_id,
            )
        return [msgspec.convert(dict(row), RateOut) for row in rows]

    @post("/rates", opt=route_opt(permission=PROJECTS_WRITE), status_code=200)
    async def set_rate(
        self,
        db: Db,
        project_id: FromPath[UUID],
        data: Annotated[RateIn, body("POST /projects/{project_id}/rates", "A senior's rate")],
    ) -> RateOut:
        """Set the project's rate for a role or an employee (replacing the one there was)."""
        errors = FieldErrors()
        if (data.role is None) == (data.employee_id is None):
            errors.add("role", "give exactly one of role and employee_id")
        errors.raise_if_any()
        async with db.transaction() as conn:
            await load_project(conn, project_id, lock=True)
            row: Any = await set_rate(
                conn,
                project_id,
                role=data.role,
                employee_id=data.employee_id,
                hourly_rate=data.hourly_rate,
            )
        return msgspec.convert(dict(row), RateOut)
