"""`nexus provision`, `nexus tenants` and `nexus up`, run as a user runs them."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from uuid import UUID

import asyncpg
import httpx
import pytest
import redis
from nexus.blobs import BlobRuntime
from nexus.provisioning import STEPS, example_profiles
from nexus.settings import Settings

from .conftest import nexus, serving

DEMO = example_profiles()["demo"]


@pytest.fixture
def db(nexus_database_url, tmp_path):
    """A migrated database and a file store directory, and the environment naming them."""
    env = {"NEXUS_DATABASE_URL": nexus_database_url, "NEXUS_DATA_DIR": str(tmp_path / "data")}
    nexus("migrate", path=[], env=env, check=True)
    return env


def run(*args, env):
    return nexus(*args, path=[], env=env)


def write_profile(tmp_path: Path, **changes) -> Path:
    profile = json.loads(DEMO.read_text()) | changes
    path = tmp_path / f"{profile['slug']}.json"
    path.write_text(json.dumps(profile))
    return path


async def _tenant_rows(url: str, slug: str, tenant_id: str | None) -> dict[str, int]:
    conn = await asyncpg.connect(url)
    try:
        found = await conn.fetchval("select id from nexus_tenant where slug = $1", slug)
        tenant_id = tenant_id or found
        tables = await conn.fetch(
            "select c.relname from pg_class c join pg_attribute a on a.attrelid = c.oid "
            "where a.attname = 'tenant_id' and c.relkind = 'r' "
            "and c.relnamespace = 'public'::regnamespace"
        )
        counts = {"nexus_tenant": int(found is not None)}
        counts["nexus_provisioning_run"] = await conn.fetchval(
            "select count(*) from nexus_provisioning_run where slug = $1", slug
        )
        for table in tables:
            name = table["relname"]
            counts[name] = await conn.fetchval(
                f'select count(*) from "{name}" where tenant_id = $1', tenant_id
            )
        return {name: n for name, n in counts.items() if n}
    finally:
        await conn.close()


def tenant_rows(env, slug, tenant_id=None):
    """The tenant's rows per table (by slug, or by ``tenant_id`` once the tenant is gone)."""
    return asyncio.run(_tenant_rows(env["NEXUS_DATABASE_URL"], slug, tenant_id))


async def _tenant_files(env: dict[str, str], tenant_id: str, add: str | None) -> list[str]:
    blobs = BlobRuntime(Settings.from_env(env))
    await blobs.start()
    try:
        files = blobs.for_tenant(UUID(tenant_id))
        if add is not None:
            await files.put(add, b"%PDF-1.7", content_type="application/pdf")
        return [key async for key in files.list()]
    finally:
        await blobs.stop()


def tenant_files(env, tenant_id, *, add=None):
    """The tenant's objects in the file store the CLI uses (after adding ``add``, if given)."""
    return asyncio.run(_tenant_files(env, tenant_id, add))


@pytest.mark.parametrize("name", sorted(example_profiles()))
def test_every_example_profile_provisions(db, name):
    result = run("provision", str(example_profiles()[name]), "--json", env=db)
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["admin"]["api_key"].startswith("nxk_")
    assert outcome["resumed"] is False
    for step in STEPS:
        assert step.name in result.stderr  # the progress display names each step


