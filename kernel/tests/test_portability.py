"""``nexus tenants export|import``: a tenant's rows and files out, deprovisioned, and back.

Real PostgreSQL and the moto S3 server: a tenant writes through sample plugins (rows,
events, inbox and audit entries, feature overrides, files), is exported, deprovisioned and
its files removed, then imported — into the same database and into a second one — and
every row of every tenant table and every file must be back, unchanged.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from typing import TYPE_CHECKING

import asyncpg
import pytest
from click.testing import CliRunner
from kernel_samples import ledger, memos, shelf, tasks
from nexus.blobs import BlobRuntime
from nexus.cli import cli
from nexus.settings import Settings
from nexus.testing import (
    EventWorkerHarness,
    create_test_client,
    make_tenant,
    run_sync,
    temporary_database,
)

if TYPE_CHECKING:
    from pathlib import Path
    from uuid import UUID

PLUGINS = [memos, ledger, tasks, shelf]

_TABLES = """
select c.relname::text as name from pg_class c
  join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
 where c.relkind in ('r', 'p') and c.relnamespace = current_schema()::regnamespace
 order by 1
"""
# A row without its tenant id, and without what the target database assigns itself (the
# outbox's identity sequence and its place in the embedded log).
_ROW = "(to_jsonb(t) - 'tenant_id' - 'seq' - 'position')::text"


def sql(url, query, *args):
    async def run():
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetch(query, *args)
        finally:
            await conn.close()

    return run_sync(run())


def table_state(url: str, tenant_id: UUID) -> dict[str, tuple[int, str]]:
    """Rows and a digest of their content, per tenant table (read as the superuser)."""
    state = {}
    for row in sql(url, _TABLES):
        name = row["name"]
        ((count, digest),) = [
            tuple(r)
            for r in sql(
                url,
                f"select count(*), coalesce(md5(string_agg({_ROW}, '|' order by {_ROW})), '') "
                f'from "{name}" as t where tenant_id = $1',
                tenant_id,
            )
        ]
        if count:
            state[name] = (count, digest)
    return state


def file_state(settings: Settings, tenant_id: UUID) -> dict[str, str]:
    async def read():
        runtime = BlobRuntime(settings)
        await runtime.start()
        try:
            blobs = runtime.for_tenant(tenant_id)
            return {
                key: hashlib.sha256(await blobs.get(key)).hexdigest() async for key in blobs.list()
            }
        finally:
            await runtime.stop()

    return run_sync(read())


def remove_files(settings: Settings, tenant_id: UUID) -> None:
    async def purge():
        runtime = BlobRuntime(settings)
        await runtime.start()
        try:
            await runtime.purge(tenant_id, dry_run=False)
        finally:
            await runtime.stop()

    run_sync(purge())


def env(settings: Settings) -> dict[str, str]:
    return {
        "NEXUS_DATABASE_URL": settings.database_url or "",
        "NEXUS_S3_ENDPOINT_URL": settings.s3_endpoint_url or "",
        "NEXUS_S3_BUCKET": settings.s3_bucket or "",
        "NEXUS_S3_REGION": settings.s3_region,
        "NEXUS_S3_ACCESS_KEY_ID": settings.s3_access_key_id or "",
        "NEXUS_S3_SECRET_ACCESS_KEY": settings.s3_secret_access_key or "",
    }


def nexus(settings: Settings, *args: str):
    return CliRunner().invoke(cli, list(args), env=env(settings), catch_exceptions=False)


@pytest.fixture
def s3_settings(nexus_s3_server):
    return nexus_s3_server.settings(nexus_s3_server.create_bucket())


@pytest.fixture
def settings(nexus_database_url, s3_settings, tmp_path):
    return Settings(
        database_url=nexus_database_url, log_level="warning", data_dir=tmp_path, **s3_settings
    )


FILES = {
    "reports/2026/q3.txt": (b"quarterly numbers\n" * 1000, "text/plain"),
    "logo.png": (bytes(range(256)) * 64, "image/png"),
    "empty.bin": (b"", "application/octet-stream"),
}


def populate(settings: Settings):
    """Two tenants with rows in every sample plugin, events handled, files; return both."""
    with create_test_client(PLUGINS, database_url=settings.database_url, settings=settings) as app:
        acme = make_tenant(settings.database_url, slug="acme")
        other = make_tenant(settings.database_url, slug="other")
        for tenant in (acme, other):
            h = tenant.headers
            for i in range(25):
                assert (
                    app.post(
                        "/api/v1/memos/", json={"title": f"m{i}", "body": 'x,"y"\nz'}, headers=h
                    ).status_code
                    == 201
                )
                assert (
                    app.post("/api/v1/ledger/", json={"memo": f"e{i}"}, headers=h).status_code
                    == 201
                )
            assert app.post("/api/v1/tasks/", json={"title": "t"}, headers=h).status_code in (
                200,
                201,
            )
            for key, (data, content_type) in FILES.items():
                uploaded = app.put(
                    f"/api/v1/shelf/files/{key}",
                    content=data,
                    headers={**h, "Content-Type": content_type},
                )
                assert uploaded.status_code == 200, uploaded.text
        switched = app.put(
            "/api/v1/features/tasks",
            json={"enabled": False, "cascade": False, "reason": "before export"},
            headers=acme.headers,
        )
        assert switched.status_code == 200, switched.text
        with EventWorkerHarness(app) as worker:
            worker.wait_handled("ledger", 50)
            worker.wait_handled("audit", 51)
    return acme, other


def drop_tenant(settings: Settings, tenant: str) -> None:
    result = nexus(settings, "tenants", "deprovision", tenant, "--yes", "--json")
    assert result.exit_code == 0, result.output


@pytest.fixture(autouse=True)
def _only_samples(monkeypatch):
    # `nexus tenants deprovision` loads plugins from entry points: none, in these tests.
    monkeypatch.setenv("NEXUS_PLUGINS", "memos")


def test_export_deprovision_import_brings_every_row_and_file_back(settings, tmp_path):
    acme, other = populate(settings)
    rows_before = table_state(settings.database_url, acme.id)
    files_before = file_state(settings, acme.id)
    other_before = (table_state(settings.database_url, other.id), file_state(settings, other.id))
    assert {
        "memos_memo",
        "ledger_entry",
        "nexus_event_outbox",
        "nexus_event_inbox",
        "nexus_audit_log",
        "nexus_api_key",
        "nexus_feature_override",
    } <= set(rows_before)
    assert set(files_before) == set(FILES)

    archive = tmp_path / "acme.nexus.tar.gz"
    exported = nexus(settings, "tenants", "export", "acme", "--out", str(archive), "--json")
    assert exported.exit_code == 0, exported.output
    summary = json.loads(exported.stdout)
    assert summary["rows"] == sum(count for count, _ in rows_before.values())
    assert summary["files"] == len(FILES) and summary["rows_per_s"] > 0

    drop_tenant(settings, "acme")
    remove_files(settings, acme.id)
    assert table_state(settings.database_url, acme.id) == {}
    assert file_state(settings, acme.id) == {}

    imported = nexus(settings, "tenants", "import", str(archive), "--json")
    assert imported.exit_code == 0, imported.output
    result = json.loads(imported.stdout)
    assert result["tenant_id"] == str(acme.id)
    assert result["rows"] == summary["rows"]
    assert table_state(settings.database_url, acme.id) == rows_before
    assert file_state(settings, acme.id) == files_before
    assert (table_state(settings.database_url, other.id), file_state(settings, other.id)) == (
        other_before
    )
    # The restored tenant works: its old key, its memos, its switched-off plugin, its files.
    with create_test_client(
        PLUGINS, database_url=settings.database_url, settings=settings, run_migrations=False
    ) as app:
        memos_listed = app.get("/api/v1/memos/", headers=acme.headers)
        assert memos_listed.status_code == 200
        assert app.get("/api/v1/tasks/", headers=acme.headers).status_code == 404
        logo = app.get("/api/v1/shelf/files/logo.png", headers=acme.headers)
        assert logo.content == FILES["logo.png"][0]


def test_import_into_a_second_nexus_under_a_new_id(
    settings, nexus_postgres_server, nexus_s3_server, tmp_path
):
    acme, _ = populate(settings)
    rows_before = table_state(settings.database_url, acme.id)
    files_before = file_state(settings, acme.id)
    archive = tmp_path / "acme.tar"
    assert nexus(settings, "tenants", "export", str(acme.id), "--out", str(archive)).exit_code == 0

    with temporary_database(nexus_postgres_server) as second_url:
        # Another installation: its own database and its own bucket.
        second = settings.replace(
            database_url=second_url, **nexus_s3_server.settings(nexus_s3_server.create_bucket())
        )
        with create_test_client(PLUGINS, database_url=second_url, settings=second):
            pass  # migrated, with the same plugins
        result = nexus(second, "tenants", "import", str(archive), "--new-id", "--json")
        assert result.exit_code == 0, result.output
        new_id = json.loads(result.stdout)["tenant_id"]
        assert new_id != str(acme.id)
        assert table_state(second_url, new_id) == rows_before
        assert file_state(second, new_id) == files_before
        assert file_state(settings, new_id) == {}  # nothing went to the first one's bucket
        shown = nexus(second, "tenants", "show", "acme", "--json")
        assert json.loads(shown.stdout)["tenant"]["id"] == new_id


def test_import_refuses_an_existing_tenant_and_changes_nothing(settings, tmp_path):
    acme, _ = populate(settings)
    archive = tmp_path / "acme.tar"
    assert nexus(settings, "tenants", "export", "acme", "--out", str(archive)).exit_code == 0
    before = table_state(settings.database_url, acme.id)

    same = nexus(settings, "tenants", "import", str(archive))
    assert same.exit_code != 0
    assert "exists" in same.output and "--new-id" in same.output
    slug_taken = nexus(settings, "tenants", "import", str(archive), "--new-id")
    assert slug_taken.exit_code != 0 and "--slug" in slug_taken.output
    assert table_state(settings.database_url, acme.id) == before

    copy = nexus(
        settings, "tenants", "import", str(archive), "--new-id", "--slug", "acme-copy", "--json"
    )
    assert copy.exit_code == 0, copy.output
    copy_id = json.loads(copy.stdout)["tenant_id"]
    assert table_state(settings.database_url, copy_id) == before
    assert file_state(settings, copy_id) == file_state(settings, acme.id)


def _rewrite(archive: Path, damaged: Path, change) -> None:
    """Copy ``archive`` with ``change(name, data)`` applied to each member's bytes."""
    with (
        tarfile.open(archive) as source,
        tarfile.open(damaged, "w", format=tarfile.PAX_FORMAT) as out,
    ):
        for member in source:
            data = source.extractfile(member).read()
            data = change(member.name, data)
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))


