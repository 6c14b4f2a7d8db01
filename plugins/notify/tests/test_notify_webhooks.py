"""Outgoing webhooks: signed per Standard Webhooks, retried with backoff, dead letters, replay."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus.testing import EventWorkerHarness
from notify_support import API, configure, handled, ok
from standardwebhooks.webhooks import Webhook

if TYPE_CHECKING:
    from notify_fakes import FakeProviders


def _endpoint(client: Any, tenant: Any, fakes: FakeProviders, name: str) -> dict[str, Any]:
    body = {"url": f"{fakes.base_url}/hooks/{name}", "categories": ["orders.updates"]}
    return ok(client.post(f"{API}/webhooks", json=body, headers=tenant.headers), 201)


def _message(client: Any, tenant: Any) -> dict[str, Any]:
    body = {
        "to": {"email": "ops@example.com"},
        "category": "orders.updates",
        "subject": "Order SO-9 shipped",
        "text": "It left the warehouse.",
        "channels": [],
    }
    return ok(client.post(f"{API}/messages", json=body, headers=tenant.headers), 201)


def test_an_endpoint_gets_a_signed_event_on_the_third_try_after_failing_twice(
    client: Any, tenant: Any, notify_db: str, fakes: FakeProviders
) -> None:
    configure(client, notify_db, tenant, fakes, retry_base_seconds=0)
    endpoint = _endpoint(client, tenant, fakes, f"thrice-{tenant.slug}")
    assert endpoint["secret"].startswith("whsec_")
    path = f"/hooks/thrice-{tenant.slug}"
    fakes.failures[path] = 2
    with EventWorkerHarness(client) as worker:
        sent = _message(client, tenant)
        received = fakes.wait_for(path, 3)
        handled(worker, sent["deliveries"][0]["id"], times=3)
    [delivery] = sent["deliveries"]
    assert delivery["channel"] == "webhook"
    verifier = Webhook(endpoint["secret"])
    ids = set()
    for request in received:
        payload = verifier.verify(request.body, request.headers)  # raises when not signed right
        assert payload["data"]["message_id"] == sent["id"]
        ids.add(request.headers["webhook-id"])
    assert ids == {f"msg_{delivery['id']}"}  # one id across the retries: receivers dedupe
    tampered = dict(received[0].headers, **{"webhook-signature": "v1,AAAA"})
    try:
        verifier.verify(received[0].body, tampered)
    except Exception:  # noqa: BLE001 - the package's WebhookVerificationError
        pass
    else:
        raise AssertionError("a wrong signature verified")
    listed = ok(client.get(f"{API}/webhooks/deliveries", headers=tenant.headers))
    [shown] = [d for d in listed if d["id"] == delivery["id"]]
    assert (shown["state"], shown["attempts"]) == ("sent", 3)
    [listed_endpoint] = ok(client.get(f"{API}/webhooks", headers=tenant.headers))
    assert listed_endpoint["secret"] is None  # shown once, when it was created


def test_a_failing_endpoint_is_dead_lettered_then_replayed(
    client: Any, tenant: Any, notify_db: str, fakes: FakeProviders
) -> None:
    configure(client, notify_db, tenant, fakes, retry_base_seconds=0, max_attempts=2)
    _endpoint(client, tenant, fakes, f"dead-{tenant.slug}")
    path = f"/hooks/dead-{tenant.slug}"
    fakes.failures[path] = 2
    with EventWorkerHarness(client) as worker:
        sent = _message(client, tenant)
        fakes.wait_for(path, 2)
        handled(worker, sent["deliveries"][0]["id"], times=2)
    [delivery] = sent["deliveries"]
    dead = ok(
        client.get(f"{API}/webhooks/deliveries", params={"only": "dead"}, headers=tenant.headers)
    )
    assert [d["id"] for d in dead] == [delivery["id"]]
    assert dead[0]["attempts"] == 2 and "HTTP 500" in dead[0]["error"]
    with EventWorkerHarness(client) as worker:
        replayed = client.post(
            f"{API}/webhooks/deliveries/{delivery['id']}/replay", headers=tenant.headers
        )
        assert ok(replayed, 202)["state"] == "queued"
        fakes.wait_for(path, 3)
        handled(worker, delivery["id"])
    listed = ok(client.get(f"{API}/webhooks/deliveries", headers=tenant.headers))
    assert [d["state"] for d in listed if d["id"] == delivery["id"]] == ["sent"]
    again = client.post(
        f"{API}/webhooks/deliveries/{delivery['id']}/replay", headers=tenant.headers
    )
    assert again.status_code == 202  # a sent one may be replayed too (same webhook-id)


def test_an_endpoint_on_the_deployments_own_network_is_refused(
    client: Any, tenant: Any, notify_db: str, fakes: FakeProviders, monkeypatch: Any
) -> None:
    configure(client, notify_db, tenant, fakes)
    _endpoint(client, tenant, fakes, f"inside-{tenant.slug}")
    monkeypatch.delenv("NEXUS_NOTIFY_ALLOW_PRIVATE_URLS")
    with EventWorkerHarness(client) as worker:
        sent = _message(client, tenant)
        handled(worker, sent["deliveries"][0]["id"])
    [delivery] = ok(client.get(f"{API}/messages/{sent['id']}", headers=tenant.headers))[
        "deliveries"
    ]
    assert delivery["state"] == "failed"
    assert "non-public address" in delivery["error"]
    assert fakes.to(f"/hooks/inside-{tenant.slug}") == []
