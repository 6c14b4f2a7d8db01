"""Projects, stages, tasks on the board, dependencies, and what hangs on a task."""

from __future__ import annotations

import base64
import uuid
from typing import Any

from nexus.testing import make_tenant, outbox_events
from projects_support import API, ok, problem, project, stages, task


def _board(client: Any, tenant: Any, project_id: str, stage_id: str) -> list[str]:
    rows = ok(
        client.get(
            f"{API}/projects/{project_id}/tasks",
            params={"stage_id": stage_id},
            headers=tenant.headers,
        )
    )
    assert [row["position"] for row in rows] == list(range(len(rows)))
    return [row["title"] for row in rows]


def test_a_project_starts_with_stages_and_tasks_move_on_the_board(
    client: Any, tenant: Any, projects_db: str
) -> None:
    created = project(client, tenant, budget_hours="100", hourly_rate="120")
    todo, doing, done = stages(client, tenant, created["id"])
    assert [todo["name"], doing["name"], done["name"]] == ["To do", "In progress", "Done"]
    assert (todo["is_done"], done["is_done"]) == (False, True)
    assert created["currency"] == "EUR"
    pid = created["id"]
    a, b, c = (task(client, tenant, pid, title) for title in "ABC")
    assert _board(client, tenant, pid, todo["id"]) == ["A", "B", "C"]

    def move(item: dict[str, Any], stage: dict[str, Any], position: int) -> Any:
        return client.post(
            f"{API}/tasks/{item['id']}/move",
            json={"stage_id": stage["id"], "position": position},
            headers=tenant.headers,
        )

    ok(move(c, todo, 0))
    assert _board(client, tenant, pid, todo["id"]) == ["C", "A", "B"]
    ok(move(a, doing, 5))  # past the end appends
    ok(move(b, doing, 0))
    assert _board(client, tenant, pid, todo["id"]) == ["C"]
    assert _board(client, tenant, pid, doing["id"]) == ["B", "A"]
    moved = ok(move(a, done, 0))
    assert moved["completed_at"] is not None
    reopened = ok(move(a, doing, 1))
    assert reopened["completed_at"] is None
    ok(move(a, done, 0))
    [created_event] = outbox_events(projects_db, tenant, "projects.project.created.v1")
    assert created_event.data["billing_type"] == "time_and_materials"
    completed = outbox_events(projects_db, tenant, "projects.task.completed.v1")
    assert [event.subject for event in completed] == [a["id"], a["id"]]

    # Another project's stage is refused.
    other_project = project(client, tenant, name="Other")
    other_stage = stages(client, tenant, other_project["id"])[0]
    problem(move(b, other_stage, 0), 422)


def test_dependencies_refuse_cycles_with_422(client: Any, tenant: Any) -> None:
    pid = project(client, tenant)["id"]
    a, b, c = (task(client, tenant, pid, title)["id"] for title in "ABC")

    def depend(task_id: str, on: str) -> Any:
        return client.post(
            f"{API}/tasks/{task_id}/dependencies",
            json={"depends_on_id": on},
            headers=tenant.headers,
        )

    assert depend(b, a).status_code == 204
    assert depend(c, b).status_code == 204
    cycle = problem(depend(a, c), 422)
    assert cycle["errors"] == [
        {"key": "depends_on_id", "message": "this dependency would make a cycle", "source": "body"}
    ]
    problem(depend(a, a), 422)
    problem(depend(b, a), 409)
    other = task(client, tenant, project(client, tenant, name="Other")["id"], "X")["id"]
    problem(depend(a, other), 422)
    shown = ok(client.get(f"{API}/tasks/{c}", headers=tenant.headers))
    assert shown["depends_on"] == [b]
    gantt = ok(client.get(f"{API}/projects/{pid}/gantt", headers=tenant.headers))
    assert {(e["source"], e["target"]) for e in gantt["dependencies"]} == {(a, b), (b, c)}
    ok(client.delete(f"{API}/tasks/{b}/dependencies/{a}", headers=tenant.headers), 204)
    assert depend(a, c).status_code == 204  # no cycle once b no longer waits for a