@pytest.mark.parametrize(
    "member",
    ["tables/memos_memo.csv", "files/logo.png", "manifest.json"],
    ids=["table", "file", "manifest"],
)
def test_a_damaged_archive_is_refused_and_leaves_nothing(settings, tmp_path, member):
    acme, _ = populate(settings)
    archive = tmp_path / "acme.tar"
    assert nexus(settings, "tenants", "export", "acme", "--out", str(archive)).exit_code == 0
    drop_tenant(settings, "acme")
    remove_files(settings, acme.id)

    def change(name, data):
        if name != member:
            return data
        if name == "manifest.json":
            return data.replace(b'"rows": 25', b'"rows": 24')
        return data.replace(b"m1", b"M1", 1) if name.endswith(".csv") else data[:-1] + b"\x00"

    damaged = tmp_path / "damaged.tar"
    _rewrite(archive, damaged, change)
    result = nexus(settings, "tenants", "import", str(damaged))
    assert result.exit_code != 0
    assert "checksum" in result.output or "rows" in result.output
    assert table_state(settings.database_url, acme.id) == {}
    assert file_state(settings, acme.id) == {}
    assert sql(settings.database_url, "select 1 from nexus_tenant where id = $1", acme.id) == []


def test_export_of_an_unknown_tenant_is_a_one_line_error(settings, tmp_path):
    populate(settings)
    result = nexus(settings, "tenants", "export", "nobody", "--out", str(tmp_path / "x.tar"))
    assert result.exit_code != 0
    assert result.output.strip() == "error: no tenant 'nobody'"
    assert not (tmp_path / "x.tar").exists()


