"""SMS and WhatsApp go out to the fake providers; signed status callbacks update them."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from nexus.testing import EventWorkerHarness
from notify_fakes import AT_KEY, TWILIO_SID, TWILIO_TOKEN, FakeProviders
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


def _send(client: Any, tenant: Any, **body: Any) -> dict[str, Any]:
    message = {
        "to": {"phone": "+254711000111", "name": "Wanjiru", "locale": "en_KE"},
        "category": "orders.updates",
        **body,
    }
    return ok(client.post(f"{API}/messages", json=message, headers=tenant.headers), 201)


def _delivery(client: Any, tenant: Any, message_id: str) -> dict[str, Any]:
    [delivery] = settled(client, tenant, message_id)
    return delivery


def test_twilio_sms_goes_out_and_its_signed_callback_updates_the_status(
    client: Any, tenant: Any, notify_db: str, fakes: FakeProviders
) -> None:
    configure(client, notify_db, tenant, fakes)
    with EventWorkerHarness(client) as worker:
        sent = _send(client, tenant, text="Your order shipped.", channels=["sms"])
        handled(worker, *[d["id"] for d in sent["deliveries"]])
    delivery = _delivery(client, tenant, sent["id"])
    assert delivery["state"] == "sent"
    assert delivery["provider"] == "twilio"
    [request] = [
        r
        for r in fakes.posts(f"/2010-04-01/Accounts/{TWILIO_SID}/")
        if r.form()["Body"] == "Your order shipped."
    ]
    form = request.form()
    assert form["To"] == "+254711000111"
    assert form["From"] == "+15005550006"
    callback_path = f"{API}/callbacks/{tenant.slug}/twilio/{delivery['id']}"
    assert form["StatusCallback"] == BASE + callback_path
    assert delivery["provider_ref"].startswith("SM")

    status = {
        "MessageSid": delivery["provider_ref"],
        "MessageStatus": "delivered",
        "AccountSid": TWILIO_SID,
        "To": "+254711000111",
    }
    unsigned = client.post(callback_path, data=status)
    assert unsigned.status_code == 401
    wrong = twilio_signature_of(BASE + callback_path, status, "not-the-token")
    refused = client.post(callback_path, data=status, headers={"X-Twilio-Signature": wrong})
    assert refused.status_code == 403
    assert _delivery(client, tenant, sent["id"])["status"] is None
    right = twilio_signature_of(BASE + callback_path, status, TWILIO_TOKEN)
    taken = client.post(callback_path, data=status, headers={"X-Twilio-Signature": right})
    assert taken.status_code == 204, taken.text
    assert _delivery(client, tenant, sent["id"])["status"] == "delivered"


def test_a_whatsapp_template_message_goes_out_and_metas_signed_status_updates_it(
    client: Any, tenant: Any, notify_db: str, fakes: FakeProviders
) -> None:
    configure(client, notify_db, tenant, fakes)
    template = {
        "key": "orders.shipped",
        "locale": "en",
        "subject": "Order {{ number }} shipped",
        "text": "Order {{ number }} is on its way.",
        "whatsapp_template": "order_shipped",
        "whatsapp_params": ["name", "number"],
    }
    ok(client.post(f"{API}/templates", json=template, headers=tenant.headers), 201)
    with EventWorkerHarness(client) as worker:
        sent = _send(
            client,
            tenant,
            template="orders.shipped",
            channels=["whatsapp"],
            data={"name": "Wanjiru", "number": "SO-12"},
        )
        handled(worker, *[d["id"] for d in sent["deliveries"]])
    delivery = _delivery(client, tenant, sent["id"])
    assert delivery["state"] == "sent", delivery
    [request] = [
        r
        for r in fakes.to("/v21.0/")
        if r.json()["to"] == "254711000111" and r.json()["template"]["name"] == "order_shipped"
    ]
    body = request.json()
    assert body["messaging_product"] == "whatsapp"
    assert body["type"] == "template"
    assert body["template"]["language"] == {"code": "en"}  # the template's approved language
    assert body["template"]["components"] == [
        {
            "type": "body",
            "parameters": [{"type": "text", "text": "Wanjiru"}, {"type": "text", "text": "SO-12"}],
        }
    ]

    path = f"{API}/callbacks/{tenant.slug}/whatsapp"
    status = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "WABA",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "statuses": [
                                {
                                    "id": delivery["provider_ref"],
                                    "status": "read",
                                    "timestamp": "1765000000",
                                    "recipient_id": "254711000111",
                                }
                            ],
                        },
                    }
                ],
            }
        ],
    }
    raw = json.dumps(status).encode()
    signature = "sha256=" + hmac.new(WA_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    headers = {"content-type": "application/json"}
    assert client.post(path, content=raw, headers=headers).status_code == 401
    forged = "sha256=" + hmac.new(b"guess", raw, hashlib.sha256).hexdigest()
    refused = client.post(path, content=raw, headers={**headers, "X-Hub-Signature-256": forged})
    assert refused.status_code == 403
    taken = client.post(path, content=raw, headers={**headers, "X-Hub-Signature-256": signature})
    assert ok(taken) == {"changed": 1}
    assert _delivery(client, tenant, sent["id"])["status"] == "read"
    challenge = client.get(
        path,
        params={
            "hub.mode": "subscribe",
            "hub.verify_token": "verify-me",
            "hub.challenge": "1158201444",
        },
    )
    assert challenge.status_code == 200 and challenge.text == "1158201444"
    assert (
        client.get(
            path, params={"hub.mode": "subscribe", "hub.verify_token": "no", "hub.challenge": "1"}
        ).status_code
        == 403
    )


def test_africas_talking_sms_and_its_tokened_delivery_report(
    client: Any, tenant: Any, notify_db: str, fakes: FakeProviders
) -> None:
    configure(client, notify_db, tenant, fakes, sms_provider="africastalking")
    with EventWorkerHarness(client) as worker:
        sent = _send(client, tenant, text="Karibu!", channels=["sms"])
        handled(worker, *[d["id"] for d in sent["deliveries"]])
    delivery = _delivery(client, tenant, sent["id"])
    assert (delivery["state"], delivery["provider"]) == ("sent", "africastalking")
    [request] = [r for r in fakes.to("/version1/messaging") if r.form()["message"] == "Karibu!"]
    assert request.headers["apiKey"] == AT_KEY
    assert request.form()["from"] == "NEXUS"

    url = ok(client.get(f"{API}/providers/africastalking/callback", headers=tenant.headers))["url"]
    path = url.removeprefix(BASE)
    report = {
        "id": delivery["provider_ref"],
        "status": "Success",
        "phoneNumber": "+254711000111",
        "networkCode": "63902",
        "retryCount": "0",
    }
    forged = path.rsplit("/", 1)[0] + "/not-the-token"
    assert client.post(forged, data=report).status_code == 403
    assert ok(client.post(path, data=report)) == {"changed": True}
    assert _delivery(client, tenant, sent["id"])["status"] == "delivered"


def test_a_provider_refusal_fails_the_delivery_for_good(
    client: Any, tenant: Any, notify_db: str, fakes: FakeProviders
) -> None:
    configure(client, notify_db, tenant, fakes)
    wrong = {
        "account_sid": TWILIO_SID,
        "auth_token": "wrong",
        "from_number": "+15005550006",
        "base_url": fakes.base_url,
    }
    ok(client.put(f"{API}/providers/twilio", json=wrong, headers=tenant.headers))
    with EventWorkerHarness(client) as worker:
        sent = _send(client, tenant, text="Hello", channels=["sms"])
        handled(worker, *[d["id"] for d in sent["deliveries"]])
    delivery = _delivery(client, tenant, sent["id"])
    assert delivery["state"] == "failed"
    assert "20003" in delivery["error"] and "401" in delivery["error"]
