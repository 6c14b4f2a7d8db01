"""Resumable uploads over tus 1.0.0: the protocol's answers, in process."""

from __future__ import annotations

import base64
from typing import Any

from drive_helpers import API, folder, member, ok, problem

TUS = {"Tus-Resumable": "1.0.0"}


def _meta(**values: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


def _create(client: Any, who: Any, length: int, **meta: str) -> str:
    response = client.post(
        f"{API}/uploads",
        headers={
            **who.headers,
            **TUS,
            "Upload-Length": str(length),
            "Upload-Metadata": _meta(**meta),
        },
    )
    assert response.status_code == 201, response.text
    assert response.headers["Tus-Resumable"] == "1.0.0"
    location: str = response.headers["Location"]
    return location


def _patch(client: Any, who: Any, url: str, offset: int, body: bytes) -> Any:
    return client.patch(
        url,
        content=body,
        headers={
            **who.headers,
            **TUS,
            "Upload-Offset": str(offset),
            "Content-Type": "application/offset+octet-stream",
        },
    )


def test_create_append_resume_and_finish(client: Any, tenant: Any) -> None:
    box = folder(client, tenant, "Uploads")
    url = _create(
        client, tenant, 11, filename="hello.txt", filetype="text/plain", parent_id=box["id"]
    )
    head = client.head(url, headers={**tenant.headers, **TUS})
    assert (head.status_code, head.headers["Upload-Offset"], head.headers["Upload-Length"]) == (
        200,
        "0",
        "11",
    )
    first = _patch(client, tenant, url, 0, b"hello ")
    assert (first.status_code, first.headers["Upload-Offset"]) == (204, "6")
    # A client that lost track sends a stale offset: 409, the server's offset unchanged.
    assert _patch(client, tenant, url, 0, b"hello ").status_code == 409
    assert client.head(url, headers={**tenant.headers, **TUS}).headers["Upload-Offset"] == "6"
    last = _patch(client, tenant, url, 6, b"drive")
    assert last.status_code == 204
    file_id = last.headers["Drive-File-Id"]
    shown = ok(client.get(f"{API}/items/{file_id}", headers=tenant.headers))
    assert (shown["path"], shown["size"], shown["content_type"]) == (
        "/Uploads/hello.txt",
        11,
        "text/plain",
    )
    assert (
        client.get(f"{API}/items/{file_id}/content", headers=tenant.headers).content
        == b"hello drive"
    )
    # Finished: the upload is gone.
    assert client.head(url, headers={**tenant.headers, **TUS}).status_code == 404


def test_options_tells_the_capabilities(client: Any, tenant: Any) -> None:
    answer = client.options(f"{API}/uploads", headers=tenant.headers)
    assert answer.status_code == 204
    assert answer.headers["Tus-Version"] == "1.0.0"
    assert answer.headers["Tus-Extension"] == "creation,termination"
    assert int(answer.headers["Tus-Max-Size"]) > 0


def test_protocol_errors(client: Any, tenant: Any, drive_db: str) -> None:
    no_version = client.post(f"{API}/uploads", headers={**tenant.headers, "Upload-Length": "3"})
    assert (no_version.status_code, no_version.headers["Tus-Version"]) == (412, "1.0.0")
    problem(
        client.post(
            f"{API}/uploads",
            headers={**tenant.headers, **TUS, "Upload-Metadata": _meta(filename="a")},
        ),
        400,
    )
    url = _create(client, tenant, 3, filename="a.bin")
    wrong_type = client.patch(
        url, content=b"abc", headers={**tenant.headers, **TUS, "Upload-Offset": "0"}
    )
    assert wrong_type.status_code == 415
    too_much = _patch(client, tenant, url, 0, b"abcdef")
    assert too_much.status_code == 413
    # Someone else (another key of the tenant) cannot see or touch the upload.
    bob = member(client, tenant, "bob")
    assert client.head(url, headers={**bob.headers, **TUS}).status_code == 404
    assert client.delete(url, headers={**bob.headers, **TUS}).status_code == 404
    # Termination.
    assert client.delete(url, headers={**tenant.headers, **TUS}).status_code == 204
    assert client.head(url, headers={**tenant.headers, **TUS}).status_code == 404


def test_limits_apply_at_creation(client: Any, tenant: Any, drive_db: str) -> None:
    from nexus.testing import set_plugin_settings

    set_plugin_settings(
        drive_db, tenant, "drive", {"max_upload_bytes": 100, "tenant_quota_bytes": 50}
    )
    big = client.post(
        f"{API}/uploads",
        headers={
            **tenant.headers,
            **TUS,
            "Upload-Length": "101",
            "Upload-Metadata": _meta(filename="a"),
        },
    )
    assert (big.status_code, big.json()["limit"]) == (413, 100)
    full = client.post(
        f"{API}/uploads",
        headers={
            **tenant.headers,
            **TUS,
            "Upload-Length": "60",
            "Upload-Metadata": _meta(filename="a"),
        },
    )
    assert (full.status_code, full.json()["limit"], full.json()["needed"]) == (507, 50, 60)


def test_another_tenant_cannot_resume_an_upload(client: Any, tenant: Any, other: Any) -> None:
    url = _create(client, tenant, 4, filename="x.bin")
    assert client.head(url, headers={**other.headers, **TUS}).status_code == 404
    assert _patch(client, other, url, 0, b"abcd").status_code == 404


def test_the_sweep_drops_expired_uploads_and_their_parts(
    client: Any, tenant: Any, drive_db: str
) -> None:
    from nexus.testing import run_sync, tenant_transaction

    url = _create(client, tenant, 10, filename="stale.bin")
    assert _patch(client, tenant, url, 0, b"12345").status_code == 204

    async def expire() -> None:
        async with tenant_transaction(drive_db, tenant) as conn:
            await conn.execute("update drive_upload set expires_at = now() - interval '1 second'")

    run_sync(expire())
    report = ok(client.post(f"{API}/sweep", headers=tenant.headers))
    assert report["uploads_expired"] == 1
    assert report["blobs_deleted"] == 1
    assert client.head(url, headers={**tenant.headers, **TUS}).status_code == 404