def test_export_reads_a_consistent_snapshot_through_row_level_security(settings, tmp_path):
    """The export acts as the API role: another tenant's rows cannot leak into it."""
    acme, other = populate(settings)
    archive = tmp_path / "acme.tar"
    assert nexus(settings, "tenants", "export", "acme", "--out", str(archive)).exit_code == 0
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        assert names[0] == "archive.json" and names[-1] == "manifest.json"
        body = b"".join(
            tar.extractfile(m).read() for m in tar.getmembers() if m.name.startswith("tables/")
        )
        header = json.loads(tar.extractfile("archive.json").read())
    assert str(other.id).encode() not in body
    assert header["format"] == "nexus-tenant-archive" and header["version"] == 1
    assert header["tenant"]["slug"] == "acme"


def test_a_truncated_archive_is_refused_and_leaves_nothing(settings, tmp_path):
    acme, _ = populate(settings)
    archive = tmp_path / "acme.tar.gz"
    assert nexus(settings, "tenants", "export", "acme", "--out", str(archive)).exit_code == 0
    drop_tenant(settings, "acme")
    remove_files(settings, acme.id)
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])

    result = nexus(settings, "tenants", "import", str(truncated))

    assert result.exit_code != 0
    assert result.output.startswith("error: the archive is damaged or truncated")
    assert table_state(settings.database_url, acme.id) == {}
    assert file_state(settings, acme.id) == {}
