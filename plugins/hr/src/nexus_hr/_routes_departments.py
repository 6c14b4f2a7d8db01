"""``/departments`` and ``/positions``: the organisation's structure."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath
from nexus_hookspecs import new_id
from nexus_hookspecs.http import (
    Cursor,
    Db,
    FieldErrors,
    Limit,
    Page,
    after_id,
    not_found,
    page_of,
    route_opt,
)

from nexus_hr._examples import body
from nexus_hr._fields import Name
from nexus_hr._keys import DEPARTMENTS_READ, DEPARTMENTS_WRITE

__all__ = ("DepartmentController", "PositionController")

Description = Annotated[str, msgspec.Meta(max_length=2000)]


class DepartmentIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new department, optionally inside another, with a manager (an employee)."""

    name: Name
    parent_id: UUID | None = None
    manager_id: UUID | None = None


class DepartmentChanges(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Some fields of a department; ``null`` clears the parent or the manager."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    parent_id: UUID | None | msgspec.UnsetType = msgspec.UNSET
    manager_id: UUID | None | msgspec.UnsetType = msgspec.UNSET


class DepartmentOut(msgspec.Struct, kw_only=True):
    """A department."""

    id: UUID
    name: str
    parent_id: UUID | None
    manager_id: UUID | None
    created_at: dt.datetime


class PositionIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new job position, optionally in a department."""

    name: Name
    department_id: UUID | None = None
    description: Description | None = None


class PositionChanges(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Some fields of a job position; ``null`` clears an optional one."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    department_id: UUID | None | msgspec.UnsetType = msgspec.UNSET
    description: Description | None | msgspec.UnsetType = msgspec.UNSET


class PositionOut(msgspec.Struct, kw_only=True):
    """A job position."""

    id: UUID
    name: str
    department_id: UUID | None
    description: str | None
    created_at: dt.datetime


_DEPARTMENT = "id, name, parent_id, manager_id, created_at"
_POSITION = "id, name, department_id, description, created_at"


async def _check(conn: Any, values: dict[str, Any], *, department_id: UUID | None) -> None:
    errors = FieldErrors()
    for key, table in (
        ("parent_id", "hr_department"),
        ("department_id", "hr_department"),
        ("manager_id", "hr_employee"),
    ):
        value = values.get(key)
        if value is not None and not await conn.fetchval(
            f"select true from {table} where id = $1", value
        ):
            errors.add(key, "no such record")
    parent = values.get("parent_id")
    if parent is not None and department_id is not None and not errors:
        cycle = await conn.fetchval(
            "with recursive up(id, parent_id, depth) as ("
            " select id, parent_id, 0 from hr_department where id = $1"
            " union all select d.id, d.parent_id, up.depth + 1 from hr_department d"
            " join up on d.id = up.parent_id where up.depth < 1000)"
            " select true from up where id = $2 limit 1",
            parent,
            department_id,
        )
        if cycle:
            errors.add("parent_id", "would make a cycle: the parent is inside this department")
    errors.raise_if_any()


class DepartmentController(Controller):
    """Departments: a tree (each may have a parent), each with a manager."""

    path = "/departments"
    tags = ["hr"]

    @get("/", summary="List departments", opt=route_opt(permission=DEPARTMENTS_READ))
    async def list_departments(
        self, db: Db, cursor: Cursor = None, limit: Limit = 50
    ) -> Page[DepartmentOut]:
        """Departments, oldest first."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                f"select {_DEPARTMENT} from hr_department where ($1::uuid is null or id > $1) "
                "order by id limit $2",
                after_id(cursor),
                limit + 1,
            )
        return page_of([msgspec.convert(dict(r), DepartmentOut) for r in rows], limit)

    @post("/", summary="Create a department", opt=route_opt(permission=DEPARTMENTS_WRITE))
    async def create_department(
        self, db: Db, data: Annotated[DepartmentIn, body("POST /departments", "Consulting")]
    ) -> DepartmentOut:
        """Create a department (422 names a missing parent or manager)."""
        values = msgspec.structs.asdict(data)
        async with db.transaction() as conn:
            await _check(conn, values, department_id=None)
            row = await conn.fetchrow(
                "insert into hr_department (id, name, parent_id, manager_id) "
                f"values ($1, $2, $3, $4) returning {_DEPARTMENT}",
                new_id(),
                data.name,
                data.parent_id,
                data.manager_id,
            )
        return msgspec.convert(dict(row or {}), DepartmentOut)

    @get(
        "/{department_id:uuid}",
        summary="Show a department",
        opt=route_opt(permission=DEPARTMENTS_READ),
    )
    async def show_department(self, db: Db, department_id: FromPath[UUID]) -> DepartmentOut:
        """One department."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                f"select {_DEPARTMENT} from hr_department where id = $1", department_id
            )
        if row is None:
            not_found()
        return msgspec.convert(dict(row), DepartmentOut)

    @patch(
        "/{department_id:uuid}",
        summary="Change a department",
        opt=route_opt(permission=DEPARTMENTS_WRITE),
    )
    async def change_department(
        self,
        db: Db,
        department_id: FromPath[UUID],
        data: Annotated[
            DepartmentChanges, body("PATCH /departments/{department_id}", "A new name")
        ],
    ) -> DepartmentOut:
        """Rename a department, move it (422 for a parent inside it) or change its manager."""
        changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
        async with db.transaction() as conn:
            if not await conn.fetchval(
                "select true from hr_department where id = $1 for update", department_id
            ):
                not_found()
            await _check(conn, changes, department_id=department_id)
            sets = ", ".join(f"{key} = ${i}" for i, key in enumerate(changes, start=2))
            query = (
                f"update hr_department set {sets} where id = $1 returning {_DEPARTMENT}"
                if changes
                else f"select {_DEPARTMENT} from hr_department where id = $1"
            )
            row = await conn.fetchrow(query, department_id, *changes.values())
        return msgspec.convert(dict(row or {}), DepartmentOut)

    @delete(
        "/{department_id:uuid}",
        summary="Delete a department",
        opt=route_opt(permission=DEPARTMENTS_WRITE),
    )
    async def delete_department(self, db: Db, department_id: FromPath[UUID]) -> None:
        """Delete a department; its employees, positions and sub-departments lose it."""
        async with db.transaction() as conn:
            status = await conn.execute("delete from hr_department where id = $1", department_id)
        if status == "DELETE 0":
            not_found()


class PositionController(Controller):
    """Job positions."""

    path = "/positions"
    tags = ["hr"]

    @get("/", summary="List job positions", opt=route_opt(permission=DEPARTMENTS_READ))
    async def list_positions(
        self, db: Db, cursor: Cursor = None, limit: Limit = 50
    ) -> Page[PositionOut]:
        """Job positions, oldest first."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                f"select {_POSITION} from hr_job_position where ($1::uuid is null or id > $1) "
                "order by id limit $2",
                after_id(cursor),
                limit + 1,
            )
        return page_of([msgspec.convert(dict(r), PositionOut) for r in rows], limit)

    @post("/", summary="Create a job position", opt=route_opt(permission=DEPARTMENTS_WRITE))
    async def create_position(
        self, db: Db, data: Annotated[PositionIn, body("POST /positions", "Consultant")]
    ) -> PositionOut:
        """Create a job position (422 when the department does not exist)."""
        values = msgspec.structs.asdict(data)
        async with db.transaction() as conn:
            await _check(conn, values, department_id=None)
            row = await conn.fetchrow(
                "insert into hr_job_position (id, name, department_id, description) "
                f"values ($1, $2, $3, $4) returning {_POSITION}",
                new_id(),
                data.name,
                data.department_id,
                data.description,
            )
        return msgspec.convert(dict(row or {}), PositionOut)

    @get(
        "/{position_id:uuid}",
        summary="Show a job position",
        opt=route_opt(permission=DEPARTMENTS_READ),
    )
    async def show_position(self, db: Db, position_id: FromPath[UUID]) -> PositionOut:
        """One job position."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                f"select {_POSITION} from hr_job_position where id = $1", position_id
            )
        if row is None:
            not_found()
        return msgspec.convert(dict(row), PositionOut)

    @patch(
        "/{position_id:uuid}",
        summary="Change a job position",
        opt=route_opt(permission=DEPARTMENTS_WRITE),
    )
    async def change_position(
        self,
        db: Db,
        position_id: FromPath[UUID],
        data: Annotated[PositionChanges, body("PATCH /positions/{position_id}", "Renamed")],
    ) -> PositionOut:
        """Rename a job position, move it to another department or describe it."""
        changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
        async with db.transaction() as conn:
            if not await conn.fetchval(
                "select true from hr_job_position where id = $1 for update", position_id
            ):
                not_found()
            await _check(conn, changes, department_id=None)
            sets = ", ".join(f"{key} = ${i}" for i, key in enumerate(changes, start=2))
            query = (
                f"update hr_job_position set {sets} where id = $1 returning {_POSITION}"
                if changes
                else f"select {_POSITION} from hr_job_position where id = $1"
            )
            row = await conn.fetchrow(query, position_id, *changes.values())
        return msgspec.convert(dict(row or {}), PositionOut)

    @delete(
        "/{position_id:uuid}",
        summary="Delete a job position",
        opt=route_opt(permission=DEPARTMENTS_WRITE),
    )
    async def delete_position(self, db: Db, position_id: FromPath[UUID]) -> None:
        """Delete a job position; its employees keep their job title."""
        async with db.transaction() as conn:
            status = await conn.execute("delete from hr_job_position where id = $1", position_id)
        if status == "DELETE 0":
            not_found()
