"""A tenant with data in every installed plugin survives export, deprovision and import.

No plugin is named: the installed plugins (entry points, honouring ``NEXUS_PLUGINS``) each
get their manifest's ``POST`` example payloads written for the tenant, the event worker
handles what that published (inbox, audit log, analytics, plugin consumers), and files go
into its file store. After ``nexus tenants export``:

- ``nexus tenants deprovision`` (and the files removed) then ``nexus tenants import`` in
  the same Nexus must bring every row of every tenant table and every file back exactly;
- ``nexus tenants import`` of the same tenant id into a second Nexus — its own database,
  migrated by ``nexus migrate``, and its own file store — must give the same rows and
  files there, and the counts and checksums of the archive's manifest.

Every test runs twice: files in ``NEXUS_DATA_DIR/blobs`` and files on the moto S3 server
(a fresh bucket per Nexus). A plugin installed tomorrow is covered the day it is installed.
"""

from __future__ import annotations

import hashlib
import json
import tarfile
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import asyncpg
import pytest
from click.testing import CliRunner
from nexus.blobs import BlobRuntime
from nexus.cli import cli
from nexus.plugins import API_PREFIX, load_plugins
from nexus.settings import Settings
from nexus.testing import (
    EventWorkerHarness,
    TestTenant,
    create_test_client,
    make_tenant,
    run_sync,
    temporary_database,
)

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from pathlib import Path
    from uuid import UUID

    from click.testing import Result

_TABLES = """
select c.relname::text as name from pg_class c
  join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
 where c.relkind in ('r', 'p') and c.relnamespace = current_schema()::regnamespace
 order by 1
"""
# A row, without what each database assigns itself (the outbox's identity sequence and the
# event's place in the embedded log).
_ROW = "(to_jsonb(t) - 'seq' - 'position')::text"

FILES = {
    "a/b/report.txt": (b"numbers\n" * 5000, "text/plain"),
    "photo.jpg": (bytes(range(256)) * 100, "image/jpeg"),
    "empty.bin": (b"", "application/octet-stream"),
}

FileStore = dict[str, Any]


def installed() -> list[object]:
    return [record.plugin for record in load_plugins(Settings.from_env()).loaded]


def fetch(url: str, query: str, *args: object) -> list[asyncpg.Record]:
    async def run() -> list[asyncpg.Record]:
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetch(query, *args)
        finally:
            await conn.close()

    return run_sync(run())


def table_state(url: str, tenant_id: UUID | str) -> dict[str, tuple[int, str]]:
    """Row count and a digest of the rows, per tenant table (read as the superuser)."""
    state = {}
    for row in fetch(url, _TABLES):
        name = row["name"]
        ((count, digest),) = fetch(
            url,
            f"select count(*), coalesce(md5(string_agg({_ROW}, '|' order by {_ROW})), '') "
            f'from "{name}" as t where tenant_id = $1',
            tenant_id,
        )
        if count:
            state[name] = (count, digest)
    return state


def with_files(settings: Settings, change: Callable[[BlobRuntime], Awaitable[Any]]) -> Any:
    async def run() -> Any:
        runtime = BlobRuntime(settings)
        await runtime.start()
        try:
            return await change(runtime)
        finally:
            await runtime.stop()

    return run_sync(run())


def file_state(settings: Settings, tenant_id: UUID) -> dict[str, str]:
    """SHA-256 of every file of the tenant's file store, by key."""

    async def read(runtime: BlobRuntime) -> dict[str, str]:
        blobs = runtime.for_tenant(tenant_id)
        return {k: hashlib.sha256(await blobs.get(k)).hexdigest() async for k in blobs.list()}

    return with_files(settings, read)


def nexus(settings: Settings, *args: str) -> Result:
    environment = {
        "NEXUS_DATABASE_URL": settings.database_url or "",
        "NEXUS_DATA_DIR": str(settings.data_dir),
        "NEXUS_S3_ENDPOINT_URL": settings.s3_endpoint_url or "",
        "NEXUS_S3_BUCKET": settings.s3_bucket or "",
        "NEXUS_S3_REGION": settings.s3_region,
        "NEXUS_S3_ACCESS_KEY_ID": settings.s3_access_key_id or "",
        "NEXUS_S3_SECRET_ACCESS_KEY": settings.s3_secret_access_key or "",
    }
    return CliRunner().invoke(cli, list(args), env=environment, catch_exceptions=False)


def manifest(archive: Path) -> dict[str, Any]:
    with tarfile.open(archive) as tar:
        member = tar.extractfile("manifest.json")
        assert member is not None
        return json.loads(member.read())


