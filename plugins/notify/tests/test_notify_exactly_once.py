"""A worker killed mid-send neither loses nor duplicates a message (issue #21).

SMS and WhatsApp: the event handler only claims the delivery; the background sender calls
the provider after the claim committed and records the outcome in a second transaction. A
kill is simulated by raising at a chosen step: a transaction it interrupts rolls back as a
dying process's would. A provider call interrupted for good is found once its lease ran out
(the tests move ``called_at`` back instead of waiting two minutes) and reconciled.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any
from uuid import UUID

import nexus_notify._dispatch as dispatch
import nexus_notify._sender as sender
from nexus.testing import EventWorkerHarness, outbox_events, run_sync, tenant_transaction
from nexus_notify._settings import NotifySettings
from notify_fakes import TWILIO_SID, TWILIO_TOKEN
from notify_support import (
    API,
    BASE,
    WA_SECRET,
    configure,
    handled,
    ok,
    settled,
    twilio_signature_of,
)

if TYPE_CHECKING:
    import pytest
    from notify_fakes import FakeProviders

TWILIO = f"/2010-04-01/Accounts/{TWILIO_SID}/"


class Killed(RuntimeError):
    """The worker "dies" here."""


class Dying:
    """Wraps a step; its first call dies before (``after=False``) or after the real step."""

    def __init__(self, real: Any, *, after: bool) -> None:
        self.real, self.after = real, after
        self.calls = 0
        self.died = threading.Event()
        self.answered: Any = None

    async def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        if self.calls > 1:
            return await self.real(*args, **kwargs)
        if self.after:
            self.answered = await self.real(*args, **kwargs)
        self.died.set()
        raise Killed("worker killed")

    def wait(self) -> None:
        assert self.died.wait(20.0), "the step was never reached"


def _send(client: Any, tenant: Any, channel: str, text: str) -> dict[str, Any]:
    body = {
        "to": {"phone": "+14155550100"},
        "category": "alerts",
        "text": text,
        "channels": [channel],
    }
    return ok(client.post(f"{API}/messages", json=body, headers=tenant.headers), 201)


def _lease_over(db: str, tenant: Any, delivery_id: str) -> None:
    """The interrupted call's lease runs out (as two minutes passing would have it)."""

    async def run() -> None:
        async with tenant_transaction(db, tenant) as conn:
            moved = await conn.execute(
                "update notify_delivery set called_at = called_at - interval '5 minutes' "
                "where id = $1 and state = 'sending' and called_at is not null",
                UUID(delivery_id),
            )
            assert moved == "UPDATE 1", moved
            await conn.execute("select notify_due_at(now(), false)")

    run_sync(run())


def _bodies(fakes: FakeProviders, text: str) -> list[Any]:
    return [r for r in fakes.posts(TWILIO) if r.form().get("Body") == text]