def test_subtasks_checklists_comments_attachments_and_followers(client: Any, tenant: Any) -> None:
    pid = project(client, tenant)["id"]
    parent = task(client, tenant, pid, "Launch", estimate_hours="10", due_date="2027-01-10")
    child = task(client, tenant, pid, "Copy", parent_id=parent["id"], start_date="2027-01-02")
    problem(
        client.post(
            f"{API}/projects/{pid}/tasks",
            json={"title": "X", "start_date": "2027-01-05", "due_date": "2027-01-01"},
            headers=tenant.headers,
        ),
        422,
    )
    tid = parent["id"]
    line = ok(
        client.post(f"{API}/tasks/{tid}/checklist", json={"text": "DNS"}, headers=tenant.headers),
        201,
    )
    ok(
        client.post(f"{API}/tasks/{tid}/checklist", json={"text": "TLS"}, headers=tenant.headers),
        201,
    )
    ticked = ok(
        client.patch(
            f"{API}/checklist-items/{line['id']}", json={"done": True}, headers=tenant.headers
        )
    )
    assert (ticked["text"], ticked["done"]) == ("DNS", True)
    listed = ok(client.get(f"{API}/tasks/{tid}/checklist", headers=tenant.headers))
    assert [(i["text"], i["done"], i["position"]) for i in listed] == [
        ("DNS", True, 0),
        ("TLS", False, 1),
    ]
    ok(
        client.post(
            f"{API}/tasks/{tid}/comments", json={"body": "Go\nlive"}, headers=tenant.headers
        ),
        201,
    )
    [comment] = ok(client.get(f"{API}/tasks/{tid}/comments", headers=tenant.headers))
    assert comment["body"] == "Go\nlive" and comment["author"]

    content = b"launch plan\n"
    attached = ok(
        client.post(
            f"{API}/tasks/{tid}/attachments",
            json={
                "filename": "plan.txt",
                "content_type": "text/plain",
                "content_base64": base64.b64encode(content).decode(),
            },
            headers=tenant.headers,
        ),
        201,
    )
    assert attached["size"] == len(content)
    download = client.get(f"{API}/attachments/{attached['id']}", headers=tenant.headers)
    assert download.status_code == 200 and download.content == content
    problem(
        client.post(
            f"{API}/tasks/{tid}/attachments",
            json={"filename": "x.bin", "content_base64": "not base64!"},
            headers=tenant.headers,
        ),
        422,
    )

    user = str(uuid.uuid4())
    for _ in range(2):
        followed = ok(
            client.post(
                f"{API}/tasks/{tid}/followers", json={"user_id": user}, headers=tenant.headers
            )
        )
    assert followed["followers"] == [user]
    ok(client.delete(f"{API}/tasks/{tid}/followers/{user}", headers=tenant.headers), 204)
    problem(client.delete(f"{API}/tasks/{tid}/followers/{user}", headers=tenant.headers), 404)

    shown = ok(client.get(f"{API}/tasks/{tid}", headers=tenant.headers))
    assert shown["subtasks"] == [child["id"]]
    assert (shown["hours_logged"], shown["remaining_hours"]) == ("0", "10.00")
    subtasks = ok(
        client.get(f"{API}/projects/{pid}/tasks", params={"parent_id": tid}, headers=tenant.headers)
    )
    assert [s["title"] for s in subtasks] == ["Copy"]

    # Deleting the task deletes its subtasks and its attachment's file.
    ok(client.delete(f"{API}/tasks/{tid}", headers=tenant.headers), 204)
    problem(client.get(f"{API}/tasks/{child['id']}", headers=tenant.headers), 404)
    problem(client.get(f"{API}/attachments/{attached['id']}", headers=tenant.headers), 404)


def test_another_tenant_gets_404_everywhere(client: Any, tenant: Any, projects_db: str) -> None:
    pid = project(client, tenant)["id"]
    tid = task(client, tenant, pid, "Secret")["id"]
    other = make_tenant(projects_db)
    for path in (
        f"/projects/{pid}",
        f"/projects/{pid}/tasks",
        f"/projects/{pid}/stages",
        f"/projects/{pid}/gantt",
        f"/projects/{pid}/dashboard",
        f"/projects/{pid}/time-entries",
        f"/tasks/{tid}",
        f"/tasks/{tid}/comments",
    ):
        problem(client.get(f"{API}{path}", headers=other.headers), 404)
    problem(
        client.post(
            f"{API}/projects/{pid}/time-entries",
            json={"employee_id": str(uuid.uuid4()), "day": "2027-01-05", "hours": "1"},
            headers=other.headers,
        ),
        404,
    )
    problem(client.post(f"{API}/projects/{pid}/billing-runs", json={}, headers=other.headers), 404)
    assert ok(client.get(f"{API}/projects", headers=other.headers))["items"] == []


def test_switched_off_the_routes_answer_404_and_come_back(client: Any, tenant: Any) -> None:
    pid = project(client, tenant)["id"]

    def switch(enabled: bool) -> None:
        ok(
            client.put(
                "/api/v1/features/projects", json={"enabled": enabled}, headers=tenant.headers
            )
        )

    switch(False)
    problem(client.get(f"{API}/projects/{pid}", headers=tenant.headers), 404)
    problem(client.post(f"{API}/projects", json={"name": "X"}, headers=tenant.headers), 404)
    switch(True)
    assert ok(client.get(f"{API}/projects/{pid}", headers=tenant.headers))["id"] == pid


def test_a_project_code_is_the_tenants_once_on_create_and_on_change(
    client: Any, tenant: Any
) -> None:
    first = project(client, tenant, code="ACME-7")
    second = project(client, tenant, code="ACME-8")
    taken = client.patch(
        f"{API}/projects/{second['id']}", json={"code": "ACME-7"}, headers=tenant.headers
    )
    assert taken.status_code == 409, taken.text
    assert taken.json()["code"] == "ACME-7"
    same = client.patch(
        f"{API}/projects/{first['id']}", json={"code": "ACME-7"}, headers=tenant.headers
    )
    assert same.status_code == 200, same.text
