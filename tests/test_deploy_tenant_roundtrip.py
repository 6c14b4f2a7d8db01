"""A tenant with data in every installed plugin survives export, deprovision and import.

No plugin is named: the installed plugins (entry points, honouring ``NEXUS_PLUGINS``) each
get their manifest's ``POST`` example payloads written for the tenant, files go into its
file store, and after ``nexus tenants export``, ``nexus tenants deprovision`` (and the
files removed) and ``nexus tenants import`` every row of every tenant table and every file
must be back exactly. A plugin installed tomorrow is covered the day it is installed.
"""

from __future__ import annotations

import hashlib
import json

import asyncpg
import pytest
from click.testing import CliRunner
from nexus.blobs import BlobRuntime
from nexus.cli import cli
from nexus.plugins import API_PREFIX, load_plugins
from nexus.settings import Settings
from nexus.testing import create_test_client, make_tenant, run_sync

_TABLES = """
select c.relname::text as name from pg_class c
  join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
 where c.relkind in ('r', 'p') and c.relnamespace = current_schema()::regnamespace
 order by 1
"""
_ROW = "(to_jsonb(t) - 'seq' - 'position')::text"


def installed():
    return [record.plugin for record in load_plugins(Settings.from_env()).loaded]


def fetch(url, query, *args):
    async def run():
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetch(query, *args)
        finally:
            await conn.close()

    return run_sync(run())


def table_state(url, tenant_id):
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


def file_state(settings, tenant_id):
    async def read():
        runtime = BlobRuntime(settings)
        await runtime.start()
        try:
            blobs = runtime.for_tenant(tenant_id)
            return {k: hashlib.sha256(await blobs.get(k)).hexdigest() async for k in blobs.list()}
        finally:
            await runtime.stop()

    return run_sync(read())


def with_files(settings, tenant_id, change):
    async def run():
        runtime = BlobRuntime(settings)
        await runtime.start()
        try:
            await change(runtime)
        finally:
            await runtime.stop()

    run_sync(run())


def nexus(settings, *args):
    environment = {
        "NEXUS_DATABASE_URL": settings.database_url,
        "NEXUS_DATA_DIR": str(settings.data_dir),
    }
    return CliRunner().invoke(cli, list(args), env=environment, catch_exceptions=False)


def test_a_tenant_of_every_installed_plugin_comes_back_whole(nexus_database_url, tmp_path):
    plugins = installed()
    if not plugins:
        pytest.skip("no plugin is installed")
    settings = Settings(database_url=nexus_database_url, log_level="warning", data_dir=tmp_path)
    with create_test_client(plugins, database_url=nexus_database_url, settings=settings) as app:
        tenant = make_tenant(nexus_database_url, slug="everything")
        bystander = make_tenant(nexus_database_url, slug="bystander")
        written: dict[str, int] = {}
        registry = load_plugins(settings, plugins=plugins)
        for record in registry.loaded:
            examples = record.manifest.example_payloads if record.manifest else {}
            for key, body in examples.items():
                method, _, path = key.partition(" ")
                if method != "POST" or "{" in path:
                    continue
                url = f"{API_PREFIX}/{record.name}{'' if path == '/' else path}"
                for who in (tenant, bystander):
                    answer = app.post(url, json=body, headers=who.headers)
                    assert answer.status_code in (200, 201), f"POST {url}: {answer.text}"
                written[record.name] = written.get(record.name, 0) + 1

    async def put_files(runtime):
        for who in (tenant, bystander):
            blobs = runtime.for_tenant(who.id)
            await blobs.put("a/b/report.txt", b"numbers\n" * 5000, content_type="text/plain")
            await blobs.put("photo.jpg", bytes(range(256)) * 100, content_type="image/jpeg")

    with_files(settings, tenant.id, put_files)
    before = table_state(nexus_database_url, tenant.id)
    files_before = file_state(settings, tenant.id)
    bystander_before = table_state(nexus_database_url, bystander.id)
    for record in registry.loaded:
        declared = set(record.manifest.tenant_tables) if record.manifest else set()
        if written.get(record.name) and declared:
            assert declared & set(before), f"{record.name} wrote no row of {sorted(declared)}"

    archive = tmp_path / "everything.tar.gz"
    exported = nexus(settings, "tenants", "export", "everything", "--out", str(archive), "--json")
    assert exported.exit_code == 0, exported.output
    assert json.loads(exported.stdout)["rows"] == sum(n for n, _ in before.values())
    dropped = nexus(settings, "tenants", "deprovision", "everything", "--yes")
    assert dropped.exit_code == 0, dropped.output

    async def remove(runtime):
        await runtime.purge(tenant.id, dry_run=False)

    with_files(settings, tenant.id, remove)
    assert table_state(nexus_database_url, tenant.id) == {}

    imported = nexus(settings, "tenants", "import", str(archive), "--json")
    assert imported.exit_code == 0, imported.output
    assert table_state(nexus_database_url, tenant.id) == before
    assert file_state(settings, tenant.id) == files_before
    assert table_state(nexus_database_url, bystander.id) == bystander_before
