"""`nexus up` (and `nexus serve --with-worker`) deliver events with no separate worker."""

from __future__ import annotations

import asyncio
import re
import time

import asyncpg
import httpx
import pytest
from nexus.provisioning import example_profiles

from .conftest import serving

PROFILE = example_profiles()["professional-services"]  # CRM + Finance, invoices from deals


def eventually(check, *, timeout=30.0):
    """``check()``'s first truthy result, asked again until ``timeout`` runs out."""
    deadline = time.monotonic() + timeout
    while not (result := check()):
        if time.monotonic() > deadline:
            pytest.fail(f"not true in {timeout} s: {check.__doc__}")
        time.sleep(0.05)  # polling interval for another process's effect, bounded above
    return result


def event_workers(url):
    """How many event workers listen on the database (their wake-up connections)."""

    async def count():
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetchval(
                "select count(*) from pg_stat_activity "
                "where datname = current_database() and application_name = 'nexus-worker'"
            )
        finally:
            await conn.close()

    return asyncio.run(count())


def banner(cwd):
    """What ``nexus up`` printed, and the Authorization header with the admin key it showed."""
    output = next(cwd.glob("serve-*.log")).read_text()
    key = re.search(r"admin API key: (nxk_\S+)", output)
    return output, {"Authorization": f"Bearer {key[1]}"} if key else {}


def test_up_drafts_the_invoice_of_a_won_deal_without_a_separate_worker(
    nexus_database_url, tmp_path
):
    env = {"NEXUS_DATABASE_URL": nexus_database_url}
    command = ("up", "--profile", str(PROFILE))
    with serving(path=[], env=env, cwd=tmp_path, command=command, timeout=120) as base:
        output, auth = banner(tmp_path)
        assert "events:    relayed and consumed in this process" in output
        api = httpx.Client(base_url=f"{base}/api/v1", headers=auth)
        deal = api.post("/crm/deals", json={"title": "Audit", "amount": "1200.00"}).json()
        assert api.post(f"/crm/deals/{deal['id']}/win").status_code == 200

        def drafted():
            """Finance drafted the won deal's invoice."""
            return api.get("/finance/invoices").json()["items"]

        (invoice,) = eventually(drafted)
        # 1200.00 with the company's default sales tax (the profile's country: VAT 20 %).
        assert (invoice["state"], invoice["total"], invoice["reference"]) == (
            "draft",
            "1440.00",
            "Audit",
        )

        def audited():
            """The audit log shows the won deal."""
            return api.get("/audit-log", params={"action": "crm.deal.won.v1"}).json()["items"]

        (entry,) = eventually(audited)
        assert entry["target"] == deal["id"]
        assert event_workers(nexus_database_url) == 1
    log = next(tmp_path.glob("serve-*.log")).read_text()
    assert "Application shutdown complete" in log
    assert "Traceback" not in log


def test_up_no_worker_leaves_events_to_nexus_worker(nexus_database_url, tmp_path):
    env = {"NEXUS_DATABASE_URL": nexus_database_url}
    command = ("up", "--profile", str(PROFILE), "--no-worker")
    with serving(path=[], env=env, cwd=tmp_path, command=command, timeout=120):
        output, _ = banner(tmp_path)
        assert "not delivered until a `nexus worker` runs" in output
        assert event_workers(nexus_database_url) == 0


def test_serve_with_worker_runs_one_event_worker_for_several_processes(
    nexus_database_url, tmp_path
):
    env = {"NEXUS_DATABASE_URL": nexus_database_url}
    with serving(path=[], env=env, cwd=tmp_path, command=("up", "--profile", str(PROFILE))):
        _, auth = banner(tmp_path)  # provisioned; the next server reuses the tenant
    command = ("serve", "--with-worker", "--workers", "2")
    with serving(path=[], env=env, cwd=tmp_path, command=command, timeout=120) as base:
        api = httpx.Client(base_url=f"{base}/api/v1", headers=auth)
        contact = api.post("/crm/contacts", json={"last_name": "Doe"})
        assert contact.status_code == 201, contact.text

        def audited():
            """The audit log shows the new contact."""
            params = {"action": "crm.contact.created.v1"}
            return api.get("/audit-log", params=params).json()["items"]

        (entry,) = eventually(audited)
        assert entry["target"] == contact.json()["id"]
        assert event_workers(nexus_database_url) == 1
