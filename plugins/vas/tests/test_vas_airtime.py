"""Airtime through Africa's Talking: debited once, settled once, refused when forged."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal
from typing import Any

import nexus_vas
from nexus.testing import outbox_events
from vas_support import (
    VAS,
    airtime,
    at_callback,
    at_callback_url,
    balance,
    configure,
    entries,
    fund,
    ok,
    transaction,
)

D = Decimal


def _kinds(client: Any, tenant: Any) -> list[tuple[str, Decimal]]:
    return [(e["kind"], D(e["amount"])) for e in entries(client, tenant)]


def test_airtime_debits_the_wallet_once_when_its_callback_arrives_twice(
    client: Any, tenant: Any, fakes: Any, vas_db: str
) -> None:
    configure(client, tenant, fakes)
    fund(client, tenant, "500")
    bought = ok(airtime(client, tenant, key="sale-000001"), 201)
    assert bought["status"] == "submitted"
    assert bought["provider_ref"].startswith("ATQid_")
    [sent] = [
        r
        for r in fakes.to("/version1/airtime/send")
        if r.headers.get("idempotency-key") == bought["id"]
    ]
    assert sent.form()["username"] == "sandbox"
    assert json.loads(sent.form()["recipients"]) == [
        {"phoneNumber": "+254711000111", "amount": "KES 100.00"}
    ]
    assert sent.headers["apikey"].startswith("atsk_")
    assert balance(client, tenant) == D("400")

    fakes.finish(bought["provider_ref"], "Success")
    path = at_callback_url(client, tenant)
    first = ok(at_callback(client, path, request_id=bought["provider_ref"], status="Success"))
    again = ok(at_callback(client, path, request_id=bought["provider_ref"], status="Success"))

    assert (first, again) == ({"changed": True}, {"changed": False})
    assert transaction(client, tenant, bought["id"])["status"] == "succeeded"
    assert balance(client, tenant) == D("400")
    assert _kinds(client, tenant) == [("funding", D("500")), ("purchase", D("-100"))]
    completed = outbox_events(vas_db, tenant, "vas.purchase.completed.v1")
    assert [e.data["transaction_id"] for e in completed] == [bought["id"]]
    assert D(completed[0].data["amount"]) == D("100")


def test_a_failed_purchase_is_reversed_once(
    client: Any, tenant: Any, fakes: Any, vas_db: str
) -> None:
    configure(client, tenant, fakes)
    fund(client, tenant, "500")
    bought = ok(airtime(client, tenant, key="sale-000002", amount="150"), 201)
    assert balance(client, tenant) == D("350")

    fakes.finish(bought["provider_ref"], "Failed")
    path = at_callback_url(client, tenant)
    for _ in range(2):
        at_callback(client, path, request_id=bought["provider_ref"], status="Failed")
    reconciled = ok(
        client.post(f"{VAS}/transactions/{bought['id']}/reconcile", headers=tenant.headers)
    )

    assert reconciled["status"] == "failed"
    assert balance(client, tenant) == D("500")
    assert _kinds(client, tenant) == [
        ("funding", D("500")),
        ("purchase", D("-150")),
        ("reversal", D("150")),
    ]
    reversed_ = outbox_events(vas_db, tenant, "vas.purchase.reversed.v1")
    assert [(e.data["transaction_id"], e.data["was_completed"]) for e in reversed_] == [
        (bought["id"], False)
    ]
    assert outbox_events(vas_db, tenant, "vas.purchase.completed.v1") == []


def test_a_number_the_provider_refuses_is_credited_back_at_once(
    client: Any, tenant: Any, fakes: Any
) -> None:
    configure(client, tenant, fakes)
    fund(client, tenant, "500")
    fakes.refused.add("+254700000999")
    refused = ok(airtime(client, tenant, key="sale-000003", phone="+254700000999"), 201)

    assert refused["status"] == "failed"
    assert refused["error"] == "Invalid phone number"
    assert balance(client, tenant) == D("500")


def test_a_forged_callback_is_refused_and_changes_nothing(
    client: Any, tenant: Any, other: Any, fakes: Any
) -> None:
    configure(client, tenant, fakes)
    configure(client, other, fakes)
    fund(client, tenant, "500")
    bought = ok(airtime(client, tenant, key="sale-000004"), 201)
    fakes.finish(bought["provider_ref"], "Failed")
    path = at_callback_url(client, tenant)
    slug = path.split("/")[5]
    token = path.rsplit("/", 1)[1]
    theirs = at_callback_url(client, other).rsplit("/", 1)[1]

    forged = [
        f"{VAS}/callbacks/{slug}/africastalking/{token[:-2]}xx",  # a token altered
        f"{VAS}/callbacks/{slug}/africastalking/{theirs}",  # another tenant's token
        f"{VAS}/callbacks/{slug}/africastalking/not-a-token",
    ]
    answers = [
        at_callback(client, url, request_id=bought["provider_ref"], status="Failed").status_code
        for url in forged
    ]

    assert answers == [403, 403, 403]
    assert transaction(client, tenant, bought["id"])["status"] == "submitted"
    assert balance(client, tenant) == D("400")


def test_a_callback_is_not_believed_without_the_providers_status(
    client: Any, tenant: Any, fakes: Any
) -> None:
    configure(client, tenant, fakes)
    fund(client, tenant, "500")
    bought = ok(airtime(client, tenant, key="sale-000005"), 201)
    path = at_callback_url(client, tenant)

    # The provider still says "Sent": a callback claiming failure reverses nothing.
    claimed = ok(at_callback(client, path, request_id=bought["provider_ref"], status="Failed"))

    assert claimed == {"changed": False}
    assert transaction(client, tenant, bought["id"])["status"] == "submitted"
    assert balance(client, tenant) == D("400")
    finds = fakes.to("/query/transaction/find")
    assert any(bought["provider_ref"] in r.path for r in finds)


def test_the_balance_never_goes_negative_under_concurrent_purchases(
    client: Any, tenant: Any, fakes: Any
) -> None:
    configure(client, tenant, fakes)
    fund(client, tenant, "500")

    def buy(n: int) -> int:
        return int(
            airtime(client, tenant, key=f"rush-{n:06d}", phone=f"+25471100{n:04d}").status_code
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(pool.map(buy, range(12)))

    assert statuses == [201] * 5 + [409] * 7
    assert balance(client, tenant) == D("0")
    purchases = [e for e in entries(client, tenant) if e["kind"] == "purchase"]
    assert len(purchases) == 5
    assert all(D(e["balance"]) >= 0 for e in entries(client, tenant))


def test_a_retry_with_the_same_key_answers_the_first_purchase(
    client: Any, tenant: Any, fakes: Any
) -> None:
    configure(client, tenant, fakes)
    fund(client, tenant, "500")
    first = ok(airtime(client, tenant, key="sale-000006"), 201)
    retry = ok(airtime(client, tenant, key="sale-000006"), 200)

    assert retry["id"] == first["id"]
    assert balance(client, tenant) == D("400")
    other = airtime(client, tenant, key="sale-000006", amount="150")
    assert other.status_code == 409
    assert other.json()["transaction_id"] == first["id"]
    sent = [
        r
        for r in fakes.to("/version1/airtime/send")
        if r.headers.get("idempotency-key") == first["id"]
    ]
    assert len(sent) == 1


def test_an_unanswered_purchase_stays_pending_until_reconciled(
    client: Any, tenant: Any, fakes: Any
) -> None:
    configure(client, tenant, fakes)
    fund(client, tenant, "500")
    fakes.failures["/version1/airtime/send"] = 1
    pending = ok(airtime(client, tenant, key="sale-000007"), 201)
    assert pending["status"] == "pending"
    assert "HTTP 500" in pending["error"]
    assert balance(client, tenant) == D("400")

    reconciled = ok(
        client.post(f"{VAS}/transactions/{pending['id']}/reconcile", headers=tenant.headers)
    )

    assert reconciled["status"] == "submitted"
    assert reconciled["provider_ref"].startswith("ATQid_")
    resent = [
        r
        for r in fakes.to("/version1/airtime/send")
        if r.headers.get("idempotency-key") == pending["id"]
    ]
    assert len(resent) == 2


def test_the_sweep_settles_a_purchase_whose_callback_never_came(
    client: Any, tenant: Any, fakes: Any, vas_db: str
) -> None:
    configure(client, tenant, fakes)
    fund(client, tenant, "500")
    quiet = ok(airtime(client, tenant, key="sale-000008"), 201)
    lost = ok(airtime(client, tenant, key="sale-000009", amount="60"), 201)
    fakes.finish(quiet["provider_ref"], "Success")
    fakes.finish(lost["provider_ref"], "Failed")
    work = nexus_vas.SWEEPER.work
    assert work is not None  # nexus_background handed the plugin its port

    # The sweep the plugin runs every few minutes, here with no wait for stale purchases.
    sweep = nexus_vas._sweep.sweep
    changed = client.blocking_portal.call(lambda: sweep(work, stale=timedelta(0)))
    client.blocking_portal.call(lambda: sweep(work, stale=timedelta(0)))  # once is enough

    assert changed >= 2  # these two, and whatever other tenants had waiting
    assert transaction(client, tenant, quiet["id"])["status"] == "succeeded"
    assert transaction(client, tenant, lost["id"])["status"] == "failed"
    assert balance(client, tenant) == D("400")
    assert len(outbox_events(vas_db, tenant, "vas.purchase.completed.v1")) == 1
    assert len(outbox_events(vas_db, tenant, "vas.purchase.reversed.v1")) == 1
