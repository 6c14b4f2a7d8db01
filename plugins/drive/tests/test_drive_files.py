"""Files and folders: upload, download, versions (restore, keep N), trash and its purge."""

from __future__ import annotations

from typing import Any

from drive_helpers import API, folder, member, ok, problem, upload
from nexus.testing import set_plugin_settings


def test_upload_list_download_in_my_drive(client: Any, tenant: Any) -> None:
    docs = folder(client, tenant, "Docs")
    made = upload(client, tenant, "notes.txt", b"hello drive", parent_id=docs["id"])
    assert made["path"] == "/Docs/notes.txt"
    assert made["size"] == 11
    assert made["role"] == "owner"
    [mine] = ok(client.get(f"{API}/drives", headers=tenant.headers))
    assert mine["kind"] == "user"
    top = ok(client.get(f"{API}/drives/{mine['id']}/items", headers=tenant.headers))
    assert [item["name"] for item in top] == ["Docs"]
    children = ok(client.get(f"{API}/items/{docs['id']}/children", headers=tenant.headers))
    assert [item["id"] for item in children] == [made["id"]]
    got = client.get(f"{API}/items/{made['id']}/content", headers=tenant.headers)
    assert got.status_code == 200
    assert got.content == b"hello drive"
    assert got.headers["content-type"].startswith("text/plain")
    assert got.headers["content-disposition"] == (
        "attachment; filename=\"notes.txt\"; filename*=UTF-8''notes.txt"
    )


def test_a_name_in_any_script_downloads_with_its_name_encoded(client: Any, tenant: Any) -> None:
    """Headers are Latin-1: the name travels as RFC 8187 ``filename*``, with an ASCII fallback."""
    made = upload(client, tenant, 'Отчёт "Q4" 𑛧.txt', b"numbers")

    got = client.get(f"{API}/items/{made['id']}/content", headers=tenant.headers)

    assert got.status_code == 200, got.text
    assert got.headers["content-disposition"] == (
        'attachment; filename="_____ _Q4_ _.txt"; '
        "filename*=UTF-8''%D0%9E%D1%82%D1%87%D1%91%D1%82%20%22Q4%22%20%F0%91%9B%A7.txt"
    )


def test_same_name_adds_versions_keeps_n_and_restores(
    client: Any, tenant: Any, drive_db: str
) -> None:
    set_plugin_settings(drive_db, tenant, "drive", {"keep_versions": 2})
    first = upload(client, tenant, "plan.txt", b"v1")
    upload(client, tenant, "plan.txt", b"v2")
    third = upload(client, tenant, "plan.txt", b"v3")
    assert third["id"] == first["id"]
    versions = ok(client.get(f"{API}/items/{first['id']}/versions", headers=tenant.headers))
    assert [v["number"] for v in versions] == [3, 2]
    assert versions[0]["current"]
    restored = ok(
        client.post(
            f"{API}/items/{first['id']}/versions/{versions[1]['id']}/restore",
            headers=tenant.headers,
        )
    )
    assert restored["size"] == 2
    body = client.get(f"{API}/items/{first['id']}/content", headers=tenant.headers).content
    assert body == b"v2"
    old = client.get(
        f"{API}/items/{first['id']}/content",
        params={"version_id": versions[0]["id"]},
        headers=tenant.headers,
    )
    assert old.content == b"v3"
    numbers = [
        v["number"]
        for v in ok(client.get(f"{API}/items/{first['id']}/versions", headers=tenant.headers))
    ]
    assert numbers == [4, 3]


def test_trash_restore_and_purge_by_the_sweep(client: Any, tenant: Any, drive_db: str) -> None:
    box = folder(client, tenant, "Box")
    inside = upload(client, tenant, "in.txt", b"x", parent_id=box["id"])
    assert client.delete(f"{API}/items/{box['id']}", headers=tenant.headers).status_code == 204
    trash = ok(client.get(f"{API}/trash", headers=tenant.headers))
    assert [item["id"] for item in trash] == [box["id"]]
    assert ok(client.get(f"{API}/items/{inside['id']}", headers=tenant.headers))["trashed_at"]
    restored = ok(client.post(f"{API}/items/{box['id']}/restore", headers=tenant.headers))
    assert restored["trashed_at"] is None
    assert (
        ok(client.get(f"{API}/items/{inside['id']}", headers=tenant.headers))["trashed_at"] is None
    )
    # Trashed again, purged by the sweep once trash_days (0 here) passed.
    client.delete(f"{API}/items/{box['id']}", headers=tenant.headers)
    set_plugin_settings(drive_db, tenant, "drive", {"trash_days": 0})
    report = ok(client.post(f"{API}/sweep", headers=tenant.headers))
    assert report["purged"] == 1
    assert report["blobs_deleted"] >= 1
    problem(client.get(f"{API}/items/{inside['id']}", headers=tenant.headers), 404)


def test_names_and_moves_are_checked(client: Any, tenant: Any) -> None:
    a = folder(client, tenant, "A")
    b = folder(client, tenant, "B", parent_id=a["id"])
    problem(client.post(f"{API}/folders", json={"name": "A"}, headers=tenant.headers), 409)
    problem(client.post(f"{API}/folders", json={"name": "x/y"}, headers=tenant.headers), 422)
    problem(
        client.patch(f"{API}/items/{a['id']}", json={"parent_id": b["id"]}, headers=tenant.headers),
        409,
    )
    moved = ok(
        client.patch(
            f"{API}/items/{b['id']}", json={"to_top": True, "name": "B2"}, headers=tenant.headers
        )
    )
    assert moved["path"] == "/B2"


def test_size_limit_and_quotas_answer_413_and_507(client: Any, tenant: Any, drive_db: str) -> None:
    set_plugin_settings(drive_db, tenant, "drive", {"max_upload_bytes": 10, "user_quota_bytes": 15})
    too_big = upload(client, tenant, "big.bin", b"x" * 11, status=413)
    assert too_big["limit"] == 10
    upload(client, tenant, "a.bin", b"x" * 10)
    full = upload(client, tenant, "b.bin", b"x" * 6, status=507)
    assert (full["limit"], full["used"], full["needed"]) == (15, 10, 6)
    usage = ok(client.get(f"{API}/usage", headers=tenant.headers))
    assert usage["user_used"] == 10
    assert usage["user_limit"] == 15
    # An admin raises one user's quota.
    ada = member(client, tenant, "ada")
    ok(
        client.put(
            f"{API}/quotas",
            json={"principal": ada.actor, "limit_bytes": 100},
            headers=tenant.headers,
        )
    )
    upload(client, ada, "c.bin", b"x" * 10)
    assert ok(client.get(f"{API}/usage", headers=ada.headers))["user_limit"] == 100
