"""A campaign to a 1,000-contact segment: throttled batches through the outbox into notify,
opens and clicks recorded, an unsubscribe honored by the next campaign."""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import unquote
from uuid import UUID

import nexus_marketing
from marketing_helpers import API, fetch, get, ok, post, seed_contacts
from marketing_notify import ASKED
from nexus.testing import (
    EventWorkerHarness,
    create_test_client,
    make_tenant,
    set_plugin_settings,
)

CONSUMER = "marketing"
BATCH = "marketing.batch.queued.v1"
_PIXEL = re.compile(r'<img src="[^"]*/public/[^/]+(/o/[^"]+)"')
_LINK = re.compile(r'href="[^"]*/public/[^/]+(/c/[^"]+)"')


def _sent_for(campaign_id: str) -> list[Any]:
    return [s for s in ASKED if s.source_ref == f"marketing.campaign:{campaign_id}"]


def _sweep_when_due(client: Any, tenant: Any, url: str, campaign_id: str) -> int:
    """Sleep until the campaign's last batch is due (the rate spaced them out), then sweep."""
    [row] = fetch(
        url,
        "select greatest(extract(epoch from max(due_at) - now()), 0) as wait "
        "from marketing_batch where campaign_id = $1",
        UUID(campaign_id),
    )
    time.sleep(float(row["wait"]) + 0.05)
    swept: int = post(client, tenant, "/campaigns/sweep", {})["sent"]
    return swept


def _campaign(client: Any, tenant: Any, segment_id: str, **fields: Any) -> dict[str, Any]:
    body = {
        "name": "Spring sale",
        "segment_id": segment_id,
        "subject": "Hello {{ first_name }}",
        "subject_b": "20 % off",
        "text": "Hi {{ name }}",
        "html": '<p>Hi {{ name }} <a href="https://shop.example/spring?a=1">sale</a></p>',
        **fields,
    }
    created: dict[str, Any] = post(client, tenant, "/campaigns", body)
    return created


def test_thousand_contacts_send_track_and_unsubscribe(
    client: Any, tenant: Any, marketing_db: str
) -> None:
    base = f"https://nexus.example{API}/public/{tenant.slug}"
    set_plugin_settings(
        marketing_db, tenant, "marketing", {"public_url": base, "rate_per_minute": 100_000}
    )
    get(client, tenant, "/contacts")
    seed_contacts(marketing_db, tenant, 1000, tags=["newsletter"])
    seed_contacts(marketing_db, tenant, 5, tags=["newsletter"], confirmed=False)
    segment = post(client, tenant, "/segments", {"name": "News", "tags_all": ["newsletter"]})
    assert get(client, tenant, f"/segments/{segment['id']}/count") == {"contacts": 1000}
    campaign = _campaign(client, tenant, segment["id"])
    with EventWorkerHarness(client) as worker:
        sent = post(client, tenant, f"/campaigns/{campaign['id']}/send", {}, 202)
        assert (sent["status"], sent["recipients"]) == ("sending", 1000)
        worker.wait_handled_type(CONSUMER, BATCH, 10)
    early = len(_sent_for(campaign["id"]))
    assert early >= 100  # the first batch is due at once
    assert _sweep_when_due(client, tenant, marketing_db, campaign["id"]) == 1000 - early
    messages = _sent_for(campaign["id"])
    assert len(messages) == 1000
    assert len({m.to.email for m in messages}) == 1000
    assert {m.subject.split(" ")[0] for m in messages} == {"Hello", "20"}
    first = messages[0]
    assert first.category == "marketing" and first.channels == ["email"]
    assert first.email_headers["List-Unsubscribe"].startswith(f"<{base}/unsubscribe/")
    report = get(client, tenant, f"/campaigns/{campaign['id']}/report")
    assert (report["status"], report["sent"], report["opened"]) == ("sent", 1000, 0)
    assert sorted(v["recipients"] for v in report["variants"]) == [500, 500]

    assert first.html is not None
    pixel = _PIXEL.search(first.html)
    link = _LINK.search(first.html)
    assert pixel and link
    opened = client.get(f"{API}/public/{tenant.slug}{pixel.group(1)}")
    assert opened.status_code == 200 and opened.headers["content-type"] == "image/gif"
    clicked = client.get(
        f"{API}/public/{tenant.slug}{unquote(link.group(1))}", follow_redirects=False
    )
    assert clicked.status_code == 302
    assert clicked.headers["location"] == "https://shop.example/spring?a=1"
    forged = client.get(f"{API}/public/{tenant.slug}/c/x.y", follow_redirects=False)
    assert forged.status_code == 404
    report = get(client, tenant, f"/campaigns/{campaign['id']}/report")
    assert (report["opened"], report["clicked"]) == (1, 1)

    leave = first.email_headers["List-Unsubscribe"].strip("<>").removeprefix(base)
    ok(client.post(f"{API}/public/{tenant.slug}{leave}"))
    again = _campaign(client, tenant, segment["id"], name="Summer sale")
    with EventWorkerHarness(client) as worker:
        post(client, tenant, f"/campaigns/{again['id']}/send", {}, 202)
        worker.wait_handled_type(CONSUMER, BATCH, 10)
    _sweep_when_due(client, tenant, marketing_db, again["id"])
    second = _sent_for(again["id"])
    assert len(second) == 999
    assert first.to.email not in {m.to.email for m in second}
    assert get(client, tenant, f"/campaigns/{campaign['id']}/report")["unsubscribed"] == 1
    ok(client.post(f"{API}/campaigns/{again['id']}/send", headers=tenant.headers), 409)


