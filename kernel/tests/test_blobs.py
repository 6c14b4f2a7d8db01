"""The file store on both adapters: the local directory and S3 (a real moto server)."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from nexus.blobs import BlobRuntime, LocalBlobBackend, S3BlobBackend
from nexus.settings import Settings
from nexus_hookspecs import BlobStore, BlobTooLargeError

MIB = 1024 * 1024


@pytest.fixture(params=["local", "s3"])
def runtime(request, tmp_path):
    """A file store runtime (not started) with a 12 MiB object limit."""
    settings = Settings(data_dir=tmp_path, blob_max_bytes=12 * MIB)
    if request.param == "s3":
        server = request.getfixturevalue("nexus_s3_server")
        settings = settings.replace(**server.settings(server.create_bucket()))
        # S3 wants parts of at least 5 MiB.
        backend = S3BlobBackend(
            bucket=settings.s3_bucket,
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=settings.s3_secret_access_key,
            part_size=5 * MIB,
        )
        return BlobRuntime(settings, backend=backend)
    return BlobRuntime(settings)


def _run(runtime: BlobRuntime, scenario):
    async def run():
        await runtime.start()
        try:
            await scenario()
        finally:
            await runtime.stop()

    asyncio.run(run())


async def _chunks(total: int, size: int = MIB):
    sent = 0
    while sent < total:
        chunk = bytes([sent // size % 251]) * min(size, total - sent)
        sent += len(chunk)
        yield chunk


def test_put_get_stat_list_delete(runtime):
    blobs = runtime.for_tenant(uuid.uuid4())
    assert isinstance(blobs, BlobStore)

    async def scenario():
        info = await blobs.put("invoices/2026/1.pdf", b"%PDF-1", content_type="application/pdf")
        assert (info.key, info.size, info.content_type) == (
            "invoices/2026/1.pdf",
            6,
            "application/pdf",
        )
        await blobs.put("invoices/2026/2.pdf", b"%PDF-2", content_type="application/pdf")
        await blobs.put("notes.txt", b"hi", content_type="text/plain; charset=utf-8")
        assert await blobs.get("invoices/2026/1.pdf") == b"%PDF-1"
        assert b"".join([chunk async for chunk in blobs.stream("notes.txt")]) == b"hi"
        stat = await blobs.stat("notes.txt")
        assert (stat.size, stat.content_type) == (2, "text/plain; charset=utf-8")
        assert [key async for key in blobs.list()] == [
            "invoices/2026/1.pdf",
            "invoices/2026/2.pdf",
            "notes.txt",
        ]
        assert [key async for key in blobs.list("invoices/")] == [
            "invoices/2026/1.pdf",
            "invoices/2026/2.pdf",
        ]
        assert [key async for key in blobs.list("invoices/2026/2")] == ["invoices/2026/2.pdf"]
        await blobs.put("notes.txt", b"replaced", content_type="text/markdown")
        assert await blobs.get("notes.txt") == b"replaced"
        assert (await blobs.stat("notes.txt")).content_type == "text/markdown"
        await blobs.delete("invoices/2026/1.pdf")
        await blobs.delete("invoices/2026/1.pdf")  # again: no error
        assert [key async for key in blobs.list("invoices/")] == ["invoices/2026/2.pdf"]

    _run(runtime, scenario)


def test_missing_objects_raise_key_error(runtime):
    blobs = runtime.for_tenant(uuid.uuid4())

    async def scenario():
        for read in (blobs.get, blobs.stat):
            with pytest.raises(KeyError):
                await read("nothing")
        with pytest.raises(KeyError):
            async for _ in blobs.stream("nothing"):
                pass

    _run(runtime, scenario)


def test_streamed_upload_larger_than_a_part(runtime):
    blobs = runtime.for_tenant(uuid.uuid4())

    async def scenario():
        info = await blobs.put("big.bin", _chunks(11 * MIB), content_type="application/x-big")
        assert info.size == 11 * MIB
        expected = b"".join([chunk async for chunk in _chunks(11 * MIB)])
        assert await blobs.get("big.bin") == expected
        assert (await blobs.stat("big.bin")).size == 11 * MIB

    _run(runtime, scenario)


@pytest.mark.parametrize("size", [13 * MIB, 12 * MIB + 1], ids=["parts", "one-byte-over"])
def test_an_object_over_the_size_limit_is_refused_and_not_stored(runtime, size):
    blobs = runtime.for_tenant(uuid.uuid4())

    async def scenario():
        with pytest.raises(BlobTooLargeError) as refused:
            await blobs.put("huge.bin", _chunks(size), content_type="application/octet-stream")
        assert refused.value.limit == 12 * MIB
        with pytest.raises(BlobTooLargeError):
            await blobs.put("huge.bin", b"x" * size, content_type="application/octet-stream")
        assert [key async for key in blobs.list()] == []
        if isinstance(runtime.backend, S3BlobBackend):
            uploads = await runtime.backend.client.list_multipart_uploads(
                Bucket=runtime.backend.bucket
            )
            assert uploads.get("Uploads", []) == [], "the multipart upload was not aborted"

    _run(runtime, scenario)


@pytest.mark.parametrize(
    "key", ["", "/abs", "../other", "a/../../b", "a//b", "a/./b", "a/", "back\\slash", "nul\x00"]
)
def test_invalid_keys_are_refused(runtime, key):
    blobs = runtime.for_tenant(uuid.uuid4())

    async def scenario():
        with pytest.raises(ValueError, match="invalid object key"):
            await blobs.put(key, b"x", content_type="text/plain")
        with pytest.raises(ValueError, match="invalid object key"):
            await blobs.get(key)

    _run(runtime, scenario)


@pytest.mark.parametrize("content_type", ["", "text", "text/", "text/plain\r\nX: y", "a b/c"])
def test_invalid_content_types_are_refused(runtime, content_type):
    blobs = runtime.for_tenant(uuid.uuid4())

    async def scenario():
        with pytest.raises(ValueError, match="invalid content type"):
            await blobs.put("k", b"x", content_type=content_type)

    _run(runtime, scenario)


def test_objects_of_one_tenant_cannot_be_reached_through_another(runtime):
    acme, globex = runtime.for_tenant(uuid.uuid4()), runtime.for_tenant(uuid.uuid4())

    async def scenario():
        await acme.put("secret.txt", b"acme only", content_type="text/plain")
        with pytest.raises(KeyError):
            await globex.get("secret.txt")
        with pytest.raises(KeyError):
            await globex.stat("secret.txt")
        assert [key async for key in globex.list()] == []
        await globex.delete("secret.txt")
        assert await acme.get("secret.txt") == b"acme only"
        await globex.put("secret.txt", b"globex's own", content_type="text/plain")
        assert await acme.get("secret.txt") == b"acme only"

    _run(runtime, scenario)


def test_a_request_without_a_tenant_cannot_use_the_store(runtime):
    blobs = runtime.for_tenant(None)

    async def scenario():
        with pytest.raises(PermissionError):
            await blobs.get("k")

    _run(runtime, scenario)


def test_purge_counts_then_deletes_a_tenants_objects(runtime):
    acme_id, globex_id = uuid.uuid4(), uuid.uuid4()

    async def scenario():
        for key in ("a", "b/c"):
            await runtime.for_tenant(acme_id).put(key, b"x", content_type="text/plain")
        await runtime.for_tenant(globex_id).put("a", b"x", content_type="text/plain")
        assert await runtime.purge(acme_id) == 2
        assert [key async for key in runtime.for_tenant(acme_id).list()] == ["a", "b/c"]
        assert await runtime.purge(acme_id, dry_run=False) == 2
        assert [key async for key in runtime.for_tenant(acme_id).list()] == []
        assert [key async for key in runtime.for_tenant(globex_id).list()] == ["a"]

    _run(runtime, scenario)


def test_purge_leaves_nothing_under_the_tenants_prefix(runtime, tmp_path):
    acme_id, globex_id = uuid.uuid4(), uuid.uuid4()

    async def scenario():
        await runtime.for_tenant(acme_id).put("deep/er/file", b"x", content_type="text/plain")
        if isinstance(runtime.backend, S3BlobBackend):  # a writer that crashed mid-upload
            client, bucket = runtime.backend.client, runtime.backend.bucket
            for tenant_id in (acme_id, globex_id):
                await client.create_multipart_upload(Bucket=bucket, Key=f"{tenant_id}/big.bin")
        await runtime.purge(acme_id, dry_run=False)
        if isinstance(runtime.backend, S3BlobBackend):
            listed = await client.list_objects_v2(Bucket=bucket, Prefix=f"{acme_id}/")
            assert listed.get("Contents", []) == []
            uploads = (await client.list_multipart_uploads(Bucket=bucket)).get("Uploads", [])
            assert [upload["Key"] for upload in uploads] == [f"{globex_id}/big.bin"]
        else:
            assert [p for p in (tmp_path / "blobs").rglob("*") if str(acme_id) in str(p)] == []

    _run(runtime, scenario)


def test_s3_presigned_urls_open_one_object_of_one_tenant(nexus_s3_server, nexus_s3_bucket):
    settings = Settings().replace(**nexus_s3_server.settings(nexus_s3_bucket))
    runtime = BlobRuntime(settings)
    acme_id, globex_id = uuid.uuid4(), uuid.uuid4()

    async def scenario():
        await runtime.for_tenant(acme_id).put("doc.txt", b"acme's", content_type="text/plain")
        await runtime.for_tenant(globex_id).put("doc.txt", b"globex's", content_type="text/plain")
        url = await runtime.for_tenant(acme_id).url("doc.txt", expires_in=60)
        async with httpx.AsyncClient() as http:
            response = await http.get(url)
            assert (response.status_code, response.content) == (200, b"acme's")
            assert response.headers["content-type"] == "text/plain"
        # SigV4 signs the path, tenant prefix included, so S3 refuses the URL for any
        # other key (moto checks no signature: the refusal itself is S3's to test).
        parts = httpx.URL(url)
        assert parts.path == f"/{nexus_s3_bucket}/{acme_id}/doc.txt"
        assert parts.params["X-Amz-Expires"] == "60"
        assert parts.params["X-Amz-SignedHeaders"] == "host"
        assert parts.params["X-Amz-Signature"]

    _run(runtime, scenario)


def test_local_store_refuses_a_key_that_is_also_a_folder(tmp_path):
    runtime = BlobRuntime(Settings(data_dir=tmp_path))
    assert isinstance(runtime.backend, LocalBlobBackend)
    blobs = runtime.for_tenant(uuid.uuid4())

    async def scenario():
        await blobs.put("a/b", b"x", content_type="text/plain")
        with pytest.raises(ValueError, match="conflicts"):
            await blobs.put("a", b"y", content_type="text/plain")
        await blobs.put("c", b"x", content_type="text/plain")
        with pytest.raises(ValueError, match="conflicts"):
            await blobs.put("c/d", b"y", content_type="text/plain")
        assert [key async for key in blobs.list()] == ["a/b", "c"]

    _run(runtime, scenario)


def test_an_s3_endpoint_without_a_bucket_is_a_settings_error():
    from nexus.settings import SettingsError

    with pytest.raises(SettingsError, match="NEXUS_S3_BUCKET"):
        BlobRuntime(Settings(s3_endpoint_url="http://127.0.0.1:9"))