def test_provision_prints_tenant_login_and_key_once_then_refuses_the_taken_slug(db):
    first = run("provision", str(DEMO), env=db)
    assert first.returncode == 0, first.stderr
    assert re.search(r"tenant demo \([0-9a-f-]{36}\) is active", first.stdout)
    assert "admin API key: nxk_" in first.stdout
    assert "password: " in first.stdout
    again = run("provision", str(DEMO), env=db)
    assert again.returncode == 1
    assert "slug 'demo' exists" in again.stderr


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"country": "XX"}, "country", id="country"),
        pytest.param({"currency": "ABC"}, "currency", id="currency"),
        pytest.param({"timezone": "Europe/Atlantis"}, "timezone", id="timezone"),
        pytest.param({"preset": "nope"}, "preset", id="preset"),
        pytest.param({"features": {"nope": True}}, "features.nope", id="feature"),
        pytest.param(
            {"seed": {"finance": {"tax_rates": [{"name": "VAT", "rate": "7,5"}]}}},
            "seed.finance",
            id="seed-malformed-rate",
        ),
        pytest.param({"seed": {"finance": {"accounts": []}}}, "seed.finance", id="seed-unknown"),
        pytest.param({"seed": {"crm": {"stages": []}}}, "seed.crm", id="seed-not-taken"),
    ],
)
def test_invalid_profile_exits_non_zero_naming_the_field(db, tmp_path, changes, field):
    path = write_profile(tmp_path, slug="broken", **changes)
    result = run("provision", str(path), env=db)
    assert result.returncode == 2
    assert f": {field}: " in result.stderr
    assert tenant_rows(db, "broken") == {}


def test_a_malformed_seed_names_the_field_inside_it(db, tmp_path):
    path = write_profile(
        tmp_path, slug="bad-seed", seed={"finance": {"tax_rates": [{"name": "VAT", "rate": "x"}]}}
    )
    result = run("provision", str(path), env=db)
    assert result.returncode == 2
    assert "seed.finance.tax_rates[0].rate" in result.stderr


def test_the_profiles_seed_tax_rates_are_created_with_the_books(db, tmp_path):
    seed = {
        "tax_rates": [
            {"name": "VAT 0% (exports)", "rate": "0", "tags": ["zero_rated"]},
            {"name": "VAT 7.5% (standard)", "rate": "7.5", "default": True},
        ]
    }
    path = write_profile(
        tmp_path, slug="lagos-shop", country="NG", currency="NGN", seed={"finance": seed}
    )
    result = run("provision", str(path), env=db)
    assert result.returncode == 0, result.stderr

    async def taxes() -> dict[str, tuple[str, bool, list[str]]]:
        conn = await asyncpg.connect(db["NEXUS_DATABASE_URL"])
        try:
            rows = await conn.fetch(
                "select x.name, x.rate, x.is_default, x.tags from finance_tax x "
                "join nexus_tenant t on t.id = x.tenant_id where t.slug = 'lagos-shop'"
            )
        finally:
            await conn.close()
        return {
            r["name"]: (f"{r['rate'].normalize():f}", r["is_default"], list(r["tags"]))
            for r in rows
        }

    made = asyncio.run(taxes())
    assert made["VAT 0% (exports)"] == ("0", False, ["zero_rated"])
    assert made["VAT 7.5% (standard)"] == ("7.5", True, [])
    # The country's taxes are seeded too; the seed's default replaces the sales one.
    assert made["VAT 7.5% (sales)"][1] is False
    assert made["VAT 7.5% (purchases)"][1] is True


def test_dry_run_prints_the_plan_and_changes_nothing(db):
    result = run("provision", str(DEMO), "--dry-run", "--json", env=db)
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["dry_run"] is True
    assert plan["plan"]["preset"] == "retail"
    assert {"crm", "finance", "inventory"} <= set(plan["plan"]["plugins"])
    assert set(plan["plan"]) >= {"plugins", "features", "settings"}
    assert tenant_rows(db, "demo") == {}


