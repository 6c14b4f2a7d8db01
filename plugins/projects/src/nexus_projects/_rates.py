"""Hourly rates, most specific first.

The rate of an hour an employee spent on a project is, in this order:

1. the project's rate for that **employee** (``POST /projects/{id}/rates`` with
   ``employee_id``);
2. the project's rate for their **role**: the entry's own ``role``, else the role the
   employee has as a project member (``PUT /projects/{id}/members/{employee_id}``);
3. the **project's** own ``hourly_rate``;
4. the tenant's ``default_hourly_rate`` setting.

No rate at all leaves the hour without a price: billing refuses it (409 naming the
employees), the dashboard counts it at zero and says how many hours lack a rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nexus_hookspecs import new_id

if TYPE_CHECKING:
    from decimal import Decimal
    from uuid import UUID

    from nexus_hookspecs import Connection

__all__ = ("RATE_COLUMNS", "Rates", "load_rates", "set_rate")

RATE_COLUMNS = "id, project_id, role, employee_id, hourly_rate"


@dataclass(frozen=True)
class Rates:
    """A project's rates, members' roles and fallbacks, to price hours (see the module)."""

    by_employee: dict[UUID, Decimal]
    by_role: dict[str, Decimal]
    roles: dict[UUID, str]
    project: Decimal | None
    default: Decimal | None

    def role_of(self, employee_id: UUID, role: str | None) -> str | None:
        """The role an hour is priced by: the entry's own, else the member's."""
        return role or self.roles.get(employee_id)

    def rate(self, employee_id: UUID, role: str | None = None) -> Decimal | None:
        """The hourly rate of ``employee_id`` (in ``role``), ``None`` when there is none."""
        if employee_id in self.by_employee:
            return self.by_employee[employee_id]
        found = self.role_of(employee_id, role)
        if found is not None and found in self.by_role:
            return self.by_role[found]
        return self.project if self.project is not None else self.default


async def load_rates(conn: Connection, project: Any, *, default: Decimal | None) -> Rates:
    """The rates of ``project`` (a project row) and its members' roles."""
    rows = await conn.fetch(
        "select role, employee_id, hourly_rate from projects_rate where project_id = $1",
        project["id"],
    )
    members = await conn.fetch(
        "select employee_id, role from projects_member where project_id = $1", project["id"]
    )
    return Rates(
        by_employee={r["employee_id"]: r["hourly_rate"] for r in rows if r["employee_id"]},
        by_role={r["role"]: r["hourly_rate"] for r in rows if r["role"]},
        roles={m["employee_id"]: m["role"] for m in members},
        project=project["hourly_rate"],
        default=default,
    )


async def set_rate(
    conn: Connection,
    project_id: UUID,
    *,
    role: str | None,
    employee_id: UUID | None,
    hourly_rate: Decimal,
) -> Any:
    """Set the project's rate for a role or an employee (replacing the one there was)."""
    return await conn.fetchrow(
        "insert into projects_rate (id, project_id, role, employee_id, hourly_rate) "
        "values ($1, $2, $3, $4, $5) on conflict (tenant_id, project_id, coalesce(role, ''), "
        "coalesce(employee_id, '00000000-0000-0000-0000-000000000000'::uuid)) do update set "
        f"hourly_rate = excluded.hourly_rate returning {RATE_COLUMNS}",
        new_id(),
        project_id,
        role,
        employee_id,
        hourly_rate,
    )
