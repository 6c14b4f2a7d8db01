"""Another tenant sees none of a tenant's drives, files, shares, links, groups or uploads."""

from __future__ import annotations

from typing import Any

from drive_helpers import API, folder, ok, problem, upload


def test_another_tenant_sees_none_of_it(client: Any, tenant: Any, other: Any) -> None:
    box = folder(client, tenant, "Secret plans")
    plan = upload(client, tenant, "plan.txt", b"the secret plan", parent_id=box["id"])
    link = ok(
        client.post(
            f"{API}/items/{box['id']}/links", json={"access": "download"}, headers=tenant.headers
        ),
        201,
    )
    group = ok(client.post(f"{API}/groups", json={"name": "Board"}, headers=tenant.headers), 201)
    [mine] = ok(client.get(f"{API}/drives", headers=tenant.headers))
    for path in (
        f"/items/{plan['id']}",
        f"/items/{plan['id']}/content",
        f"/items/{plan['id']}/versions",
        f"/items/{box['id']}/children",
        f"/items/{box['id']}/shares",
        f"/items/{box['id']}/links",
        f"/drives/{mine['id']}",
        f"/drives/{mine['id']}/items",
        f"/groups/{group['id']}",
    ):
        problem(client.get(f"{API}{path}", headers=other.headers), 404)
    problem(client.delete(f"{API}/items/{plan['id']}", headers=other.headers), 404)
    problem(
        client.put(
            f"{API}/items/{box['id']}/shares",
            json={"principal": f"group:{group['id']}", "role": "viewer"},
            headers=other.headers,
        ),
        404,
    )
    # Uploading into the other tenant's folder: 404, nothing stored.
    upload(client, other, "x.txt", b"x", parent_id=box["id"], status=404)
    assert ok(client.get(f"{API}/search", params={"q": "plan"}, headers=other.headers)) == []
    assert ok(client.get(f"{API}/groups", headers=other.headers)) == []
    assert ok(client.get(f"{API}/trash", headers=other.headers)) == []
    assert ok(client.get(f"{API}/usage", headers=other.headers))["tenant_used"] == 0
    # The link works under its own tenant's slug only.
    token_path = link["path"]
    mine_link = token_path.replace("{tenant}", tenant.slug)
    got = client.get(f"{mine_link}/content", params={"item_id": plan["id"]})
    assert got.content == b"the secret plan"
    theirs_link = token_path.replace("{tenant}", other.slug)
    problem(client.get(theirs_link), 404)
    problem(client.get(f"{theirs_link}/content", params={"item_id": plan["id"]}), 404)
