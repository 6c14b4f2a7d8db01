"""The wallet, limits, credentials and isolation."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from vas_support import VAS, airtime, balance, configure, fund, ok

if TYPE_CHECKING:
    import pytest

D = Decimal


def test_a_topup_is_recorded_once_per_reference(client: Any, tenant: Any) -> None:
    first = fund(client, tenant, "500", ref="BANK-1")
    body = {"amount": "500", "currency": "KES", "reference": "BANK-1"}
    again = ok(client.post(f"{VAS}/wallet/topups", json=body, headers=tenant.headers), 200)
    other = client.post(
        f"{VAS}/wallet/topups", json={**body, "amount": "600"}, headers=tenant.headers
    )

    assert again["id"] == first["id"]
    assert other.status_code == 409
    assert balance(client, tenant) == D("500")
    shown = ok(client.get(f"{VAS}/wallet/topups/{first['id']}", headers=tenant.headers))
    assert (shown["kind"], D(shown["amount"])) == ("funding", D("500"))


def test_a_short_wallet_refuses_the_purchase_with_the_numbers(
    client: Any, tenant: Any, fakes: Any
) -> None:
    configure(client, tenant, fakes)
    fund(client, tenant, "50")
    refused = airtime(client, tenant, key="short-000001", amount="80")

    assert refused.status_code == 409
    assert (refused.json()["balance"], refused.json()["amount"]) == ("50.000000", "80")
    assert balance(client, tenant) == D("50")
    assert ok(client.get(f"{VAS}/transactions", headers=tenant.headers))["items"] == []


def test_limits_refuse_with_the_numbers(client: Any, tenant: Any, fakes: Any) -> None:
    configure(client, tenant, fakes)
    fund(client, tenant, "1000")
    limits = {
        "max_per_transaction": "200",
        "max_per_day": "350",
        "max_per_recipient_per_day": "250",
    }
    ok(client.patch("/api/v1/plugins/vas/settings", json=limits, headers=tenant.headers))

    too_big = airtime(client, tenant, key="limit-000001", amount="201")
    ok(airtime(client, tenant, key="limit-000002", amount="200"), 201)
    same_number = airtime(client, tenant, key="limit-000003", amount="100")
    ok(airtime(client, tenant, key="limit-000004", amount="100", phone="+254722000333"), 201)
    over_the_day = airtime(client, tenant, key="limit-000005", amount="100", phone="+254733000444")

    assert too_big.status_code == 422
    assert "200" in too_big.text
    assert same_number.status_code == 429
    assert (same_number.json()["limit"], same_number.json()["used"]) == ("250", "200.000000")
    assert over_the_day.status_code == 429
    assert over_the_day.json()["limit"] == "350"
    assert balance(client, tenant) == D("700")


def test_a_purchase_without_credentials_is_refused_before_any_debit(
    client: Any, tenant: Any
) -> None:
    fund(client, tenant, "500")
    refused = airtime(client, tenant, key="nocreds-0001")

    assert refused.status_code == 409
    assert "africastalking" in refused.json()["detail"]
    assert balance(client, tenant) == D("500")


def test_credentials_answer_409_without_keys(
    client: Any, tenant: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEXUS_VAS_KEYS")
    body = {"secret_key": "FLWSECK_TEST-x", "secret_hash": "h"}
    refused = client.put(f"{VAS}/providers/flutterwave", json=body, headers=tenant.headers)

    assert refused.status_code == 409
    assert "NEXUS_VAS_KEYS" in refused.json()["detail"]
    assert ok(client.get(f"{VAS}/providers", headers=tenant.headers)) == []


def test_credentials_are_never_answered_back(client: Any, tenant: Any, fakes: Any) -> None:
    configure(client, tenant, fakes)
    listed = client.get(f"{VAS}/providers", headers=tenant.headers)

    assert [p["provider"] for p in listed.json()] == ["africastalking", "flutterwave"]
    assert "atsk_" not in listed.text and "FLWSECK" not in listed.text
    bad = client.put(
        f"{VAS}/providers/africastalking", json={"username": "x"}, headers=tenant.headers
    )
    assert bad.status_code == 422


def test_another_tenants_purchase_is_a_404(
    client: Any, tenant: Any, other: Any, fakes: Any
) -> None:
    configure(client, tenant, fakes)
    fund(client, tenant, "500")
    bought = ok(airtime(client, tenant, key="mine-0000001"), 201)

    for url in (
        f"{VAS}/transactions/{bought['id']}",
        f"{VAS}/transactions/{bought['id']}/reconcile",
    ):
        method = client.post if url.endswith("reconcile") else client.get
        assert method(url, headers=other.headers).status_code == 404
    assert ok(client.get(f"{VAS}/transactions", headers=other.headers))["items"] == []
    assert balance(client, other) == D("0")


def test_nothing_is_bought_or_added_for_nothing(client: Any, tenant: Any, fakes: Any) -> None:
    configure(client, tenant, fakes)
    body = {"amount": "0", "currency": "KES", "reference": "ZERO-1"}
    topup = client.post(f"{VAS}/wallet/topups", json=body, headers=tenant.headers)
    fund(client, tenant, "100")
    bought = airtime(client, tenant, key="zero-0000001", amount="0")

    assert (topup.status_code, bought.status_code) == (422, 422)
    assert balance(client, tenant) == D("100")
