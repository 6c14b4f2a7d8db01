"""Messages: templates and Babel, idempotency, email through Mail, isolation, credentials."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus.testing import (
    EventWorkerHarness,
    make_tenant,
    outbox_events,
    run_sync,
    tenant_transaction,
)
from notify_fake_mail import SEEN
from notify_fakes import TWILIO_TOKEN
from notify_support import API, configure, handled, ok

if TYPE_CHECKING:
    from notify_fakes import FakeProviders

INVOICE = {
    "key": "billing.invoice_sent",
    "locale": "fr",
    "subject": "Facture {{ number }}",
    "text": "Bonjour {{ name }}, {{ total | money(currency) }} à payer le {{ due | date('long') }}"
    " ({{ count | number }} lignes).",
}


def test_a_template_renders_in_the_recipients_locale_with_babel(client: Any, tenant: Any) -> None:
    ok(client.post(f"{API}/templates", json=INVOICE, headers=tenant.headers), 201)
    english = dict(
        INVOICE,
        locale="en",
        subject="Invoice {{ number }}",
        text="Dear {{ name }}, {{ total | money(currency) }} is due {{ due | date }}.",
    )
    ok(client.post(f"{API}/templates", json=english, headers=tenant.headers), 201)
    data = {
        "number": "F-7",
        "name": "Ada",
        "total": "1250.5",
        "currency": "EUR",
        "due": "2026-12-31",
        "count": 1234,
    }
    fr = ok(
        client.post(
            f"{API}/templates/preview",
            headers=tenant.headers,
            json={"key": "billing.invoice_sent", "locale": "fr_FR", "data": data},
        )
    )
    assert fr["subject"] == "Facture F-7"
    assert "1\u202f250,50\u00a0€" in fr["text"]
    assert "31 décembre 2026" in fr["text"] and "1\u202f234 lignes" in fr["text"]
    en = ok(
        client.post(
            f"{API}/templates/preview",
            headers=tenant.headers,
            json={"key": "billing.invoice_sent", "locale": "en_US", "data": data},
        )
    )
    assert en["text"] == "Dear Ada, €1,250.50 is due Dec 31, 2026."
    missing = client.post(
        f"{API}/templates/preview",
        headers=tenant.headers,
        json={"key": "billing.invoice_sent", "locale": "en", "data": {}},
    )
    assert missing.status_code == 422 and "template.subject" in missing.text
    evil = dict(INVOICE, text="{{ ''.__class__.__mro__[1].__subclasses__() }}")
    ok(client.post(f"{API}/templates", json=evil, headers=tenant.headers), 201)
    refused = client.post(
        f"{API}/templates/preview",
        headers=tenant.headers,
        json={"key": "billing.invoice_sent", "locale": "fr", "data": data},
    )
    assert refused.status_code == 422  # the sandbox refuses it
    versions = ok(
        client.get(
            f"{API}/templates", params={"key": "billing.invoice_sent"}, headers=tenant.headers
        )
    )
    assert [(v["locale"], v["version"]) for v in versions] == [("en", 1), ("fr", 2), ("fr", 1)]
    first = ok(
        client.post(
            f"{API}/templates/preview",
            headers=tenant.headers,
            json={"key": "billing.invoice_sent", "locale": "fr", "version": 1, "data": data},
        )
    )
    assert first["version"] == 1 and first["subject"] == "Facture F-7"


def test_email_goes_through_mail_and_its_outcomes_come_back(
    client: Any, tenant: Any, notify_db: str, fakes: FakeProviders
) -> None:
    configure(client, notify_db, tenant, fakes, email_from="billing@acme.example")
    body = {
        "to": {"email": "ada@example.com", "name": "Ada"},
        "category": "billing",
        "subject": "Receipt",
        "text": "Thanks.",
        "email_headers": {"Message-ID": "<r1@acme>"},
        "reply_to": "help@acme.example",
        "idempotency_key": "receipt-1",
        "source_ref": "finance.invoice:1",
    }
    with EventWorkerHarness(client) as worker:
        first = ok(client.post(f"{API}/messages", json=body, headers=tenant.headers), 201)
        again = ok(client.post(f"{API}/messages", json=body, headers=tenant.headers), 201)
        bounced = ok(
            client.post(
                f"{API}/messages",
                headers=tenant.headers,
                json=dict(body, to={"email": "bounce@example.com"}, idempotency_key="receipt-2"),
            ),
            201,
        )
        handled(worker, first["deliveries"][0]["id"], types=("mail.outbound.sent.v1",))
        handled(worker, bounced["deliveries"][0]["id"], types=("mail.outbound.bounced.v1",))
    assert again["id"] == first["id"]
    assert [d["id"] for d in again["deliveries"]] == [d["id"] for d in first["deliveries"]]
    [requested] = [s for s in SEEN if s["delivery_id"] == first["deliveries"][0]["id"]]
    assert requested["to_address"] == "ada@example.com" and requested["to_name"] == "Ada"
    assert requested["from_address"] == "billing@acme.example"
    assert requested["headers"]["Message-ID"] == "<r1@acme>"
    assert requested["reply_to"] == "help@acme.example" and requested["category"] == "billing"
    shown = ok(client.get(f"{API}/messages/{first['id']}", headers=tenant.headers))
    assert shown["deliveries"][0]["state"] == "sent"
    assert shown["deliveries"][0]["provider_ref"] == "<r1@acme>"
    other = ok(client.get(f"{API}/messages/{bounced['id']}", headers=tenant.headers))
    assert (other["deliveries"][0]["state"], other["deliveries"][0]["status"]) == (
        "sent",
        "bounced",
    )
    assert len(outbox_events(notify_db, tenant, "notify.email.requested.v1")) == 2


def test_another_tenants_message_answers_404(client: Any, tenant: Any, notify_db: str) -> None:
    body = {
        "to": {"user_id": "0190f5a2-7c1e-7a00-8000-000000000009"},
        "category": "x",
        "subject": "s",
        "text": "t",
        "channels": ["in_app"],
    }
    sent = ok(client.post(f"{API}/messages", json=body, headers=tenant.headers), 201)
    other = make_tenant(notify_db)
    assert client.get(f"{API}/messages/{sent['id']}", headers=other.headers).status_code == 404
    assert ok(client.get(f"{API}/messages/{sent['id']}", headers=tenant.headers))


def test_credentials_are_encrypted_at_rest_never_answered_and_rotate(
    client: Any, tenant: Any, notify_db: str, fakes: FakeProviders, monkeypatch: Any
) -> None:
    import os

    from cryptography.fernet import Fernet

    configure(client, notify_db, tenant, fakes)
    listed = ok(client.get(f"{API}/providers", headers=tenant.headers))
    assert {p["provider"] for p in listed} == {"twilio", "africastalking", "whatsapp"}
    assert TWILIO_TOKEN not in str(listed)

    async def stored() -> str:
        async with tenant_transaction(notify_db, tenant) as conn:
            return str(
                await conn.fetchval(
                    "select config_enc from notify_provider where provider = 'twilio'"
                )
            )

    before = run_sync(stored())
    assert TWILIO_TOKEN not in before
    old = os.environ["NEXUS_NOTIFY_KEYS"]
    new = Fernet.generate_key().decode()
    monkeypatch.setenv("NEXUS_NOTIFY_KEYS", f"{new},{old}")
    rotated = ok(client.post(f"{API}/providers/rotate", headers=tenant.headers))
    assert rotated["rotated"] == 3
    after = run_sync(stored())
    assert after != before
    assert TWILIO_TOKEN in Fernet(new.encode()).decrypt(after.encode()).decode()
    bad = client.put(f"{API}/providers/twilio", json={"account_sid": "AC1"}, headers=tenant.headers)
    assert bad.status_code == 422
