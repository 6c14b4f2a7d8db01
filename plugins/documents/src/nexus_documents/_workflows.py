"""Approval workflows (one per document type: ordered steps) and approver roles.

A step names its approvers as user ids, an approver role (a named group of users kept by
Documents), or both, and a rule: ``any`` (one approval passes the step) or ``all`` (every
approver must approve). Roles are Documents' own: a plugin sees no user's kernel roles.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import FieldErrors, conflict, not_found

from nexus_documents._types import get_type

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nexus_hookspecs import Connection

__all__ = (
    "RoleIn",
    "RoleOut",
    "RolePatch",
    "Step",
    "WorkflowIn",
    "WorkflowOut",
    "create_role",
    "delete_role",
    "delete_workflow",
    "get_role",
    "get_workflow",
    "list_roles",
    "put_workflow",
    "resolve_steps",
    "update_role",
)

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Members = Annotated[list[UUID], msgspec.Meta(max_length=200)]


class Step(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """One step of a workflow.

    Attributes:
        name: What the step is (``Legal review``).
        approvers: Users (ids) who may decide on it.
        role_id: An approver role whose members may decide on it too.
        rule: ``any``: one approval passes the step; ``all``: every approver must approve.
    """

    name: Name
    approvers: Members = msgspec.field(default_factory=list)
    role_id: UUID | None = None
    rule: Literal["any", "all"] = "any"


class WorkflowIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A type's workflow: its steps, in order."""

    steps: Annotated[list[Step], msgspec.Meta(min_length=1, max_length=20)]


class WorkflowOut(msgspec.Struct, kw_only=True):
    """A type's workflow as the API shows it."""

    id: UUID
    type_id: UUID
    steps: list[Step]
    updated_at: datetime


class RoleIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new approver role: a name and its members (user ids)."""

    name: Name
    members: Members = msgspec.field(default_factory=list)


class RolePatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Changes to a role; omitted members stay. New members decide on steps reached later."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    members: Members | msgspec.UnsetType = msgspec.UNSET


class RoleOut(msgspec.Struct, kw_only=True):
    """An approver role."""

    id: UUID
    name: str
    members: list[UUID]
    created_at: datetime


def _json(value: Any) -> Any:
    return msgspec.json.decode(value) if isinstance(value, str | bytes) else value


def _role(row: Mapping[str, Any]) -> RoleOut:
    return RoleOut(
        id=row["id"], name=row["name"], members=list(row["members"]), created_at=row["created_at"]
    )


async def create_role(conn: Connection, data: RoleIn) -> RoleOut:
    """Create an approver role."""
    row = await conn.fetchrow(
        "insert into documents_role (id, name, members) values ($1, $2, $3) "
        "returning id, name, members, created_at",
        new_id(),
        data.name,
        list(dict.fromkeys(data.members)),
    )
    assert row is not None  # noqa: S101 - an insert returns its row
    return _role(row)


async def get_role(conn: Connection, role_id: UUID) -> RoleOut:
    """One role; 404 when the tenant has none with this id."""
    row = await conn.fetchrow(
        "select id, name, members, created_at from documents_role where id = $1", role_id
    )
    if row is None:
        not_found()
    return _role(row)


async def list_roles(conn: Connection, *, after: UUID | None, limit: int) -> list[RoleOut]:
    """Roles in creation order."""
    rows = await conn.fetch(
        "select id, name, members, created_at from documents_role "
        "where ($1::uuid is null or id > $1) order by id limit $2",
        after,
        limit,
    )
    return [_role(row) for row in rows]


async def update_role(conn: Connection, role_id: UUID, data: RolePatch) -> RoleOut:
    """Rename a role or change its members."""
    current = await get_role(conn, role_id)
    await conn.execute(
        "update documents_role set name = $2, members = $3 where id = $1",
        role_id,
        current.name if isinstance(data.name, msgspec.UnsetType) else data.name,
        current.members
        if isinstance(data.members, msgspec.UnsetType)
        else list(dict.fromkeys(data.members)),
    )
    return await get_role(conn, role_id)


async def delete_role(conn: Connection, role_id: UUID) -> None:
    """Delete a role; 409 while a workflow step names it."""
    await get_role(conn, role_id)
    used = await conn.fetchval(
        "select count(*) from documents_workflow w, jsonb_array_elements(w.steps) s "
        "where s ->> 'role_id' = $1::text",
        str(role_id),
    )
    if used:
        conflict(f"{used} workflow step(s) name this role; change them first", steps=used)
    await conn.execute("delete from documents_role where id = $1", role_id)


async def _check_steps(conn: Connection, steps: list[Step]) -> None:
    errors = FieldErrors()
    role_ids = {step.role_id for step in steps if step.role_id is not None}
    known = {
        row["id"]
        for row in await conn.fetch(
            "select id from documents_role where id = any($1::uuid[])", list(role_ids)
        )
    }
    for index, step in enumerate(steps):
        if not step.approvers and step.role_id is None:
            errors.add(f"steps[{index}]", "name approvers, a role_id, or both")
        if step.role_id is not None and step.role_id not in known:
            errors.add(f"steps[{index}].role_id", f"no approver role {step.role_id}")
    errors.raise_if_any()


def _workflow(row: Mapping[str, Any]) -> WorkflowOut:
    return WorkflowOut(
        id=row["id"],
        type_id=row["type_id"],
        steps=msgspec.convert(_json(row["steps"]), list[Step]),
        updated_at=row["updated_at"],
    )


async def get_workflow(conn: Connection, type_id: UUID) -> WorkflowOut | None:
    """The type's workflow, if it has one (404 when the type is not the tenant's)."""
    await get_type(conn, type_id)
    row = await conn.fetchrow(
        "select id, type_id, steps, updated_at from documents_workflow where type_id = $1",
        type_id,
    )
    return None if row is None else _workflow(row)


async def put_workflow(conn: Connection, type_id: UUID, data: WorkflowIn) -> WorkflowOut:
    """Set the type's workflow; approvals already started keep the steps they started with."""
    await get_type(conn, type_id)
    await _check_steps(conn, data.steps)
    row = await conn.fetchrow(
        "insert into documents_workflow (id, type_id, steps) values ($1, $2, $3::text::jsonb) "
        "on conflict (tenant_id, type_id) do update set steps = excluded.steps, "
        "updated_at = now() returning id, type_id, steps, updated_at",
        new_id(),
        type_id,
        msgspec.json.encode(data.steps).decode(),
    )
    assert row is not None  # noqa: S101 - an upsert returns its row
    return _workflow(row)


async def delete_workflow(conn: Connection, type_id: UUID) -> None:
    """Remove the type's workflow; 404 when it has none."""
    await get_type(conn, type_id)
    status = await conn.execute("delete from documents_workflow where type_id = $1", type_id)
    if status == "DELETE 0":
        not_found()


async def resolve_steps(conn: Connection, steps: list[Step]) -> list[dict[str, Any]]:
    """The steps with each one's approvers resolved to user ids (users first, then the role's).

    An approval keeps this list: who may decide on a step is fixed when the approval starts.
    """
    roles = {
        row["id"]: list(row["members"])
        for row in await conn.fetch(
            "select id, members from documents_role where id = any($1::uuid[])",
            [step.role_id for step in steps if step.role_id is not None],
        )
    }
    resolved = []
    for step in steps:
        approvers = list(dict.fromkeys([*step.approvers, *roles.get(step.role_id, [])]))
        resolved.append(
            {"name": step.name, "rule": step.rule, "approvers": [str(a) for a in approvers]}
        )
    return resolved
