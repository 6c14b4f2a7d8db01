"""Every access decision against the permission matrix, and real shares against it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from drive_helpers import API, folder, member, ok, problem, upload
from nexus_drive._access import ACTIONS, ROLES, allows

# What each role may do: the matrix the whole plugin is held to.
MATRIX = {
    "viewer": {"view", "download"},
    "commenter": {"view", "download", "comment"},
    "editor": {"view", "download", "comment", "edit", "share"},
    "owner": {"view", "download", "comment", "edit", "share", "share_owner", "purge"},
    None: set(),
}
LINKS = {"view": {"view"}, "download": {"view", "download"}}
QUARANTINE_BLOCKS = {"download", "share", "share_owner"}


@pytest.mark.parametrize("role", [*ROLES, None])
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("quarantined", [False, True])
def test_role_matrix(role: str | None, action: Any, quarantined: bool) -> None:
    expected = action in MATRIX[role] and not (quarantined and action in QUARANTINE_BLOCKS)
    assert allows(action, role=role, quarantined=quarantined) is expected


@pytest.mark.parametrize("link", ["view", "download"])
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("quarantined", [False, True])
def test_link_matrix(link: str, action: Any, quarantined: bool) -> None:
    expected = action in LINKS[link] and not (quarantined and action in QUARANTINE_BLOCKS)
    assert allows(action, link=link, quarantined=quarantined) is expected


def test_a_folder_shared_read_only_with_a_user(client: Any, tenant: Any) -> None:
    ada = member(client, tenant, "ada")
    bob = member(client, tenant, "bob")
    team = folder(client, ada, "Team")
    sub = folder(client, ada, "Specs", parent_id=team["id"])
    spec = upload(client, ada, "spec.txt", b"the spec", parent_id=sub["id"])
    # Before sharing Bob sees nothing: 404, as if it did not exist.
    problem(client.get(f"{API}/items/{spec['id']}", headers=bob.headers), 404)
    shared = ok(
        client.put(
            f"{API}/items/{team['id']}/shares",
            json={"principal": bob.actor, "role": "viewer"},
            headers=ada.headers,
        )
    )
    assert shared["role"] == "viewer"
    # Inherited down the folders: Bob reads and downloads the file two levels below.
    shown = ok(client.get(f"{API}/items/{spec['id']}", headers=bob.headers))
    assert shown["role"] == "viewer"
    assert (
        client.get(f"{API}/items/{spec['id']}/content", headers=bob.headers).content == b"the spec"
    )
    # Read-only: no upload, rename, trash or re-share.
    upload(client, bob, "mine.txt", b"x", parent_id=sub["id"], status=403)
    problem(client.patch(f"{API}/items/{spec['id']}", json={"name": "x"}, headers=bob.headers), 403)
    problem(client.delete(f"{API}/items/{spec['id']}", headers=bob.headers), 403)
    problem(
        client.put(
            f"{API}/items/{sub['id']}/shares",
            json={"principal": bob.actor, "role": "editor"},
            headers=bob.headers,
        ),
        403,
    )
    # Search finds the shared file for Bob by its name.
    hits = ok(client.get(f"{API}/search", params={"q": "spec"}, headers=bob.headers))
    assert spec["id"] in [hit["item"]["id"] for hit in hits]
    # Revoked: gone again.
    client.delete(f"{API}/items/{team['id']}/shares/{shared['id']}", headers=ada.headers)
    problem(client.get(f"{API}/items/{spec['id']}", headers=bob.headers), 404)
    assert ok(client.get(f"{API}/search", params={"q": "spec"}, headers=bob.headers)) == []


def test_groups_and_shared_drives(client: Any, tenant: Any) -> None:
    ada = member(client, tenant, "ada")
    bob = member(client, tenant, "bob")
    group = ok(
        client.post(
            f"{API}/groups", json={"name": "Sales", "members": [bob.actor]}, headers=tenant.headers
        ),
        201,
    )
    team = folder(client, ada, "Pipeline")
    ok(
        client.put(
            f"{API}/items/{team['id']}/shares",
            json={"principal": f"group:{group['id']}", "role": "editor"},
            headers=ada.headers,
        )
    )
    made = upload(client, bob, "deal.txt", b"deal", parent_id=team["id"])
    assert made["role"] == "editor"
    # A shared drive: its members have their role on all of it.
    drive = ok(
        client.post(
            f"{API}/drives",
            json={"name": "Ops", "members": [{"principal": bob.actor, "role": "viewer"}]},
            headers=tenant.headers,
        ),
        201,
    )
    assert drive["role"] == "owner"
    inside = upload(client, tenant, "runbook.txt", b"steps", drive_id=drive["id"])
    assert ok(client.get(f"{API}/items/{inside['id']}", headers=bob.headers))["role"] == "viewer"
    upload(client, bob, "x.txt", b"x", drive_id=drive["id"], status=403)
    drives = ok(client.get(f"{API}/drives", headers=bob.headers))
    assert {d["name"] for d in drives} == {"My drive", "Ops"}


def test_links_expire_need_their_password_and_are_revocable(
    client: Any, tenant: Any, drive_db: str
) -> None:
    ada = member(client, tenant, "ada")
    box = folder(client, ada, "Press kit")
    logo = upload(client, ada, "logo.txt", b"LOGO", parent_id=box["id"])
    soon = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    view = ok(
        client.post(
            f"{API}/items/{box['id']}/links",
            json={"access": "view", "expires_at": soon},
            headers=ada.headers,
        ),
        201,
    )
    base = view["path"].replace("{tenant}", tenant.slug)
    # Anyone with the link, no credentials: sees the folder and what it holds, cannot download.
    assert ok(client.get(base))["id"] == box["id"]
    assert [i["id"] for i in ok(client.get(f"{base}/items"))] == [logo["id"]]
    problem(client.get(f"{base}/content", params={"item_id": logo["id"]}), 403)
    download = ok(
        client.post(
            f"{API}/items/{logo['id']}/links",
            json={"access": "download", "password": "open sesame"},
            headers=ada.headers,
        ),
        201,
    )
    link = download["path"].replace("{tenant}", tenant.slug)
    problem(client.get(f"{link}/content"), 403)
    got = client.get(f"{link}/content", headers={"X-Link-Password": "open sesame"})
    assert got.content == b"LOGO"
    # Guessing is throttled: after 20 wrong passwords an hour (one above), 429 and Retry-After.
    for _ in range(19):
        problem(client.get(f"{link}/content", headers={"X-Link-Password": "guess"}), 403)
    throttled = client.get(f"{link}/content", headers={"X-Link-Password": "guess"})
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) > 0
    # Another tenant's slug with this token: 404.
    problem(client.get(view["path"].replace("{tenant}", "nope-nope")), 404)
    # Revoked: 404 from now on.
    client.delete(f"{API}/items/{box['id']}/links/{view['id']}", headers=ada.headers)
    problem(client.get(base), 404)
    # A time without its zone is refused; a link expired already too.
    problem(
        client.post(
            f"{API}/items/{box['id']}/links",
            json={"access": "view", "expires_at": "2099-01-01T00:00:00"},
            headers=ada.headers,
        ),
        422,
    )
    problem(
        client.post(
            f"{API}/items/{box['id']}/links",
            json={"access": "view", "expires_at": "2000-01-01T00:00:00Z"},
            headers=ada.headers,
        ),
        409,
    )
    # The download link's time runs out: 404 from then on, as an unknown link.
    from nexus.testing import run_sync, tenant_transaction

    async def expire() -> None:
        async with tenant_transaction(drive_db, tenant) as conn:
            await conn.execute(
                "update drive_link set expires_at = now() - interval '1 second' where id = $1",
                download["id"],
            )

    run_sync(expire())
    problem(client.get(f"{link}/content", headers={"X-Link-Password": "open sesame"}), 404)
