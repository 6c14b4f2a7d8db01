"""Provisioning from business profiles: validation, plan, steps, resume and deprovision."""

from __future__ import annotations

import json
from pathlib import Path

import asyncpg
import pytest
import redis
from kernel_samples import hello, reports, tasks, vault
from nexus.blobs import BlobRuntime, LocalBlobBackend
from nexus.cache import CacheService, MemoryBackend, RedisBackend
from nexus.db import PostgresDatabase
from nexus.events import Delivery, analytics_consumer, audit_consumer, decode_event
from nexus.plugins import load_plugins
from nexus.presets import load_presets, load_presets_from
from nexus.provisioning import (
    FAULT_VARIABLE,
    STEPS,
    TENANT_PROVISIONED,
    ProfileError,
    Provisioner,
    ProvisioningFailed,
    RunStatus,
    SlugTaken,
    decode_profile,
    deprovision,
    example_profiles,
    get_run,
    pick_preset,
    profile_json_schema,
)
from nexus.schema import migrate
from nexus.settings import Settings
from nexus.testing import run_sync

PRESETS = Path(__file__).parents[2] / "presets"
PLUGINS = [hello, tasks, reports, vault]
REDIS_URL = "redis://127.0.0.1:6379/0"


def profile(**changes):
    base = {
        "name": "Acme Shop",
        "slug": "acme",
        "country": "FR",
        "currency": "EUR",
        "timezone": "Europe/Paris",
        "locale": "fr-FR",
        "admin": {"email": "ada@acme.example", "name": "Ada"},
    }
    return base | changes


@pytest.fixture
def preset_dir(tmp_path):
    (tmp_path / "base.toml").write_text('name = "base"\ntitle = "Base"\n')
    (tmp_path / "shop.toml").write_text(
        'name = "shop"\ntitle = "Shop"\nindustry = "retail"\nextends = "base"\n'
        'plugins = ["vault", "hello"]\n[settings.tasks]\nwelcome = "Bienvenue"\n'
    )
    return tmp_path


@pytest.fixture
def setup(nexus_database_url, preset_dir):
    """A migrated database and a provisioner with the sample plugins and presets."""
    settings = Settings(database_url=nexus_database_url, log_level="warning")
    registry = load_plugins(settings, plugins=PLUGINS)
    run_sync(migrate(settings, registry, database_url=nexus_database_url))
    tasks.ENABLED.clear()
    vault.RESOURCES.clear()

    def provisioner(database):
        return Provisioner(
            database=database, registry=registry, presets=load_presets_from([preset_dir])
        )

    return nexus_database_url, registry, provisioner


def within(url, body):
    """Run ``body(provisioner)`` with a started database; return its result."""

    async def go(setup):
        database_url, registry, make = setup
        database = PostgresDatabase(database_url, role="nexus_api", pool_max=4)
        await database.start()
        try:
            return await body(make(database))
        finally:
            await database.stop()

    return run_sync(go(url))


@pytest.fixture(params=["embedded", "production"])
def stores(request, tmp_path):
    """The file store (not started) and cache: a directory and in-process, or S3 and Redis."""
    settings = Settings(data_dir=tmp_path)
    if request.param == "embedded":
        return BlobRuntime(settings), CacheService(MemoryBackend(live=True), default_ttl=60)
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")
    server = request.getfixturevalue("nexus_s3_server")
    settings = settings.replace(**server.settings(server.create_bucket()))
    return BlobRuntime(settings), CacheService(RedisBackend(REDIS_URL), default_ttl=60)


async def outbox(database_url, tenant_id):
    """The tenant's events in the outbox (the embedded event log), oldest first."""
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            "select envelope from nexus_event_outbox where tenant_id = $1 order by seq", tenant_id
        )
        return [decode_event(bytes(row["envelope"])) for row in rows]
    finally:
        await conn.close()