@pytest.mark.parametrize("step", [step.name for step in STEPS])
def test_a_run_killed_in_a_step_completes_when_run_again_and_deprovisions_to_nothing(db, step):
    killed = run("provision", str(DEMO), env=db | {"NEXUS_PROVISION_FAULT": f"{step}:exit"})
    assert killed.returncode == 97  # os._exit in the middle of the step
    shown = json.loads(run("tenants", "show", "demo", "--json", env=db).stdout)
    states = {s["name"]: s["status"] for s in shown["provisioning"]["steps"]}
    assert states[step] == "running"  # started, never finished
    resumed = run("provision", str(DEMO), "--json", env=db)
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads(resumed.stdout)["resumed"] is True
    shown = json.loads(run("tenants", "show", "demo", "--json", env=db).stdout)
    assert shown["tenant"]["status"] == "active"
    assert {s["status"] for s in shown["provisioning"]["steps"]} == {"succeeded"}
    tenant_id = shown["tenant"]["id"]
    rows = tenant_rows(db, "demo")
    assert (rows["nexus_user"], rows["nexus_api_key"]) == (1, 1)
    # The first admin's nexus.user.created.v1 and nexus.tenant.provisioned.v1, each once.
    assert rows["nexus_event_outbox"] == 2
    assert tenant_files(db, tenant_id, add="invoices/2026/1.pdf") == ["invoices/2026/1.pdf"]

    gone = run("tenants", "deprovision", "demo", "--yes", env=db)
    assert gone.returncode == 0, gone.stderr
    assert "1 file(s)" in gone.stdout
    # No row in any table (the embedded event log, the outbox, included), no run, no file.
    assert tenant_rows(db, "demo", tenant_id) == {}
    assert tenant_files(db, tenant_id) == []
    blobs = Path(db["NEXUS_DATA_DIR"]) / "blobs"
    assert [path for path in blobs.rglob("*") if tenant_id in path.name] == []
    assert run("tenants", "show", "demo", env=db).returncode == 1