@pytest.fixture(params=["local", "s3"], ids=["local-files", "s3-files"])
def new_file_store(request: pytest.FixtureRequest) -> Callable[[Path], FileStore]:
    """Settings for an empty file store of one Nexus: a data directory, or an S3 bucket."""
    if request.param == "local":
        return lambda data_dir: {"data_dir": data_dir}
    server = request.getfixturevalue("nexus_s3_server")
    return lambda data_dir: {"data_dir": data_dir, **server.settings(server.create_bucket())}


@pytest.fixture
def settings(nexus_database_url: str, new_file_store, tmp_path: Path) -> Settings:
    return Settings(
        database_url=nexus_database_url, log_level="warning", **new_file_store(tmp_path / "first")
    )


@dataclass
class Written:
    """Two tenants with the same data in every installed plugin; what was written."""

    plugins: list[object]
    tenant: TestTenant
    bystander: TestTenant
    rows: dict[str, tuple[int, str]]
    files: dict[str, str]
    # Each plugin's GET answers at its example POST paths, read as the tenant.
    answers: dict[str, Any]


# Self-service routes that act for the caller's own employee record (an API key has none),
# the kiosk's punch, which needs an employee with a PIN, and VAS's purchases, which need a
# provider account and call the provider (a top-up fills the wallet all the same).
_FOR_THE_CALLER = {
    "vas": {"/airtime", "/data", "/bills"},
    "ai": {"/chat", "/embeddings"},
    "hr": {"/leave/my/requests"},
    # Consent is asked of a contact CRM's events brought in first.
    "marketing": {"/consents"},
    # A workbook or deck is a Drive file in the caller's own drive, made through collab; an
    # import from Drive names a file already there.
    "sheets": {"/workbooks", "/workbooks/import-drive"},
    "slides": {"/decks", "/decks/import-drive"},
    "writer": {"/documents/import-drive"},
    "time": {
        "/clock/in",
        "/clock/out",
        "/clock/breaks/start",
        "/clock/breaks/end",
        "/kiosk/punch",
    },
}


def _post_examples(app: Any, plugins: list[object], settings: Settings, who: list[TestTenant]):
    """POST every installed plugin's example payloads for each tenant; return the paths."""
    paths = []
    for record in load_plugins(settings, plugins=plugins).loaded:
        examples = record.manifest.example_payloads if record.manifest else {}
        declared = set(record.manifest.tenant_tables) if record.manifest else set()
        for key, body in examples.items():
            method, _, path = key.partition(" ")
            if method != "POST" or "{" in path or path in _FOR_THE_CALLER.get(record.name, ()):
                continue
            url = f"{API_PREFIX}/{record.name}{'' if path == '/' else path}"
            for tenant in who:
                answer = app.post(url, json=body, headers=tenant.headers)
                assert answer.status_code in (200, 201), f"POST {url}: {answer.text}"
            paths.append((record.name, declared, url))
    return paths


def _handle_events(app: Any, url: str) -> None:
    """Run the event worker until the audit and analytics consumers have seen every event."""
    with EventWorkerHarness(app) as worker:
        seen = -1
        while True:  # plugin consumers may publish follow-ups: until the outbox stops growing
            ((published,),) = fetch(url, "select count(*) from nexus_event_outbox")
            if published == seen:
                break
            worker.wait_handled("audit", published)
            worker.wait_handled("analytics", published)
            seen = published


@pytest.fixture
def written(settings: Settings) -> Written:
    plugins = installed()
    if not plugins:
        pytest.skip("no plugin is installed")
    url = settings.database_url
    assert url is not None
    with create_test_client(plugins, database_url=url, settings=settings) as app:
        tenant = make_tenant(url, slug="everything")
        bystander = make_tenant(url, slug="bystander")
        posted = _post_examples(app, plugins, settings, [tenant, bystander])
        _handle_events(app, url)
        answers = {}
        for _, _, path in posted:
            read = app.get(path, headers=tenant.headers)
            if read.status_code == 200:
                answers[path] = read.json()
        answers["/api/v1/features"] = app.get("/api/v1/features", headers=tenant.headers).json()

    async def put_files(runtime: BlobRuntime) -> None:
        for who in (tenant, bystander):
            blobs = runtime.for_tenant(who.id)
            for key, (data, content_type) in FILES.items():
                await blobs.put(key, data, content_type=content_type)

    with_files(settings, put_files)
    rows = table_state(url, tenant.id)
    for plugin, declared, path in posted:
        if declared:
            assert declared & set(rows), f"{plugin}: {path} wrote no row of {sorted(declared)}"
    assert {"nexus_event_outbox", "nexus_event_inbox", "nexus_audit_log"} <= set(rows)
    files = file_state(settings, tenant.id)
    assert set(files) == set(FILES)
    if settings.s3_bucket:  # the S3 run really keeps its files in the bucket
        assert not (settings.data_dir / "blobs").exists()
    return Written(plugins, tenant, bystander, rows, files, answers)


