"""Projects' assistant tools, run by the kernel as the caller: list tasks, log time.

``projects.tasks.list`` answers the project's tasks in board order; ``projects.time.log``
writes, so it runs only once confirmed, and records a draft entry the REST API then shows;
another tenant gets "not found" for the project and writes nothing; a member is offered
the tasks but not the writing tool unless the role holds ``projects.time:write``.
"""

from __future__ import annotations

import uuid
from typing import Any

from nexus.testing import call_tool, list_tools
from projects_support import API, company, ok, project, task


def test_tasks_are_listed_and_time_logged_as_the_caller(
    client: Any, tenant: Any, projects_db: str
) -> None:
    pid = project(client, tenant)["id"]
    first = task(client, tenant, pid, "Wireframes")
    task(client, tenant, pid, "Copy")

    listed = call_tool(client, tenant, "projects.tasks.list", {"project_id": pid})
    assert listed.ok, listed.error
    assert [t["title"] for t in listed.result] == ["Wireframes", "Copy"]

    log = {
        "project_id": pid,
        "task_id": first["id"],
        "employee_id": str(uuid.uuid4()),
        "day": "2027-01-05",
        "hours": "2.5",
        "description": "first sketches",
    }
    waiting = call_tool(client, tenant, "projects.time.log", log)
    assert waiting.confirmation_required and not waiting.ok
    bad = call_tool(client, tenant, "projects.time.log", {**log, "hours": "many"}, confirmed=True)
    assert not bad.ok and "hours" in (bad.error or "")
    logged = call_tool(client, tenant, "projects.time.log", log, confirmed=True)
    assert logged.ok, logged.error
    assert (logged.result["task_id"], logged.result["state"]) == (first["id"], "draft")
    shown = ok(client.get(f"{API}/projects/{pid}/time-entries", headers=tenant.headers))
    assert [e["id"] for e in shown["items"]] == [logged.result["id"]]

    other = company(projects_db)
    theirs = call_tool(client, other, "projects.tasks.list", {"project_id": pid})
    assert not theirs.ok and "Not Found" in (theirs.error or "")
    refused = call_tool(client, other, "projects.time.log", log, confirmed=True)
    assert not refused.ok and "Not Found" in (refused.error or "")
    shown = ok(client.get(f"{API}/projects/{pid}/time-entries", headers=tenant.headers))
    assert len(shown["items"]) == 1

    offered = {t.name: t.writes for t in list_tools(client, tenant)}
    assert offered["projects.tasks.list"] is False and offered["projects.time.log"] is True