def test_deprovision_on_s3_and_redis_leaves_no_file_or_cache_key(
    db, nexus_s3_server, nexus_s3_bucket
):
    redis_url = "redis://127.0.0.1:6379/0"
    client = redis.Redis.from_url(redis_url, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {redis_url}: {exc}")
    s3 = nexus_s3_server.settings(nexus_s3_bucket)
    env = db | {f"NEXUS_{name.upper()}": str(value) for name, value in s3.items()}
    env["NEXUS_REDIS_URL"] = redis_url
    killed = run("provision", str(DEMO), env=env | {"NEXUS_PROVISION_FAULT": "seed:exit"})
    assert killed.returncode == 97
    assert run("provision", str(DEMO), env=env).returncode == 0
    tenant_id = json.loads(run("tenants", "show", "demo", "--json", env=env).stdout)["tenant"]["id"]
    tenant_files(env, tenant_id, add="a.pdf")
    client.set(f"nexus:cache:{{{tenant_id}}}:v:profile", b"cached")
    assert run("tenants", "deprovision", "demo", "--yes", env=env).returncode == 0
    assert tenant_rows(env, "demo", tenant_id) == {}
    assert tenant_files(env, tenant_id) == []
    assert list(client.scan_iter(f"*{tenant_id}*")) == []
    client.close()


def test_deprovision_removes_a_run_that_crashed_before_creating_the_tenant(db):
    assert run("provision", str(DEMO), env=db | {"NEXUS_PROVISION_FAULT": "plan:exit"}).returncode
    assert tenant_rows(db, "demo")["nexus_provisioning_run"] == 1
    assert run("tenants", "deprovision", "demo", "--yes", env=db).returncode == 0
    assert tenant_rows(db, "demo") == {}


def test_many_provisions_a_directory_with_a_summary(db, tmp_path):
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    for n in range(5):
        write_profile(profiles, slug=f"bulk-{n}", name=f"Bulk {n}")
    write_profile(profiles, slug="bulk-bad", country="XX")
    result = run("provision", "--many", str(profiles), "--concurrency", "3", "--json", env=db)
    assert result.returncode == 1  # one profile failed
    report = json.loads(result.stdout)
    assert report["failed"] == 1
    active = sorted(r["slug"] for r in report["results"] if r["status"] == "active")
    assert active == [f"bulk-{n}" for n in range(5)]
    listed = json.loads(run("tenants", "list", "--json", env=db).stdout)
    assert sorted(t["slug"] for t in listed) == active


def test_many_reads_ndjson(db, tmp_path):
    lines = [json.dumps(json.loads(DEMO.read_text()) | {"slug": f"nd-{n}"}) for n in range(3)]
    source = tmp_path / "profiles.ndjson"
    source.write_text("\n".join(lines) + "\n")
    result = run("provision", "--many", str(source), env=db)
    assert result.returncode == 0, result.stderr
    assert "3 provisioned, 0 failed" in result.stderr


def test_create_key_makes_a_working_key_for_an_existing_tenant(db):
    assert run("provision", str(DEMO), env=db).returncode == 0
    created = run("tenants", "create-key", "demo", "--json", env=db)
    assert created.returncode == 0, created.stderr
    assert json.loads(created.stdout)["key"].startswith("nxk_")
    assert run("tenants", "create-key", "nobody", env=db).returncode == 1


def test_up_with_nothing_configured_serves_the_demo_tenant_and_reuses_it(tmp_path):
    with serving(path=[], env={}, cwd=tmp_path, command=("up",), timeout=120) as base:
        output = next(tmp_path.glob("serve-*.log")).read_text()
        key = re.search(r"admin API key: (nxk_\S+)", output).group(1)
        assert f"API base:  {base}/api/v1" in output
        assert f'curl -H "Authorization: Bearer {key}" {base}/api/v1/features' in output
        auth = {"Authorization": f"Bearer {key}"}
        answered = httpx.get(f"{base}/api/v1/features", headers=auth)
        assert answered.status_code == 200, answered.text
        # The demo tenant has the business plugins, seeded: CRM's default pipeline is there.
        pipelines = httpx.get(f"{base}/api/v1/crm/pipelines", headers=auth)
        assert pipelines.status_code == 200, pipelines.text
        assert [p["name"] for p in pipelines.json()["items"]] == ["Sales"]
        accounts = httpx.get(f"{base}/api/v1/finance/accounts", headers=auth)
        assert accounts.status_code == 200, accounts.text
        assert accounts.json()["items"], "the chart of accounts is seeded"
    for log in tmp_path.glob("serve-*.log"):
        log.unlink()
    with serving(path=[], env={}, cwd=tmp_path, command=("up",), timeout=120) as base:
        output = next(tmp_path.glob("serve-*.log")).read_text()
        assert "admin API key: nxk_" not in output
        assert "cannot be shown" in output
        assert "nexus tenants create-key demo" in output
        answered = httpx.get(f"{base}/api/v1/features", headers={"Authorization": f"Bearer {key}"})
        assert answered.status_code == 200


def test_company_facts_of_the_profile_fill_the_plugins_settings(db, tmp_path):
    """The profile's currency, country and fiscal year reach every plugin that declares them."""
    example = json.loads(example_profiles()["professional-services"].read_text())
    result = run("provision", str(example_profiles()["professional-services"]), env=db)
    assert result.returncode == 0, result.stderr

    async def stored() -> dict[str, dict]:
        conn = await asyncpg.connect(db["NEXUS_DATABASE_URL"])
        try:
            rows = await conn.fetch(
                "select e.plugin, e.settings from nexus_plugin_enablement e "
                "join nexus_tenant t on t.id = e.tenant_id where t.slug = $1",
                example["slug"],
            )
        finally:
            await conn.close()
        return {row["plugin"]: json.loads(row["settings"]) for row in rows}

    settings = asyncio.run(stored())
    assert example["currency"] == "GBP"
    assert settings["finance"]["base_currency"] == "GBP"
    assert settings["finance"]["fiscal_year_start_month"] == 4
    assert settings["finance"]["country"] == "GB"  # the default taxes follow it
    assert settings["crm"]["default_currency"] == "GBP"
    assert settings["crm"]["default_country"] == "GB"
    assert settings["crm"]["pipeline_name"] == "Engagements"  # the preset's own setting


def test_profile_settings_beat_the_company_facts(db, tmp_path):
    path = write_profile(
        tmp_path,
        slug="books-in-euro",
        preset="wholesale",
        currency="USD",
        settings={"finance": {"base_currency": "EUR"}},
    )
    result = run("provision", str(path), "--dry-run", "--json", env=db)
    assert result.returncode == 0, result.stderr
    settings = json.loads(result.stdout)["plan"]["settings"]
    assert settings["finance"]["base_currency"] == "EUR"
    assert settings["inventory"]["valuation_currency"] == "USD"
