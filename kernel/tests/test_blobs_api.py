"""The ``blobs`` port through the kernel: per tenant, and signed URLs for one object."""

from __future__ import annotations

import time

import httpx
import pytest
from kernel_samples import shelf
from nexus.blobs import SIGNED_PATH
from nexus.services import kernel_of
from nexus.settings import Settings
from nexus.testing import create_test_client, make_tenant


@pytest.fixture(params=["local", "s3"])
def blob_settings(request, tmp_path):
    settings = Settings(log_level="warning", data_dir=tmp_path, blob_max_bytes=64 * 1024)
    if request.param == "s3":
        server = request.getfixturevalue("nexus_s3_server")
        settings = settings.replace(**server.settings(server.create_bucket()))
    return settings


def _upload(client, tenant, key: str, data: bytes, content_type: str = "text/plain"):
    return client.put(
        f"/api/v1/shelf/files/{key}",
        content=data,
        headers={**tenant.headers, "Content-Type": content_type},
    )


def test_objects_of_one_tenant_cannot_be_read_through_another(nexus_database_url, blob_settings):
    with create_test_client([shelf], database_url=nexus_database_url, settings=blob_settings) as c:
        acme = make_tenant(nexus_database_url, slug="acme")
        globex = make_tenant(nexus_database_url, slug="globex")
        uploaded = _upload(c, acme, "reports/q1.csv", b"a,b\n1,2\n", "text/csv")
        assert uploaded.status_code == 200, uploaded.text
        assert uploaded.json() == {"key": "reports/q1.csv", "size": 8, "content_type": "text/csv"}
        mine = c.get("/api/v1/shelf/files/reports/q1.csv", headers=acme.headers)
        assert (mine.status_code, mine.content) == (200, b"a,b\n1,2\n")
        assert mine.headers["content-type"].startswith("text/csv")
        theirs = c.get("/api/v1/shelf/files/reports/q1.csv", headers=globex.headers)
        assert theirs.status_code == 404
        assert c.get("/api/v1/shelf/list", headers=globex.headers).json() == []
        assert c.get("/api/v1/shelf/list", headers=acme.headers).json() == ["reports/q1.csv"]


def test_an_upload_over_the_size_limit_is_refused(nexus_database_url, blob_settings):
    with create_test_client([shelf], database_url=nexus_database_url, settings=blob_settings) as c:
        acme = make_tenant(nexus_database_url, slug="acme")
        assert _upload(c, acme, "big.bin", b"x" * (64 * 1024 + 1)).status_code == 413
        assert c.get("/api/v1/shelf/list", headers=acme.headers).json() == []
        assert _upload(c, acme, "fits.bin", b"x" * (64 * 1024)).status_code == 200


def test_a_signed_url_opens_one_object_without_credentials(nexus_database_url, blob_settings):
    with create_test_client([shelf], database_url=nexus_database_url, settings=blob_settings) as c:
        acme = make_tenant(nexus_database_url, slug="acme")
        _upload(c, acme, "photos/cat one.png", b"\x89PNG-cat", "image/png")
        url = c.get("/api/v1/shelf/links/photos/cat one.png", headers=acme.headers).json()["url"]
        if blob_settings.s3_bucket:
            response = httpx.get(url)
        else:
            assert url.startswith(f"{SIGNED_PATH}/{acme.id}/photos/cat%20one.png?")
            response = c.get(url)
            assert response.headers["content-security-policy"] == "default-src 'none'; sandbox"
        assert (response.status_code, response.content) == (200, b"\x89PNG-cat")
        assert response.headers["content-type"] == "image/png"


def _local_settings(tmp_path) -> Settings:
    return Settings(log_level="warning", data_dir=tmp_path)


def test_a_signed_kernel_url_opens_nothing_else(nexus_database_url, tmp_path):
    with create_test_client(
        [shelf], database_url=nexus_database_url, settings=_local_settings(tmp_path)
    ) as c:
        acme = make_tenant(nexus_database_url, slug="acme")
        globex = make_tenant(nexus_database_url, slug="globex")
        _upload(c, acme, "doc.txt", b"acme's")
        _upload(c, globex, "doc.txt", b"globex's")
        url = c.get("/api/v1/shelf/links/doc.txt", headers=acme.headers).json()["url"]
        assert c.get(url).content == b"acme's"
        # Another tenant's object through acme's URL.
        other_tenant = c.get(url.replace(str(acme.id), str(globex.id)))
        assert other_tenant.status_code == 403
        assert other_tenant.headers["content-type"] == "application/problem+json"
        # Another key, a forged signature, no signature.
        assert c.get(url.replace("doc.txt", "doc.txt2")).status_code == 403
        assert c.get(url[:-4] + "0000").status_code == 403
        # A signature that is not even ASCII (found by Schemathesis: once a 500).
        assert c.get(url.split("&signature=")[0] + "&signature=%C2%B9%C3%88").status_code == 403
        assert c.get(url.split("&signature=")[0]).status_code == 422  # a missing parameter
        # A later expiry with the old signature.
        expires = int(url.split("expires=")[1].split("&")[0])
        assert c.get(url.replace(f"expires={expires}", f"expires={expires + 1}")).status_code == 403


def test_a_signed_kernel_url_expires(nexus_database_url, tmp_path):
    with create_test_client(
        [shelf], database_url=nexus_database_url, settings=_local_settings(tmp_path)
    ) as c:
        acme = make_tenant(nexus_database_url, slug="acme")
        _upload(c, acme, "doc.txt", b"acme's")
        signer = kernel_of(c.app).blobs.backend.signer
        key = f"{acme.id}/doc.txt"
        past = int(time.time()) - 1
        expired = f"{SIGNED_PATH}/{key}?expires={past}&signature={signer.sign(key, past)}"
        assert c.get(expired).status_code == 403
        future = int(time.time()) + 60
        missing = f"{acme.id}/gone.txt"
        gone = f"{SIGNED_PATH}/{missing}?expires={future}&signature={signer.sign(missing, future)}"
        assert c.get(gone).status_code == 404


def test_every_worker_signs_with_the_same_secret(nexus_database_url, tmp_path):
    settings = _local_settings(tmp_path)
    first = create_test_client([shelf], database_url=nexus_database_url, settings=settings)
    second = create_test_client(
        [shelf], database_url=nexus_database_url, settings=settings, run_migrations=False
    )
    with first, second:
        acme = make_tenant(nexus_database_url, slug="acme")
        _upload(first, acme, "doc.txt", b"acme's")
        url = first.get("/api/v1/shelf/links/doc.txt", headers=acme.headers).json()["url"]
        assert second.get(url).content == b"acme's"
    assert oct((tmp_path / "blobs" / "signing.key").stat().st_mode & 0o777) == "0o600"


def test_public_url_makes_signed_urls_absolute(nexus_database_url, tmp_path):
    settings = _local_settings(tmp_path).replace(public_url="https://nexus.example/")
    with create_test_client([shelf], database_url=nexus_database_url, settings=settings) as c:
        acme = make_tenant(nexus_database_url, slug="acme")
        _upload(c, acme, "doc.txt", b"x")
        url = c.get("/api/v1/shelf/links/doc.txt", headers=acme.headers).json()["url"]
        assert url.startswith(f"https://nexus.example{SIGNED_PATH}/{acme.id}/doc.txt?expires=")
