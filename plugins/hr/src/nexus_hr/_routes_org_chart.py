"""``/org-chart``: the manager tree of active employees."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, get
from nexus_hookspecs.http import Db, route_opt

from nexus_hr._keys import EMPLOYEES_READ

__all__ = ("OrgChartController", "OrgNode")


class OrgNode(msgspec.Struct, kw_only=True):
    """An employee in the chart, with the people reporting to them."""

    id: UUID
    name: str
    job_title: str | None
    department_id: UUID | None
    reports: list[OrgNode]


def build_tree(rows: list[dict[str, Any]]) -> list[OrgNode]:
    """The forest of ``rows`` (id, name, job_title, department_id, manager_id).

    A manager outside ``rows`` (terminated) makes their reports roots.
    """
    nodes = {
        row["id"]: OrgNode(
            id=row["id"],
            name=row["name"],
            job_title=row["job_title"],
            department_id=row["department_id"],
            reports=[],
        )
        for row in rows
    }
    roots: list[OrgNode] = []
    for row in rows:
        manager = nodes.get(row["manager_id"]) if row["manager_id"] is not None else None
        (manager.reports if manager is not None else roots).append(nodes[row["id"]])
    return roots


class OrgChartController(Controller):
    """The organisation chart."""

    path = "/org-chart"
    tags = ["hr"]

    @get("/", summary="The org chart", opt=route_opt(permission=EMPLOYEES_READ))
    async def org_chart(self, db: Db) -> list[OrgNode]:
        """Active employees as a tree by manager.

        the roots are those without an active manager. Cycles cannot occur (setting a manager that
        reports to the employee is refused with 422). Read only.
        """
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select e.id, e.name, coalesce(e.job_title, p.name) as job_title, "
                "e.department_id, e.manager_id from hr_employee e "
                "left join hr_job_position p on p.id = e.position_id "
                "where e.state = 'active' order by e.id"
            )
        return build_tree([dict(row) for row in rows])
