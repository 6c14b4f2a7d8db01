"""Data bundles (Africa's Talking Mobile Data) and bills (Flutterwave), settled by webhook."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from vas_fakes import FLW_HASH
from vas_support import VAS, balance, configure, fund, ok, transaction

D = Decimal

BILL = {
    "category": "electricity",
    "biller_name": "EKEDC PREPAID TOPUP",
    "biller_code": "BIL112",
    "item_code": "UB157",
    "customer": "0123456789",
    "amount": "2000",
    "currency": "NGN",
}


@pytest.fixture
def nigerian(client: Any, tenant: Any) -> Any:
    """The tenant, paying bills in Nigeria."""
    patch = {"country": "NG", "currency": "NGN"}
    ok(client.patch("/api/v1/plugins/vas/settings", json=patch, headers=tenant.headers))
    return tenant


def _webhook(client: Any, path: str, reference: str, *, signature: str | None) -> Any:
    """Flutterwave's bill webhook as it posts it, with its ``verif-hash`` header."""
    body = {
        "event": "singlebillpayment.status",
        "event.type": "SingleBillPayment",
        "data": {
            "customer": "0123456789",
            "amount": 2000,
            "network": "EKEDC PREPAID TOPUP",
            "tx_ref": "CF-FLYAPI-20261207",
            "flw_ref": "BPUSSD1234",
            "customer_reference": reference,
            "status": "success",
        },
    }
    headers = {"verif-hash": signature} if signature is not None else {}
    return client.post(path, json=body, headers=headers)


def test_a_data_bundle_is_sent_and_settled_by_its_callback(
    client: Any, tenant: Any, fakes: Any
) -> None:
    configure(client, tenant, fakes)
    fund(client, tenant, "300")
    body = {
        "phone_number": "+254711000222",
        "quantity": 500,
        "unit": "MB",
        "validity": "Day",
        "amount": "50",
        "currency": "KES",
        "idempotency_key": "data-000001",
    }
    bought = ok(client.post(f"{VAS}/data", json=body, headers=tenant.headers), 201)
    [sent] = [
        r
        for r in fakes.to("/mobile/data/request")
        if r.headers.get("idempotency-key") == bought["id"]
    ]
    assert sent.json()["productName"] == "Nexus Data"
    assert sent.json()["recipients"][0]["quantity"] == 500
    assert bought["status"] == "submitted"
    assert balance(client, tenant) == D("250")

    fakes.finish(bought["provider_ref"], "Success")
    url = ok(client.get(f"{VAS}/providers/africastalking/callback", headers=tenant.headers))
    path = url["url"].removeprefix("http://localhost:8000")
    form = {"transactionId": bought["provider_ref"], "status": "Success"}
    assert ok(client.post(path, data=form)) == {"changed": True}

    assert transaction(client, tenant, bought["id"])["status"] == "succeeded"
    assert balance(client, tenant) == D("250")


def test_a_bill_is_paid_and_confirmed_by_a_signed_webhook(
    client: Any, nigerian: Any, fakes: Any
) -> None:
    configure(client, nigerian, fakes)
    fund(client, nigerian, "5000", currency="NGN")
    listed = ok(
        client.get(f"{VAS}/billers", params={"category": "electricity"}, headers=nigerian.headers)
    )
    assert [b["biller_name"] for b in listed] == ["EKEDC PREPAID TOPUP"]

    body = {**BILL, "idempotency_key": "bill-000001"}
    paid = ok(client.post(f"{VAS}/bills", json=body, headers=nigerian.headers), 201)
    [sent] = [
        r
        for r in fakes.to("/v3/bills")
        if r.method == "POST" and r.json()["reference"] == paid["id"]
    ]
    assert sent.headers["authorization"].startswith("Bearer FLWSECK_TEST-")
    assert sent.json() | {"reference": "-"} == {
        "country": "NG",
        "customer": "0123456789",
        "amount": 2000,
        "recurrence": "ONCE",
        "type": "EKEDC PREPAID TOPUP",
        "reference": "-",
    }
    assert paid["status"] == "submitted"
    assert balance(client, nigerian, "NGN") == D("3000")
    path = ok(client.get(f"{VAS}/providers/flutterwave/callback", headers=nigerian.headers))[
        "url"
    ].removeprefix("http://localhost:8000")

    assert _webhook(client, path, paid["id"], signature=None).status_code == 401
    assert _webhook(client, path, paid["id"], signature="forged").status_code == 403
    # Flutterwave still says pending: a webhook claiming success changes nothing yet.
    assert ok(_webhook(client, path, paid["id"], signature=FLW_HASH)) == {"changed": False}
    fakes.finish(paid["id"], "successful")
    assert ok(_webhook(client, path, paid["id"], signature=FLW_HASH)) == {"changed": True}
    assert ok(_webhook(client, path, paid["id"], signature=FLW_HASH)) == {"changed": False}

    assert transaction(client, nigerian, paid["id"])["status"] == "succeeded"
    assert balance(client, nigerian, "NGN") == D("3000")


def test_a_bill_flutterwave_refuses_is_credited_back(
    client: Any, nigerian: Any, fakes: Any
) -> None:
    configure(client, nigerian, fakes)
    fund(client, nigerian, "5000", currency="NGN")
    fakes.refused.add("9999999999")
    body = {**BILL, "customer": "9999999999", "idempotency_key": "bill-000002"}

    refused = ok(client.post(f"{VAS}/bills", json=body, headers=nigerian.headers), 201)

    assert refused["status"] == "failed"
    assert "Invalid customer number" in refused["error"]
    assert balance(client, nigerian, "NGN") == D("5000")


def test_a_bill_whose_answer_was_lost_is_found_by_its_reference(
    client: Any, nigerian: Any, fakes: Any
) -> None:
    configure(client, nigerian, fakes)
    fund(client, nigerian, "5000", currency="NGN")
    fakes.failures["/v3/bills"] = 1
    body = {**BILL, "idempotency_key": "bill-000003"}
    pending = ok(client.post(f"{VAS}/bills", json=body, headers=nigerian.headers), 201)
    assert pending["status"] == "pending"

    again = ok(
        client.post(f"{VAS}/transactions/{pending['id']}/reconcile", headers=nigerian.headers)
    )
    assert again["status"] == "submitted"
    fakes.finish(pending["id"], "failed")
    failed = ok(
        client.post(f"{VAS}/transactions/{pending['id']}/reconcile", headers=nigerian.headers)
    )

    assert failed["status"] == "failed"
    assert balance(client, nigerian, "NGN") == D("5000")