def test_killed_after_twilio_accepted_the_retry_finds_its_sid_and_sends_nothing(
    client: Any, tenant: Any, notify_db: str, fakes: FakeProviders, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(client, notify_db, tenant, fakes)
    dying = Dying(sender.call, after=True)
    monkeypatch.setattr(sender, "call", dying)
    text = f"Door left open ({tenant.slug})"
    with EventWorkerHarness(client) as worker:
        sent = _send(client, tenant, "sms", text)
        delivery_id = sent["deliveries"][0]["id"]
        handled(worker, delivery_id)
    dying.wait()  # Twilio took it; the outcome was never recorded
    _lease_over(notify_db, tenant, delivery_id)
    [delivery] = settled(client, tenant, sent["id"])
    assert len(_bodies(fakes, text)) == 1  # not sent again
    assert (delivery["state"], delivery["provider_ref"]) == ("sent", dying.answered)
    asked = [r for r in fakes.to(TWILIO) if r.method == "GET" and "%2B14155550100" in r.path]
    assert asked and "DateSent%3E=" in asked[-1].path  # Twilio's list, by To and DateSent>
    assert len(outbox_events(notify_db, tenant, "notify.delivery.sent.v1")) == 1


def test_killed_before_the_twilio_call_the_retry_sends_exactly_once(
    client: Any, tenant: Any, notify_db: str, fakes: FakeProviders, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(client, notify_db, tenant, fakes)
    dying = Dying(sender.call, after=False)
    monkeypatch.setattr(sender, "call", dying)
    text = f"Gate left open ({tenant.slug})"
    with EventWorkerHarness(client) as worker:
        sent = _send(client, tenant, "sms", text)
        delivery_id = sent["deliveries"][0]["id"]
        handled(worker, delivery_id)
    dying.wait()
    assert _bodies(fakes, text) == []
    _lease_over(notify_db, tenant, delivery_id)
    [delivery] = settled(client, tenant, sent["id"])
    [request] = _bodies(fakes, text)  # Twilio had nothing: sent now, once
    assert (delivery["state"], delivery["attempts"]) == ("sent", 1)
    assert delivery["provider_ref"].startswith("SM")
    assert len(outbox_events(notify_db, tenant, "notify.delivery.sent.v1")) == 1


def test_killed_after_twilio_accepted_its_signed_status_callback_resolves_it(
    client: Any, tenant: Any, notify_db: str, fakes: FakeProviders, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(client, notify_db, tenant, fakes)
    dying = Dying(sender.call, after=True)
    monkeypatch.setattr(sender, "call", dying)
    text = f"Garage left open ({tenant.slug})"
    with EventWorkerHarness(client) as worker:
        sent = _send(client, tenant, "sms", text)
        delivery_id = sent["deliveries"][0]["id"]
        handled(worker, delivery_id)
    dying.wait()
    path = f"{API}/callbacks/{tenant.slug}/twilio/{delivery_id}"
    status = {"MessageSid": dying.answered, "MessageStatus": "delivered", "To": "+14155550100"}
    signature = twilio_signature_of(BASE + path, status, TWILIO_TOKEN)
    taken = client.post(path, data=status, headers={"X-Twilio-Signature": signature})
    assert taken.status_code == 204, taken.text
    [delivery] = settled(client, tenant, sent["id"])
    assert (delivery["state"], delivery["provider_ref"]) == ("sent", dying.answered)
    assert delivery["status"] == "delivered"
    assert len(_bodies(fakes, text)) == 1
    assert len(outbox_events(notify_db, tenant, "notify.delivery.sent.v1")) == 1


def test_killed_in_the_handler_before_the_claim_committed_sends_once(
    client: Any, tenant: Any, notify_db: str, fakes: FakeProviders, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(client, notify_db, tenant, fakes)
    monkeypatch.setattr(dispatch._due, "note_due", Dying(dispatch._due.note_due, after=True))
    text = f"Window left open ({tenant.slug})"
    with EventWorkerHarness(client) as worker:
        sent = _send(client, tenant, "sms", text)
        handled(worker, sent["deliveries"][0]["id"])
    [delivery] = settled(client, tenant, sent["id"])
    assert len(_bodies(fakes, text)) == 1
    assert (delivery["state"], delivery["attempts"]) == ("sent", 1)  # the killed try left nothing


def _wa_status(client: Any, tenant: Any, item: dict[str, Any]) -> Any:
    body = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "WABA",
                "changes": [
                    {
                        "field": "messages",
                        "value": {"messaging_product": "whatsapp", "statuses": [item]},
                    }
                ],
            }
        ],
    }
    raw = json.dumps(body).encode()
    signature = "sha256=" + hmac.new(WA_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    headers = {"content-type": "application/json", "X-Hub-Signature-256": signature}
    return ok(client.post(f"{API}/callbacks/{tenant.slug}/whatsapp", content=raw, headers=headers))


def _wa_posts(fakes: FakeProviders, delivery_id: str) -> list[Any]:
    return [
        r for r in fakes.posts("/v21.0/") if r.json().get("biz_opaque_callback_data") == delivery_id
    ]


def test_whatsapp_killed_after_acceptance_is_not_resent_and_its_status_resolves_it(
    client: Any, tenant: Any, notify_db: str, fakes: FakeProviders, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(client, notify_db, tenant, fakes)
    dying = Dying(sender.call, after=True)
    monkeypatch.setattr(sender, "call", dying)
    with EventWorkerHarness(client) as worker:
        sent = _send(client, tenant, "whatsapp", "Your table is ready")
        delivery_id = sent["deliveries"][0]["id"]
        handled(worker, delivery_id)
    dying.wait()
    item = {
        "id": dying.answered,
        "status": "delivered",
        "timestamp": "1765000000",
        "recipient_id": "14155550100",
        "biz_opaque_callback_data": delivery_id,
    }
    assert _wa_status(client, tenant, item) == {"changed": 1}
    [delivery] = settled(client, tenant, sent["id"])
    assert (delivery["state"], delivery["provider_ref"]) == ("sent", dying.answered)
    assert delivery["status"] == "delivered"
    assert len(_wa_posts(fakes, delivery_id)) == 1
    assert len(outbox_events(notify_db, tenant, "notify.delivery.sent.v1")) == 1


def test_whatsapp_killed_after_acceptance_without_news_is_unconfirmed_not_resent(
    client: Any, tenant: Any, notify_db: str, fakes: FakeProviders, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(client, notify_db, tenant, fakes)
    dying = Dying(sender.call, after=True)
    monkeypatch.setattr(sender, "call", dying)
    with EventWorkerHarness(client) as worker:
        sent = _send(client, tenant, "whatsapp", "Your car is ready")
        delivery_id = sent["deliveries"][0]["id"]
        handled(worker, delivery_id)
    dying.wait()
    _lease_over(notify_db, tenant, delivery_id)
    [delivery] = settled(client, tenant, sent["id"])
    assert delivery["state"] == "unconfirmed"
    assert "at most once" in delivery["error"]
    assert len(_wa_posts(fakes, delivery_id)) == 1  # never twice
    # A late status callback still resolves it.
    item = {"id": dying.answered, "status": "read", "biz_opaque_callback_data": delivery_id}
    assert _wa_status(client, tenant, item) == {"changed": 1}
    [delivery] = settled(client, tenant, sent["id"])
    assert (delivery["state"], delivery["status"]) == ("sent", "read")


def test_killed_after_the_endpoint_took_it_the_retry_carries_the_same_webhook_id(
    client: Any, tenant: Any, notify_db: str, fakes: FakeProviders, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(client, notify_db, tenant, fakes)
    path = f"/hooks/once-{tenant.slug}"
    body = {"url": fakes.base_url + path, "categories": ["alerts"]}
    ok(client.post(f"{API}/webhooks", json=body, headers=tenant.headers), 201)
    monkeypatch.setattr(dispatch, "record_outcome", Dying(dispatch.record_outcome, after=False))
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
        sent = _send(client, tenant, "sms", text)
        handled(worker, *[d["id"] for d in sent["deliveries"]])
    settled(client, tenant, sent["id"])
    delivery_id = sent["deliveries"][0]["id"]

    async def again() -> None:
        async with tenant_transaction(notify_db, tenant) as conn:

            async def settings() -> NotifySettings:
                return NotifySettings()

            ctx = SimpleNamespace(tenant_id=tenant.id, conn=conn, events=None, settings=settings)
            event = SimpleNamespace(id="redelivered", data={"delivery_id": delivery_id})
            await dispatch.deliver(event, ctx)  # type: ignore[arg-type]

    run_sync(again())
    assert len(_bodies(fakes, text)) == 1
    [delivery] = settled(client, tenant, sent["id"])
    assert delivery["state"] == "sent"