async def tenant_rows(database_url, tenant_id):
    """Rows of the tenant in every table with a tenant_id column, and in nexus_tenant."""
    conn = await asyncpg.connect(database_url)  # superuser: row-level security bypassed
    try:
        tables = await conn.fetch(
            "select c.relname from pg_class c join pg_attribute a on a.attrelid = c.oid "
            "where a.attname = 'tenant_id' and c.relkind = 'r' "
            "and c.relnamespace = 'public'::regnamespace"
        )
        counts = {
            t["relname"]: await conn.fetchval(
                f'select count(*) from "{t["relname"]}" where tenant_id = $1', tenant_id
            )
            for t in tables
        }
        counts["nexus_tenant"] = await conn.fetchval(
            "select count(*) from nexus_tenant where id = $1", tenant_id
        )
        counts["nexus_provisioning_run"] = await conn.fetchval(
            "select count(*) from nexus_provisioning_run where tenant = $1", tenant_id
        )
        return {table: n for table, n in counts.items() if n}
    finally:
        await conn.close()


# --- the profile -----------------------------------------------------------------------


def test_every_example_profile_decodes():
    examples = example_profiles()
    assert "demo" in examples
    for path in examples.values():
        decode_profile(path.read_bytes())


def test_every_installed_preset_has_an_example_profile():
    presets = load_presets()
    covered = {
        pick_preset(decode_profile(path.read_bytes()), presets)
        for path in example_profiles().values()
    }
    assert set(presets.names()) <= covered


def test_published_schema_file_matches_the_profile():
    published = json.loads((PRESETS / "business-profile.schema.json").read_text())
    assert published == profile_json_schema()


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        pytest.param({"country": "XX"}, ["country"], id="unknown-country"),
        pytest.param({"currency": "EUX"}, ["currency"], id="unknown-currency"),
        pytest.param({"timezone": "Mars/Olympus"}, ["timezone"], id="unknown-timezone"),
        pytest.param({"locale": "xx-FR"}, ["locale"], id="unknown-locale"),
        pytest.param({"slug": "Not A Slug"}, ["slug"], id="bad-slug"),
        pytest.param({"fiscal_year_start": 13}, ["fiscal_year_start"], id="bad-month"),
        pytest.param({"employees": 0}, ["employees"], id="no-head-count"),
        pytest.param({"admin": {"email": "nope", "name": "A"}}, ["admin.email"], id="bad-email"),
        pytest.param({"colour": "red"}, ["colour"], id="unknown-field"),
        pytest.param(
            {"country": "XX", "currency": 3, "timezone": "Nowhere"},
            ["country", "currency", "timezone"],
            id="several-at-once",
        ),
    ],
)
def test_invalid_profiles_name_each_failing_field(changes, fields):
    with pytest.raises(ProfileError) as caught:
        decode_profile(profile(**changes))
    assert sorted(error.field for error in caught.value.errors) == sorted(fields)


def test_the_head_count_is_optional():
    assert decode_profile(profile()).employees is None
    assert decode_profile(profile(employees=12)).employees == 12


def test_missing_fields_are_named():
    with pytest.raises(ProfileError) as caught:
        decode_profile({"name": "Acme"})
    missing = {e.field for e in caught.value.errors}
    assert missing == {"slug", "country", "currency", "timezone", "locale", "admin"}


# --- the plan --------------------------------------------------------------------------


def test_plan_closes_requires_and_overlays_profile_switches_and_settings(setup):
    _, _, make = setup
    provisioner = make(None)
    plan, preset = provisioner.check(
        decode_profile(
            profile(
                industry="retail",
                features={"tasks.board": True},
                settings={"tasks": {"welcome": "Hello"}},
            )
        )
    )
    assert plan.preset == "shop"
    assert plan.plugins == ["hello", "tasks", "vault"]
    assert "tasks.board" in plan.features
    assert plan.settings == {"tasks": {"welcome": "Hello"}}
    assert preset.settings["tasks"] == {"welcome": "Hello"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"preset": "nope"}, "preset", id="unknown-preset"),
        pytest.param({"industry": "mining"}, "industry", id="unknown-industry"),
        pytest.param({"features": {"crm": True}}, "features.crm", id="unknown-feature"),
        pytest.param(
            {"preset": "shop", "features": {"tasks": False}}, "features.tasks", id="required-off"
        ),
        pytest.param({"settings": {"tasks": {"welcome": 3}}}, "settings.tasks", id="bad-setting"),
        pytest.param({"settings": {"crm": {}}}, "settings.crm", id="settings-unknown-plugin"),
    ],
)
def test_profiles_that_do_not_fit_the_installed_plugins_name_the_field(setup, changes, field):
    _, _, make = setup
    with pytest.raises(ProfileError) as caught:
        make(None).check(decode_profile(profile(**changes)))
    assert [error.field for error in caught.value.errors] == [field]


