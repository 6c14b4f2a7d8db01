"""``/types``: document types (metadata fields, retention) and their approval workflows."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, delete, get, patch, post, put
from litestar.params import FromPath
from nexus_hookspecs.http import (
    Cursor,
    Db,
    Limit,
    Page,
    after_id,
    not_found,
    page_of,
    route_opt,
)

from nexus_documents._examples import body
from nexus_documents._keys import CONFIG_WRITE, DOCUMENTS_READ
from nexus_documents._types import (
    TypeIn,
    TypeOut,
    TypePatch,
    create_type,
    delete_type,
    get_type,
    list_types,
    update_type,
)
from nexus_documents._workflows import (
    WorkflowIn,
    WorkflowOut,
    delete_workflow,
    get_workflow,
    put_workflow,
)

__all__ = ("TypeController",)


class TypeController(Controller):
    """Document types and their workflows."""

    path = "/types"
    tags = ["documents: types"]

    @get("/", opt=route_opt(permission=DOCUMENTS_READ))
    async def list_types(self, db: Db, cursor: Cursor = None, limit: Limit = 50) -> Page[TypeOut]:
        """Document types, oldest first.

        Every tenant starts with general, contract, invoice and payslip.
        """
        async with db.transaction() as conn:
            found = await list_types(conn, after=after_id(cursor), limit=limit + 1)
        return page_of(found, limit)

    @post("/", opt=route_opt(permission=CONFIG_WRITE))
    async def create_type(
        self, db: Db, data: Annotated[TypeIn, body("POST /types", "An NDA with typed fields")]
    ) -> TypeOut:
        """Create a type. Its ``key`` is made from the name when left out.

        409 when the key is taken; 422 naming a duplicate field, choices on a field that is
        not a choice, or a retention rule counting from something other than a date field.
        """
        async with db.transaction() as conn:
            return await create_type(conn, data)

    @get("/{type_id:uuid}", opt=route_opt(permission=DOCUMENTS_READ))
    async def show_type(self, db: Db, type_id: FromPath[UUID]) -> TypeOut:
        """One type; another tenant's answers 404 like a missing one."""
        async with db.transaction() as conn:
            return await get_type(conn, type_id)

    @patch("/{type_id:uuid}", opt=route_opt(permission=CONFIG_WRITE))
    async def change_type(
        self,
        db: Db,
        type_id: FromPath[UUID],
        data: Annotated[TypePatch, body("PATCH /types/{type_id}", "Keep them seven years")],
    ) -> TypeOut:
        """Rename a type, change its fields or its retention rule.

        A changed rule recomputes ``retain_until`` of every document of the type at once.
        """
        async with db.transaction() as conn:
            return await update_type(conn, type_id, data)

    @delete("/{type_id:uuid}", opt=route_opt(permission=CONFIG_WRITE))
    async def delete_type(self, db: Db, type_id: FromPath[UUID]) -> None:
        """Delete a type (and its workflow); 409 while documents of it exist."""
        async with db.transaction() as conn:
            await delete_type(conn, type_id)

    @get("/{type_id:uuid}/workflow", opt=route_opt(permission=DOCUMENTS_READ))
    async def show_workflow(self, db: Db, type_id: FromPath[UUID]) -> WorkflowOut:
        """The type's approval workflow; 404 when it has none."""
        async with db.transaction() as conn:
            found = await get_workflow(conn, type_id)
        if found is None:
            not_found()
        return found

    @put("/{type_id:uuid}/workflow", opt=route_opt(permission=CONFIG_WRITE))
    async def put_workflow(
        self,
        db: Db,
        type_id: FromPath[UUID],
        data: Annotated[
            WorkflowIn, body("PUT /types/{type_id}/workflow", "Legal, then both directors")
        ],
    ) -> WorkflowOut:
        """Set the type's workflow: its ordered steps.

        Each step has approvers (user ids), a role, or both, and a rule (``any`` or ``all``).

        Approvals already started keep the steps they started with. 422 naming a step
        without approvers or an unknown role.
        """
        async with db.transaction() as conn:
            return await put_workflow(conn, type_id, data)

    @delete("/{type_id:uuid}/workflow", opt=route_opt(permission=CONFIG_WRITE))
    async def delete_workflow(self, db: Db, type_id: FromPath[UUID]) -> None:
        """Remove the type's workflow (pending approvals run on); 404 when it has none."""
        async with db.transaction() as conn:
            await delete_workflow(conn, type_id)
