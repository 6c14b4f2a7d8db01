"""Enable seeds the books from the preset's settings; disable keeps them; purge removes them."""

from __future__ import annotations

from datetime import date

import nexus_finance
from finance_support import API, invoice, ok, post, problem, sql
from nexus.testing import make_tenant, run_sync, set_plugin_settings, tenant_transaction
from nexus_finance._settings import FinanceSettings
from nexus_hookspecs import TenantRef


def switch(client, tenant, enabled):
    response = client.put(
        "/api/v1/features/finance", json={"enabled": enabled}, headers=tenant.headers
    )
    assert response.status_code == 200, response.text


def count(url, tenant, table):
    return sql(url, f"select count(*) from {table} where tenant_id = $1", tenant.id)[0][0]


def test_enabling_the_plugin_seeds_the_books_in_the_enabling_transaction(world):
    client, url = world
    tenant = make_tenant(url)
    switch(client, tenant, False)
    assert count(url, tenant, "finance_account") == 0
    switch(client, tenant, True)
    assert count(url, tenant, "finance_account") >= 25
    assert count(url, tenant, "finance_period") == 12
    assert count(url, tenant, "finance_tax") == 0  # no country known: no tax is guessed


def test_the_enable_hook_seeds_from_the_preset_settings(world):
    client, url = world
    tenant = make_tenant(url)
    settings = FinanceSettings(
        base_currency="USD",
        fiscal_year_start_month=4,
        sales_tax_rate="7.5",
        purchase_tax_rate="7.5",
        tax_name="GST",
        prices_include_tax=True,
    )

    async def enable():
        # As the API role, as the kernel calls the hook: row-level security applies.
        async with tenant_transaction(url, tenant) as conn:
            ref = TenantRef(id=tenant.id, slug=tenant.slug)
            await nexus_finance.nexus_tenant_enable(
                tenant=ref, settings=settings, conn=conn, seed=None
            )
            await nexus_finance.nexus_tenant_enable(
                tenant=ref, settings=settings, conn=conn, seed=None
            )

    run_sync(enable())
    assert ok(client.get(f"{API}/company", headers=tenant.headers))["base_currency"] == "USD"
    [year] = ok(client.get(f"{API}/fiscal-years", headers=tenant.headers))["items"]
    today = date.today()
    start_year = today.year if today.month >= 4 else today.year - 1
    assert (year["start_date"], year["end_date"]) == (
        f"{start_year}-04-01",
        f"{start_year + 1}-03-31",
    )
    taxes = ok(client.get(f"{API}/taxes", headers=tenant.headers))["items"]
    assert {(t["name"], t["rate"], t["price_include"]) for t in taxes} == {
        ("GST 7.5% (sales)", "7.5", True),
        ("GST 7.5% (purchases)", "7.5", True),
    }
    assert count(url, tenant, "finance_account") == len(
        ok(client.get(f"{API}/accounts", params={"limit": 200}, headers=tenant.headers))["items"]
    )  # seeded once, although the hook ran twice


def test_the_first_request_seeds_the_books_from_the_settings_kept_for_the_tenant(world):
    client, url = world
    tenant = make_tenant(url)
    set_plugin_settings(url, tenant, "finance", {"base_currency": "CHF"})
    assert count(url, tenant, "finance_account") == 0  # kept, not yet enabled
    # The kernel runs the enable hook once, with the kept settings, before the first request.
    assert ok(client.get(f"{API}/company", headers=tenant.headers))["base_currency"] == "CHF"
    assert invoice(client, tenant)["currency"] == "CHF"


def test_disable_keeps_the_books_and_purge_removes_them(world):
    client, url = world
    tenant = make_tenant(url)
    draft = invoice(client, tenant)
    post(client, tenant, draft["id"])
    switch(client, tenant, False)
    problem(client.get(f"{API}/invoices/{draft['id']}", headers=tenant.headers), 404)
    switch(client, tenant, True)
    assert (
        ok(client.get(f"{API}/invoices/{draft['id']}", headers=tenant.headers))["state"] == "posted"
    )

    switch(client, tenant, False)
    purged = client.post(
        "/api/v1/features/finance/purge", json={"dry_run": False}, headers=tenant.headers
    )
    assert purged.status_code == 200, purged.text
    assert purged.json()["rows"]["finance_invoice"] == 1
    for table in ("finance_account", "finance_entry", "finance_entry_line", "finance_invoice"):
        assert count(url, tenant, table) == 0