def export(settings: Settings, written: Written, archive: Path) -> dict[str, Any]:
    exported = nexus(settings, "tenants", "export", "everything", "--out", str(archive), "--json")
    assert exported.exit_code == 0, exported.output
    summary = json.loads(exported.stdout)
    assert summary["rows"] == sum(count for count, _ in written.rows.values())
    assert summary["files"] == len(FILES)
    return summary


def assert_matches_manifest(
    archive: Path, rows: dict[str, tuple[int, str]], files: dict[str, str]
) -> None:
    """The archive's own counts and checksums describe exactly ``rows`` and ``files``."""
    listed = manifest(archive)
    counts = {entry["table"]: entry["rows"] for entry in listed["tables"] if entry["rows"]}
    assert counts == {table: count for table, (count, _) in rows.items()}
    assert {entry["key"]: entry["sha256"] for entry in listed["files"]} == files


def test_a_tenant_of_every_installed_plugin_comes_back_whole(settings, written, tmp_path):
    tenant, bystander = written.tenant, written.bystander
    bystander_before = (
        table_state(settings.database_url, bystander.id),
        file_state(settings, bystander.id),
    )
    archive = tmp_path / "everything.tar.gz"
    summary = export(settings, written, archive)
    assert_matches_manifest(archive, written.rows, written.files)

    dropped = nexus(settings, "tenants", "deprovision", "everything", "--yes")
    assert dropped.exit_code == 0, dropped.output
    with_files(settings, lambda runtime: runtime.purge(tenant.id, dry_run=False))
    assert table_state(settings.database_url, tenant.id) == {}
    assert file_state(settings, tenant.id) == {}

    imported = nexus(settings, "tenants", "import", str(archive), "--json")
    assert imported.exit_code == 0, imported.output
    result = json.loads(imported.stdout)
    assert (result["tenant_id"], result["rows"]) == (str(tenant.id), summary["rows"])
    assert table_state(settings.database_url, tenant.id) == written.rows
    assert file_state(settings, tenant.id) == written.files
    assert (
        table_state(settings.database_url, bystander.id),
        file_state(settings, bystander.id),
    ) == bystander_before


def test_the_same_tenant_imports_whole_into_a_second_nexus(
    settings, written, new_file_store, nexus_postgres_server, tmp_path
):
    tenant = written.tenant
    archive = tmp_path / "everything.tar"
    summary = export(settings, written, archive)

    with temporary_database(nexus_postgres_server, prefix="nexus_second") as second_url:
        second = settings.replace(database_url=second_url, **new_file_store(tmp_path / "second"))
        assert (second.s3_bucket, second.data_dir) != (settings.s3_bucket, settings.data_dir)
        migrated = nexus(second, "migrate", "--json")
        assert migrated.exit_code == 0, migrated.output

        imported = nexus(second, "tenants", "import", str(archive), "--json")
        assert imported.exit_code == 0, imported.output
        result = json.loads(imported.stdout)
        assert result["tenant_id"] == str(tenant.id)  # the same id: no --new-id
        assert (result["rows"], result["files"]) == (summary["rows"], summary["files"])

        rows, files = table_state(second_url, tenant.id), file_state(second, tenant.id)
        assert rows == written.rows
        assert files == written.files
        assert_matches_manifest(archive, rows, files)
        assert [r["id"] for r in fetch(second_url, "select id from nexus_tenant")] == [tenant.id]
        assert table_state(second_url, written.bystander.id) == {}

        # The tenant works there: its own API key, and every plugin answers as before.
        with create_test_client(
            written.plugins, database_url=second_url, settings=second, run_migrations=False
        ) as app:
            for path, answer in written.answers.items():
                read = app.get(path, headers=tenant.headers)
                assert (read.status_code, read.json()) == (200, answer), path

    # The first Nexus is as it was: the tenant and its files are still there.
    assert table_state(settings.database_url, tenant.id) == written.rows
    assert file_state(settings, tenant.id) == written.files