# --- the pipeline ----------------------------------------------------------------------


def test_provisioning_records_seven_steps_seeds_once_and_activates(setup):
    database_url = setup[0]

    async def body(provisioner):
        outcome = await provisioner.provision(decode_profile(profile(preset="shop")))
        async with provisioner.database.transaction() as conn:
            run = await get_run(conn, outcome.run_id)
            status = await conn.fetchval(
                "select status from nexus_tenant where id = $1", outcome.tenant_id
            )
        return outcome, run, status

    outcome, run, status = within(setup, body)
    assert status == "active"
    assert run.status is RunStatus.SUCCEEDED
    assert [(s.name, s.status.value) for s in run.steps] == [
        (step.name, "succeeded") for step in STEPS
    ]
    assert all(s.started_at and s.finished_at for s in run.steps)
    assert tasks.ENABLED == [("acme", "Bienvenue")]
    assert {"acme"} == vault.RESOURCES
    assert outcome.admin.api_key.startswith("nxk_")
    assert outcome.plan.plugins == ["hello", "tasks", "vault"]
    rows = run_sync(tenant_rows(database_url, outcome.tenant_id))
    assert rows["nexus_user"] == 1
    assert rows["nexus_api_key"] == 1
    assert rows["nexus_plugin_enablement"] == 3
    # Committed with step 7: the first admin's creation, then the activation.
    admin, event = run_sync(outbox(database_url, outcome.tenant_id))
    assert (admin.type, admin.data["via"]) == ("nexus.user.created.v1", "provisioning")
    assert (event.type, event.source, event.subject) == (TENANT_PROVISIONED, "/nexus/nexus", "acme")
    assert event.tenantid == str(outcome.tenant_id)
    assert event.data == {
        "slug": "acme",
        "run": str(outcome.run_id),
        "preset": "shop",
        "plugins": ["hello", "tasks", "vault"],
    }


def test_a_taken_slug_is_refused(setup):
    async def body(provisioner):
        await provisioner.provision(decode_profile(profile()))
        with pytest.raises(SlugTaken):
            await provisioner.provision(decode_profile(profile(name="Other")))

    within(setup, body)


@pytest.mark.parametrize("step", [step.name for step in STEPS])
def test_a_failed_step_is_recorded_and_the_same_call_resumes_from_it(setup, monkeypatch, step):
    async def body(provisioner):
        monkeypatch.setenv(FAULT_VARIABLE, f"{step}:raise")
        with pytest.raises(ProvisioningFailed) as caught:
            await provisioner.provision(decode_profile(profile(preset="shop")))
        assert caught.value.step == step
        async with provisioner.database.transaction() as conn:
            failed = await get_run(conn, caught.value.run_id)
        monkeypatch.delenv(FAULT_VARIABLE)
        outcome = await provisioner.provision(decode_profile(profile(preset="shop")))
        return failed, outcome

    failed, outcome = within(setup, body)
    assert failed.status is RunStatus.FAILED
    states = {s.name: s.status.value for s in failed.steps}
    position = [s.name for s in STEPS].index(step)
    assert [states[s.name] for s in STEPS[:position]] == ["succeeded"] * position
    assert states[step] == "failed"
    assert "fault injected" in failed.error
    assert outcome.resumed
    assert outcome.run_id == failed.id
    # Seeded exactly once: a hook call rolled back with its step leaves nothing behind.
    assert run_sync(tenant_rows(setup[0], outcome.tenant_id))["tasks_task"] == 1
    events = run_sync(outbox(setup[0], outcome.tenant_id))
    assert [event.type for event in events] == ["nexus.user.created.v1", TENANT_PROVISIONED]


