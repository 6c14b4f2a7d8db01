"""Event handlers: link employees to the users the kernel's identity provisions for them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from nexus_hr._employees import COLUMNS, publish_change

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nexus_hookspecs import CloudEvent, EventContext

__all__ = ("USER_PROVISIONED", "link_user")

USER_PROVISIONED = "nexus.user.provisioned.v1"
"""The kernel's event: a member user was made (or found) for a hired employee's work email."""


def _uuid(value: Any) -> UUID | None:
    try:
        return UUID(str(value)) if value else None
    except ValueError:
        return None


async def link_user(event: CloudEvent, ctx: EventContext) -> None:
    """Link the employee to the provisioned user, unless either is linked already.

    Publishes ``hr.employee.updated.v1`` with the new ``user_id``.
    """
    data: Mapping[str, Any] = event.data or {}
    employee_id, user_id = _uuid(data.get("employee_id")), _uuid(data.get("user_id"))
    if employee_id is None or user_id is None:
        return
    conn = ctx.conn
    if await conn.fetchval("select true from hr_employee where user_id = $1", user_id):
        return
    row = await conn.fetchrow(
        f"update hr_employee set user_id = $2, updated_at = now() where id = $1 "
        f"and user_id is null returning {COLUMNS}",
        employee_id,
        user_id,
    )
    if row is not None:
        await publish_change(conn, ctx.events, row, hired=False)
