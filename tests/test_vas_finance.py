"""Issue #22's "done when", the VAS half: Finance keeps VAS's prepaid wallet as double entry.

A Kenyan shop (books in KES) tops up its VAS wallet and sells airtime through Africa's
Talking (a local fake speaking its Airtime API). The kernel's event worker delivers VAS's
events to Finance:

    top-up 1,000                 Dr 1420 VAS wallet 1,000 / Cr 1000 Bank 1,000
    airtime 100, resold for 105  Dr 6700 Cost of VAS  100 / Cr 1420 VAS wallet 100
      (Success, its callback     Dr 1010 Cash         105 / Cr 4200 VAS revenue 105
      twice)                     — once: the second callback changes nothing
    airtime 250 (Failed)         VAS credits its wallet back; Finance had booked nothing
                                 for it, so it books nothing

so Finance's wallet account holds 900, VAS's own balance.
"""

from __future__ import annotations

import os
import sys
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from cryptography.fernet import Fernet
from nexus.testing import (
    EventWorkerHarness,
    create_test_client,
    make_tenant,
    migrated_database,
    run_sync,
    set_plugin_settings,
    tenant_transaction,
)

sys.path.insert(0, str(Path(__file__).parents[1] / "plugins" / "vas" / "tests"))
os.environ.setdefault("NEXUS_VAS_KEYS", Fernet.generate_key().decode())
os.environ.setdefault("NEXUS_VAS_ALLOW_PRIVATE_URLS", "1")

import nexus_finance  # noqa: E402 - after the keys are configured
import nexus_vas  # noqa: E402
from vas_fakes import FakeProviders  # noqa: E402
from vas_support import (  # noqa: E402
    VAS,
    airtime,
    at_callback,
    at_callback_url,
    balance,
    configure,
    fund,
    ok,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [nexus_finance, nexus_vas]
D = Decimal


@pytest.fixture(scope="module")
def world(nexus_postgres_server: str) -> Iterator[tuple[Any, str, FakeProviders]]:
    with (
        migrated_database(nexus_postgres_server, PLUGINS) as url,
        create_test_client(PLUGINS, database_url=url) as client,
        FakeProviders() as fakes,
    ):
        yield client, url, fakes


def _books(url: str, tenant: Any) -> dict[str, Any]:
    """VAS's entries in Finance: their source refs, and each account's balance by code."""

    async def read() -> dict[str, Any]:
        async with tenant_transaction(url, tenant) as conn:
            refs = await conn.fetch(
                "select source_ref from finance_entry where source = 'vas' order by number"
            )
            sums = await conn.fetch(
                "select a.code, sum(l.debit) - sum(l.credit) as net from finance_entry_line l "
                "join finance_account a on a.id = l.account_id "
                "join finance_entry e on e.id = l.entry_id where e.source = 'vas' "
                "group by a.code"
            )
        return {
            "refs": [r["source_ref"] for r in refs],
            "net": {r["code"]: r["net"] for r in sums},
        }

    return run_sync(read())


def test_finance_books_one_debit_for_an_airtime_purchase_called_back_twice(
    world: tuple[Any, str, FakeProviders],
) -> None:
    client, url, fakes = world
    tenant = make_tenant(url)
    set_plugin_settings(url, tenant, "finance", {"base_currency": "KES", "country": "KE"})
    configure(client, tenant, fakes)
    path = at_callback_url(client, tenant)

    with EventWorkerHarness(client) as worker:
        topup = fund(client, tenant, "1000", ref="KCB-TRF-0001")
        sold = ok(airtime(client, tenant, key="till-1-000001", amount="100", price="105"), 201)
        fakes.finish(sold["provider_ref"], "Success")
        assert ok(at_callback(client, path, request_id=sold["provider_ref"], status="Success"))
        again = at_callback(client, path, request_id=sold["provider_ref"], status="Success")
        assert ok(again) == {"changed": False}
        failed = ok(airtime(client, tenant, key="till-1-000002", amount="250"), 201)
        fakes.finish(failed["provider_ref"], "Failed")
        ok(at_callback(client, path, request_id=failed["provider_ref"], status="Failed"))
        ok(client.post(f"{VAS}/transactions/{failed['id']}/reconcile", headers=tenant.headers))
        worker.wait_handled("finance", 3)  # funded, completed, reversed

    books = _books(url, tenant)
    assert books["refs"] == [f"vas.funding:{topup['id']}", f"vas.purchase:{sold['id']}"]
    assert books["net"] == {
        "1000": D("-1000"),
        "1010": D("105"),
        "1420": D("900"),
        "4200": D("-105"),
        "6700": D("100"),
    }
    assert balance(client, tenant) == D("900")
    handled = [e.type for e in worker.deliveries("finance")]
    assert sorted(handled) == [
        "vas.purchase.completed.v1",
        "vas.purchase.reversed.v1",
        "vas.wallet.funded.v1",
    ]


def test_a_completed_purchase_reported_failed_later_is_reversed_in_the_books_once(
    world: tuple[Any, str, FakeProviders],
) -> None:
    client, url, fakes = world
    tenant = make_tenant(url)
    set_plugin_settings(url, tenant, "finance", {"base_currency": "KES", "country": "KE"})
    configure(client, tenant, fakes)
    path = at_callback_url(client, tenant)

    with EventWorkerHarness(client) as worker:
        fund(client, tenant, "500", ref="KCB-TRF-0002")
        sold = ok(airtime(client, tenant, key="till-2-000001", amount="120", price="130"), 201)
        fakes.finish(sold["provider_ref"], "Success")
        ok(at_callback(client, path, request_id=sold["provider_ref"], status="Success"))
        worker.wait_handled("finance", 2)
        # The telco reverses it: Africa's Talking's status turns Failed, and says so twice.
        fakes.finish(sold["provider_ref"], "Failed")
        ok(at_callback(client, path, request_id=sold["provider_ref"], status="Failed"))
        ok(at_callback(client, path, request_id=sold["provider_ref"], status="Failed"))
        worker.wait_handled("finance", 3)

    books = _books(url, tenant)
    assert books["refs"][1:] == [f"vas.purchase:{sold['id']}", f"vas.reversal:{sold['id']}"]
    assert books["net"]["1420"] == D("500")
    assert books["net"]["6700"] == D("0")
    assert (books["net"]["1010"], books["net"]["4200"]) == (D("0"), D("0"))
    assert balance(client, tenant) == D("500")