def test_deprovision_leaves_nothing_of_the_tenant(setup, stores):
    """No row (events included), run, plugin resource, file or cache entry; others' kept."""
    database_url, registry, _ = setup
    blobs, cache = stores

    async def body(provisioner):
        await blobs.start()
        try:
            kept = await provisioner.provision(decode_profile(profile(slug="kept", preset="shop")))
            gone = await provisioner.provision(decode_profile(profile(preset="shop")))
            for outcome in (kept, gone):
                files = blobs.for_tenant(outcome.tenant_id)
                await files.put("invoices/2026/1.pdf", b"%PDF", content_type="application/pdf")
                await cache.for_tenant(outcome.tenant_id).set("profile", b"cached")
            before = await tenant_rows(database_url, gone.tenant_id)
            _admin, event = await outbox(database_url, gone.tenant_id)
            result = await deprovision(
                provisioner.database, registry, "acme", blobs=blobs, cache=cache
            )
            # The tenant's event may still be on a Kafka topic: delivered now, it is skipped.
            delivery = Delivery(provisioner.database, toggles=None)  # kernel consumers only
            handled = [
                await delivery.handle(consumer, event)
                for consumer in (audit_consumer(), analytics_consumer())
            ]
            after = await tenant_rows(database_url, gone.tenant_id)
            left = {
                outcome.slug: (
                    [key async for key in blobs.for_tenant(outcome.tenant_id).list()],
                    await cache.for_tenant(outcome.tenant_id).get("profile"),
                )
                for outcome in (kept, gone)
            }
            again = await provisioner.provision(decode_profile(profile(preset="shop")))
            return kept, before, result, handled, after, left, again
        finally:
            await blobs.stop()
            await cache.backend.close()

    kept, before, result, handled, after, left, again = within(setup, body)
    assert {"nexus_user", "nexus_api_key", "tasks_task", "nexus_audit_log"} <= set(before)
    assert "nexus_event_outbox" in before
    assert after == {}
    assert handled == [False, False]
    assert result.rows["tasks_task"] == 1
    assert result.rows["nexus_event_outbox"] == 2  # the admin's creation, the activation
    assert (result.runs, result.files) == (1, 1)
    assert {"kept", "acme"} == vault.RESOURCES  # removed, then provisioned again
    assert left == {"kept": (["invoices/2026/1.pdf"], b"cached"), "acme": ([], None)}
    if isinstance(blobs.backend, LocalBlobBackend):
        objects = blobs.backend.root / "objects"
        assert sorted(path.name for path in objects.iterdir()) == [str(kept.tenant_id)]
    assert run_sync(tenant_rows(database_url, kept.tenant_id))["nexus_user"] == 1
    assert again.tenant_id != kept.tenant_id


def test_deprovision_of_an_unknown_tenant_raises(setup, tmp_path):
    blobs = BlobRuntime(Settings(data_dir=tmp_path))
    cache = CacheService(MemoryBackend(live=True), default_ttl=60)

    async def body(provisioner):
        with pytest.raises(LookupError):
            await deprovision(
                provisioner.database, provisioner.registry, "nobody", blobs=blobs, cache=cache
            )

    within(setup, body)


def test_shared_placement_provisioning_runs_no_ddl(setup):
    database_url = setup[0]

    async def ddl_count():
        conn = await asyncpg.connect(database_url)
        try:
            return await conn.fetchval(
                "select count(*) from pg_class where relnamespace = 'public'::regnamespace"
            )
        finally:
            await conn.close()

    before = run_sync(ddl_count())

    async def body(provisioner):
        for n in range(3):
            await provisioner.provision(decode_profile(profile(slug=f"t{n}x", preset="shop")))

    within(setup, body)
    assert run_sync(ddl_count()) == before


def test_switching_off_a_plugin_and_its_dependents_together_is_allowed(setup):
    _, _, make = setup
    plan, _ = make(None).check(
        decode_profile(profile(preset="shop", features={"vault": False, "tasks": False}))
    )
    assert plan.plugins == ["hello"]
    assert plan.overrides == {"tasks": False, "vault": False}
