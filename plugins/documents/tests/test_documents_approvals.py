"""Approval workflows: steps with approvers (users, a role) and rules, decisions recorded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import msgspec
import nexus_documents
import pytest
from documents_fakes import ASKED, drive, notify
from documents_helpers import API, document, get, ok, post, problem
from nexus.testing import create_test_client, make_tenant, outbox_events
from nexus_documents._events import (
    APPROVAL_COMPLETED,
    APPROVAL_DECIDED,
    APPROVAL_REQUESTED,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

PASSWORD = "correct horse battery staple"
NAMES = ("ada", "grace", "linus", "mallory")


@dataclass(frozen=True)
class Office:
    """A tenant with four signed-in members (tokens) and their user ids."""

    tenant: Any
    users: dict[str, str]
    tokens: dict[str, dict[str, str]]


@pytest.fixture(scope="module")
def notified(documents_db: str) -> Iterator[Any]:
    plugins = [nexus_documents, drive, notify]
    with create_test_client(plugins, database_url=documents_db) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def office(notified: Any, documents_db: str) -> Office:
    tenant = make_tenant(
        documents_db,
        users=tuple(
            {"email": f"{name}@example.com", "name": name.title(), "password": PASSWORD}
            for name in NAMES
        ),
    )
    listed = ok(notified.get("/api/v1/users", headers=tenant.headers))["items"]
    users = {user["email"].split("@")[0]: user["id"] for user in listed}
    tokens = {}
    for name in NAMES:
        signed = ok(
            notified.post(
                "/api/v1/auth/token",
                json={
                    "grant_type": "password",
                    "tenant": tenant.slug,
                    "email": f"{name}@example.com",
                    "password": PASSWORD,
                },
            )
        )
        tokens[name] = {"Authorization": f"Bearer {signed['access_token']}"}
    return Office(tenant=tenant, users=users, tokens=tokens)


def _contract_type(client: Any, office: Office) -> str:
    made = post(client, office.tenant, "/types", {"name": "Supplier contract"})
    type_id: str = made["id"]
    return type_id


def _workflow(client: Any, office: Office, type_id: str, steps: list[dict[str, Any]]) -> None:
    ok(
        client.put(
            f"{API}/types/{type_id}/workflow",
            json={"steps": steps},
            headers=office.tenant.headers,
        )
    )


def _decide(client: Any, office: Office, who: str, approval_id: str, decision: str) -> Any:
    return client.post(
        f"{API}/approvals/{approval_id}/decisions",
        json={"decision": decision, "comment": f"{who} says {decision}"},
        headers=office.tokens[who],
    )


def test_steps_advance_by_their_rules_and_only_current_approvers_decide(
    notified: Any, office: Office, documents_db: str
) -> None:
    u = office.users
    role = post(
        notified,
        office.tenant,
        "/roles",
        {"name": "Directors", "members": [u["grace"], u["linus"]]},
    )
    type_id = _contract_type(notified, office)
    _workflow(
        notified,
        office,
        type_id,
        [
            {"name": "Legal", "approvers": [u["ada"], u["mallory"]], "rule": "any"},
            {"name": "Directors", "role_id": role["id"], "rule": "all"},
        ],
    )
    key = get(notified, office.tenant, f"/types/{type_id}")["key"]
    doc = document(notified, office.tenant, type=key, metadata={}, title="Cleaning services")
    asked_before = len(ASKED)
    approval = post(notified, office.tenant, f"/documents/{doc['id']}/approvals")
    assert approval["status"] == "pending" and approval["current_step"] == 1
    assert set(approval["awaiting"]) == {u["ada"], u["mallory"]}
    assert [s["approvers"] for s in approval["steps"]][1] == [u["grace"], u["linus"]]
    asked = ASKED[asked_before:]
    assert {str(a.to.user_id) for a in asked} == {u["ada"], u["mallory"]}
    assert all(a.category == "documents.approvals" for a in asked)
    assert asked[0].source_ref == f"documents.document:{doc['id']}"
    problem(
        notified.post(f"{API}/documents/{doc['id']}/approvals", headers=office.tenant.headers), 409
    )

    # Not an approver of the current step: a director before Legal decided; an API key.
    problem(_decide(notified, office, "grace", approval["id"], "approve"), 403)
    problem(
        notified.post(
            f"{API}/approvals/{approval['id']}/decisions",
            json={"decision": "approve"},
            headers=office.tenant.headers,
        ),
        403,
    )
    inbox = ok(
        notified.get(f"{API}/approvals", params={"mine": "true"}, headers=office.tokens["ada"])
    )
    assert [a["id"] for a in inbox["items"]] == [approval["id"]]

    moved = ok(_decide(notified, office, "ada", approval["id"], "approve"), 201)
    assert moved["current_step"] == 2 and set(moved["awaiting"]) == {u["grace"], u["linus"]}
    problem(_decide(notified, office, "mallory", approval["id"], "approve"), 403)  # step passed

    half = ok(_decide(notified, office, "grace", approval["id"], "approve"), 201)
    assert half["status"] == "pending" and half["awaiting"] == [u["linus"]]
    problem(_decide(notified, office, "grace", approval["id"], "approve"), 409)
    done = ok(_decide(notified, office, "linus", approval["id"], "approve"), 201)
    assert done["status"] == "approved" and done["completed_at"] is not None
    problem(_decide(notified, office, "linus", approval["id"], "reject"), 409)

    decisions = get(notified, office.tenant, f"/approvals/{approval['id']}/decisions")
    assert [(d["step"], d["approver"], d["decision"], d["comment"]) for d in decisions] == [
        (1, u["ada"], "approve", "ada says approve"),
        (2, u["grace"], "approve", "grace says approve"),
        (2, u["linus"], "approve", "linus says approve"),
    ]
    assert get(notified, office.tenant, f"/documents/{doc['id']}")["approval"] == "approved"

    t = office.tenant
    requested = [e.data for e in outbox_events(documents_db, t, APPROVAL_REQUESTED.type)]
    mine = [e for e in requested if e["approval_id"] == approval["id"]]
    assert [e["step"] for e in mine] == [1, 2]
    decided = [e.data for e in outbox_events(documents_db, t, APPROVAL_DECIDED.type)]
    assert len([e for e in decided if e["approval_id"] == approval["id"]]) == 3
    completed = [e.data for e in outbox_events(documents_db, t, APPROVAL_COMPLETED.type)]
    assert {
        "approval_id": approval["id"],
        "document_id": doc["id"],
        "outcome": "approved",
    } in completed
    for event_type in (APPROVAL_REQUESTED, APPROVAL_DECIDED, APPROVAL_COMPLETED):
        for event in outbox_events(documents_db, t, event_type.type):
            msgspec.convert(event.data, event_type.payload, strict=False)


def test_a_rejection_ends_the_approval(notified: Any, office: Office) -> None:
    u = office.users
    type_id = _contract_type(notified, office)
    _workflow(
        notified,
        office,
        type_id,
        [
            {"name": "Legal", "approvers": [u["ada"]]},
            {"name": "Finance", "approvers": [u["grace"]]},
        ],
    )
    key = get(notified, office.tenant, f"/types/{type_id}")["key"]
    doc = document(notified, office.tenant, type=key, metadata={}, title="Catering")
    started = notified.post(
        f"{API}/documents/{doc['id']}/approvals", headers=office.tokens["linus"]
    )
    approval = ok(started, 201)
    assert approval["requested_by"] == f"user:{u['linus']}"
    rejected = ok(_decide(notified, office, "ada", approval["id"], "reject"), 201)
    assert rejected["status"] == "rejected" and rejected["awaiting"] == []
    told = ASKED[-1]  # the one who started it hears how it ended
    assert (str(told.to.user_id), told.subject) == (u["linus"], "Approval rejected: Catering")
    assert get(notified, office.tenant, f"/documents/{doc['id']}")["approval"] == "rejected"
    # A new run may start once the last one ended.
    again = post(notified, office.tenant, f"/documents/{doc['id']}/approvals")
    assert again["id"] != approval["id"]


def test_workflow_and_start_refusals(notified: Any, office: Office) -> None:
    u = office.users
    empty_role = post(notified, office.tenant, "/roles", {"name": "Nobody"})
    type_id = _contract_type(notified, office)
    key = get(notified, office.tenant, f"/types/{type_id}")["key"]
    doc = document(notified, office.tenant, type=key, metadata={}, title="Windows")
    no_workflow = problem(
        notified.post(f"{API}/documents/{doc['id']}/approvals", headers=office.tenant.headers), 409
    )
    assert "no approval workflow" in no_workflow["detail"]
    refused = problem(
        notified.put(
            f"{API}/types/{type_id}/workflow",
            json={"steps": [{"name": "Void"}, {"name": "Ghost", "role_id": u["ada"]}]},
            headers=office.tenant.headers,
        ),
        422,
    )
    assert {e["key"] for e in refused["errors"]} == {"steps[0]", "steps[1].role_id"}
    _workflow(notified, office, type_id, [{"name": "Board", "role_id": empty_role["id"]}])
    problem(
        notified.post(f"{API}/documents/{doc['id']}/approvals", headers=office.tenant.headers), 409
    )
    problem(notified.delete(f"{API}/roles/{empty_role['id']}", headers=office.tenant.headers), 409)


def test_without_notify_an_approval_still_starts(
    client: Any, tenant: Any, documents_db: str
) -> None:
    approver = "0190f5a2-7c1e-7a00-8000-0000000000a1"
    made = post(client, tenant, "/types", {"name": "Quote"})
    ok(
        client.put(
            f"{API}/types/{made['id']}/workflow",
            json={"steps": [{"name": "Sales lead", "approvers": [approver]}]},
            headers=tenant.headers,
        )
    )
    doc = document(client, tenant, type=made["key"], metadata={})
    approval = post(client, tenant, f"/documents/{doc['id']}/approvals")
    assert approval["awaiting"] == [approver]
    [event] = outbox_events(documents_db, tenant, APPROVAL_REQUESTED.type)
    assert event.data["approvers"] == [approver]


def test_members_approve_but_only_admins_configure(client: Any, tenant: Any) -> None:
    key = ok(
        client.post(
            "/api/v1/api-keys", json={"name": "member", "roles": ["member"]}, headers=tenant.headers
        ),
        201,
    )["key"]
    member = {"Authorization": f"Bearer {key}"}
    assert client.get(f"{API}/documents", headers=member).status_code == 200
    body = {"type": "general", "title": "Minutes"}
    assert client.post(f"{API}/documents", json=body, headers=member).status_code == 201
    problem(client.post(f"{API}/types", json={"name": "Mine"}, headers=member), 403)
    problem(client.post(f"{API}/retention/sweep", headers=member), 403)


def test_approvals_switched_off_answer_404(client: Any, tenant: Any) -> None:
    ok(
        client.put(
            "/api/v1/features/documents.approvals", json={"enabled": False}, headers=tenant.headers
        )
    )
    problem(client.get(f"{API}/approvals", headers=tenant.headers), 404)
    assert client.get(f"{API}/documents", headers=tenant.headers).status_code == 200


def test_workflows_and_roles_are_shown_changed_and_removed(client: Any, tenant: Any) -> None:
    made = post(client, tenant, "/types", {"name": "Purchase request"})
    url = f"{API}/types/{made['id']}/workflow"
    problem(client.get(url, headers=tenant.headers), 404)
    role = post(client, tenant, "/roles", {"name": "Buyers", "members": [str(uuid4())]})
    steps = [{"name": "Buyers", "role_id": role["id"], "rule": "all"}]
    ok(client.put(url, json={"steps": steps}, headers=tenant.headers))
    shown = get(client, tenant, f"/types/{made['id']}/workflow")
    assert shown["steps"] == [{**steps[0], "approvers": []}]
    renamed = ok(
        client.patch(
            f"{API}/roles/{role['id']}", json={"name": "Purchasing"}, headers=tenant.headers
        )
    )
    assert (renamed["name"], renamed["members"]) == ("Purchasing", role["members"])
    ok(client.delete(url, headers=tenant.headers), 204)
    problem(client.delete(url, headers=tenant.headers), 404)
    ok(client.delete(f"{API}/roles/{role['id']}", headers=tenant.headers), 204)
