"""Points for won deals, end to end with the real CRM plugin and the event worker."""

from __future__ import annotations

import uuid

import msgspec
import pytest
from acme_loyalty._events import AWARDED, REDEEMED
from loyalty_support import crm_has_landed, keep_settings, outbox
from nexus.testing import EventWorkerHarness

pytestmark = pytest.mark.skipif(
    not crm_has_landed(), reason="the installed nexus-crm does not publish deals yet"
)

CRM = "/api/v1/crm"
MEMBERS = "/api/v1/loyalty/members"


def _win_a_deal(client, tenant, *, amount="1250.00", currency="EUR"):
    contact = client.post(
        f"{CRM}/contacts",
        json={"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"},
        headers=tenant.headers,
    )
    assert contact.status_code == 201, contact.text
    deal = client.post(
        f"{CRM}/deals",
        json={
            "title": "Analytical engine",
            "amount": amount,
            "currency": currency,
            "contact_id": contact.json()["id"],
        },
        headers=tenant.headers,
    )
    assert deal.status_code == 201, deal.text
    won = client.post(f"{CRM}/deals/{deal.json()['id']}/win", headers=tenant.headers)
    assert won.status_code == 200, won.text
    return contact.json()["id"], deal.json()["id"]


def test_a_won_deal_credits_its_contact_and_points_can_be_redeemed(
    client, tenant, other_tenant, nexus_database_url
):
    with EventWorkerHarness(client) as worker:
        member, deal = _win_a_deal(client, tenant)
        worker.wait_handled("loyalty", 1)
        shown = client.get(f"{MEMBERS}/{member}", headers=tenant.headers)
        assert shown.status_code == 200, shown.text
        detail = shown.json()
        assert (detail["balance"], detail["member_email"]) == (1250, "ada@example.com")
        assert [e["source"] for e in detail["history"]] == [f"crm.deal:{deal}"]

        redeemed = client.post(
            f"{MEMBERS}/{member}/redeem",
            json={"points": 250, "reason": "Coffee mug"},
            headers=tenant.headers,
        )
        assert redeemed.status_code == 200, redeemed.text
        assert redeemed.json()["balance"] == 1000

        too_many = client.post(
            f"{MEMBERS}/{member}/redeem",
            json={"points": 5000, "reason": "A car"},
            headers=tenant.headers,
        )
        assert too_many.status_code == 409
        assert "1000" in too_many.json()["detail"]

    (awarded,) = outbox(nexus_database_url, tenant, "loyalty.points.awarded.v1")
    assert awarded.data == {
        "member_id": member,
        "member_email": "ada@example.com",
        "points": 1250,
        "balance": 1250,
        "deal_id": deal,
    }
    (redemption,) = outbox(nexus_database_url, tenant, "loyalty.points.redeemed.v1")
    assert (redemption.data["points"], redemption.data["balance"]) == (250, 1000)
    # Every published event's data is what its declared payload says.
    for declared, event in ((AWARDED, awarded), (REDEEMED, redemption)):
        assert declared.payload is not None
        msgspec.convert(event.data, declared.payload)

    assert client.get(f"{MEMBERS}/{member}", headers=other_tenant.headers).status_code == 404
    assert client.get(MEMBERS, headers=other_tenant.headers).json()["items"] == []
    listed = client.get(MEMBERS, headers=tenant.headers).json()
    assert [(m["member_id"], m["balance"]) for m in listed["items"]] == [(member, 1000)]
    assert listed["next_cursor"] is None


def test_members_are_listed_by_balance_a_page_at_a_time(client, tenant):
    with EventWorkerHarness(client) as worker:
        members = {
            amount: _win_a_deal(client, tenant, amount=amount)[0]
            for amount in ("10.00", "30.00", "20.00")
        }
        worker.wait_handled("loyalty", 3)
    first = client.get(MEMBERS, params={"limit": 2}, headers=tenant.headers).json()
    assert [(m["member_id"], m["balance"]) for m in first["items"]] == [
        (members["30.00"], 30),
        (members["20.00"], 20),
    ]
    rest = client.get(
        MEMBERS, params={"limit": 2, "cursor": first["next_cursor"]}, headers=tenant.headers
    ).json()
    assert rest == {"items": [rest["items"][0]], "next_cursor": None}
    assert rest["items"][0]["member_id"] == members["10.00"]
    refused = client.get(MEMBERS, params={"cursor": "bm9wZQ"}, headers=tenant.headers)
    assert refused.status_code == 422
    assert [error["key"] for error in refused.json()["errors"]] == ["cursor"]


def test_the_tenants_settings_decide_the_rate(client, tenant, nexus_database_url):
    keep_settings(nexus_database_url, tenant, {"points_per_unit": 3, "currencies": ["EUR"]})
    with EventWorkerHarness(client) as worker:
        member, _ = _win_a_deal(client, tenant, amount="10.50")
        _, _ = _win_a_deal(client, tenant, amount="99.00", currency="USD")
        worker.wait_handled("loyalty", 2)
    detail = client.get(f"{MEMBERS}/{member}", headers=tenant.headers).json()
    assert detail["balance"] == 31


def test_with_awards_switched_off_a_won_deal_earns_nothing(client, tenant):
    off = client.put(
        "/api/v1/features/loyalty.awards", json={"enabled": False}, headers=tenant.headers
    )
    assert off.status_code == 200, off.text
    with EventWorkerHarness(client) as worker:
        member, _ = _win_a_deal(client, tenant)
        worker.wait_handled("loyalty", 1)
    assert client.get(f"{MEMBERS}/{member}", headers=tenant.headers).status_code == 404


def test_a_tenant_without_the_plugin_gets_404(client, tenant):
    off = client.put("/api/v1/features/loyalty", json={"enabled": False}, headers=tenant.headers)
    assert off.status_code == 200, off.text
    assert client.get(MEMBERS, headers=tenant.headers).status_code == 404
    member = uuid.uuid4()
    assert client.get(f"{MEMBERS}/{member}", headers=tenant.headers).status_code == 404


def test_redeeming_for_an_unknown_member_is_a_404(client, tenant):
    response = client.post(
        f"{MEMBERS}/{uuid.uuid4()}/redeem",
        json={"points": 1, "reason": "nothing"},
        headers=tenant.headers,
    )
    assert response.status_code == 404
