"""A worker killed mid-send neither loses nor duplicates: the delivery row's state machine.

A kill is simulated by raising inside the send handler at a chosen step: the handler's
transaction rolls back as a dying worker's would, and the kernel hands the event again.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import nexus_notify._dispatch as dispatch
from nexus.testing import EventWorkerHarness, outbox_events, run_sync, tenant_transaction
from nexus_notify._settings import NotifySettings
from notify_fakes import TWILIO_SID
from notify_support import API, configure, handled, ok

if TYPE_CHECKING:
    import pytest
    from notify_fakes import FakeProviders


class Killed(RuntimeError):
    """The worker "dies" here."""


def _once(real: Any) -> Any:
    calls = {"n": 0}

    async def dying(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise Killed("worker killed")
        return await real(*args, **kwargs)

    return dying


def _sms(client: Any, tenant: Any, text: str) -> dict[str, Any]:
    body = {
        "to": {"phone": "+14155550100"},
        "category": "alerts",
        "text": text,
        "channels": ["sms"],
    }
    return ok(client.post(f"{API}/messages", json=body, headers=tenant.headers), 201)


def test_killed_before_the_provider_call_the_retry_sends_exactly_once(
    client: Any, tenant: Any, notify_db: str, fakes: FakeProviders, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(client, notify_db, tenant, fakes)
    monkeypatch.setattr(dispatch, "send", _once(dispatch.send))
    text = f"Door left open ({tenant.slug})"
    with EventWorkerHarness(client) as worker:
        sent = _sms(client, tenant, text)
        handled(worker, *[d["id"] for d in sent["deliveries"]])
    twilio = fakes.to(f"/2010-04-01/Accounts/{TWILIO_SID}/")
    assert len([r for r in twilio if r.form()["Body"] == text]) == 1
    [delivery] = ok(client.get(f"{API}/messages/{sent['id']}", headers=tenant.headers))[
        "deliveries"
    ]
    assert (delivery["state"], delivery["attempts"]) == ("sent", 1)  # the killed try left nothing
    assert len(outbox_events(notify_db, tenant, "notify.delivery.sent.v1")) == 1


def test_killed_after_the_endpoint_took_it_the_retry_carries_the_same_webhook_id(
    client: Any, tenant: Any, notify_db: str, fakes: FakeProviders, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(client, notify_db, tenant, fakes)
    path = f"/hooks/once-{tenant.slug}"
    body = {"url": fakes.base_url + path, "categories": ["alerts"]}
    ok(client.post(f"{API}/webhooks", json=body, headers=tenant.headers), 201)
    monkeypatch.setattr(dispatch, "record_outcome", _once(dispatch.record_outcome))
    with EventWorkerHarness(client) as worker:
        sent = ok(
            client.post(
                f"{API}/messages",
                json={
                    "to": {"email": "x@example.com"},
                    "category": "alerts",
                    "text": "t",
                    "channels": [],
                },
                headers=tenant.headers,
            ),
            201,
        )
        handled(worker, *[d["id"] for d in sent["deliveries"]])
    received = fakes.to(path)
    # The endpoint saw the attempt whose outcome was lost and the retry: one webhook-id, so
    # it keeps one (Standard Webhooks: receivers dedupe on webhook-id).
    assert len(received) == 2
    assert {r.headers["webhook-id"] for r in received} == {f"msg_{sent['deliveries'][0]['id']}"}
    assert len(outbox_events(notify_db, tenant, "notify.delivery.sent.v1")) == 1


def test_a_redelivered_event_of_a_sent_delivery_sends_nothing(
    client: Any, tenant: Any, notify_db: str, fakes: FakeProviders
) -> None:
    configure(client, notify_db, tenant, fakes)
    text = f"Only once ({tenant.slug})"
    with EventWorkerHarness(client) as worker:
        sent = _sms(client, tenant, text)
        handled(worker, *[d["id"] for d in sent["deliveries"]])
    delivery_id = sent["deliveries"][0]["id"]

    async def again() -> None:
        async with tenant_transaction(notify_db, tenant) as conn:

            async def settings() -> NotifySettings:
                return NotifySettings()

            ctx = SimpleNamespace(tenant_id=tenant.id, conn=conn, events=None, settings=settings)
            event = SimpleNamespace(id="redelivered", data={"delivery_id": delivery_id})
            await dispatch.deliver(event, ctx)  # type: ignore[arg-type]

    run_sync(again())
    twilio = fakes.to(f"/2010-04-01/Accounts/{TWILIO_SID}/")
    assert len([r for r in twilio if r.form()["Body"] == text]) == 1