def test_the_rate_spaces_batches_and_the_sweep_sends_only_due_ones(
    client: Any, tenant: Any, marketing_db: str
) -> None:
    set_plugin_settings(marketing_db, tenant, "marketing", {"rate_per_minute": 100})
    get(client, tenant, "/contacts")
    seed_contacts(marketing_db, tenant, 250, tags=["slow"])
    segment = post(client, tenant, "/segments", {"name": "Slow", "tags_any": ["slow", "x"]})
    campaign = _campaign(client, tenant, segment["id"])
    assert campaign["rate_per_minute"] == 100
    with EventWorkerHarness(client) as worker:
        post(client, tenant, f"/campaigns/{campaign['id']}/send", {}, 202)
        worker.wait_handled_type(CONSUMER, BATCH, 3)
    assert len(_sent_for(campaign["id"])) == 100
    batches = fetch(
        marketing_db,
        "select number, due_at - (select min(due_at) from marketing_batch where "
        "campaign_id = $1) as later, sent_at is not null as sent from marketing_batch "
        "where campaign_id = $1 order by number",
        UUID(campaign["id"]),
    )
    assert [(b["later"].total_seconds(), b["sent"]) for b in batches] == [
        (0, True),
        (60, False),
        (120, False),
    ]
    assert post(client, tenant, "/campaigns/sweep", {}) == {"sent": 0}
    assert get(client, tenant, f"/campaigns/{campaign['id']}/report")["status"] == "sending"


def test_with_notify_off_batches_wait_for_the_sweep(marketing_db: str) -> None:
    with create_test_client([nexus_marketing], database_url=marketing_db) as alone:
        tenant = make_tenant(marketing_db)
        get(alone, tenant, "/contacts")
        seed_contacts(marketing_db, tenant, 3, tags=["off"])
        segment = post(alone, tenant, "/segments", {"name": "Off", "tags_all": ["off"]})
        campaign = _campaign(alone, tenant, segment["id"])
        with EventWorkerHarness(alone) as worker:
            post(alone, tenant, f"/campaigns/{campaign['id']}/send", {}, 202)
            worker.wait_handled_type(CONSUMER, BATCH, 1)
        report = get(alone, tenant, f"/campaigns/{campaign['id']}/report")
        assert (report["status"], report["recipients"], report["sent"]) == ("sending", 3, 0)
        assert post(alone, tenant, "/campaigns/sweep", {}) == {"sent": 0}
