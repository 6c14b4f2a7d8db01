"""Issue #30's "done when" with the real Notifications plugin: a campaign to a 1,000-contact
segment goes through the outbox in throttled batches, into notify.send, out through notify's
SMTP transport to a local relay; an open and a click are recorded, and a one-click
unsubscribe keeps that contact out of the next campaign."""

from __future__ import annotations

import os
import re
import time
from typing import TYPE_CHECKING, Any
from uuid import UUID

import pytest
from cryptography.fernet import Fernet
from marketing_helpers import API, fetch, get, ok, post, seed_contacts
from marketing_smtp_sink import SmtpSink
from nexus.testing import (
    EventWorkerHarness,
    create_test_client,
    make_tenant,
    migrated_database,
    set_plugin_settings,
)

os.environ.setdefault("NEXUS_NOTIFY_KEYS", Fernet.generate_key().decode())

import nexus_marketing  # noqa: E402
import nexus_notify  # noqa: E402 - after the key is configured

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [nexus_marketing, nexus_notify]
_PIXEL = re.compile(r'src="[^"]*/public/[^/]+(/o/[^"]+)"')
_LINK = re.compile(r'href="[^"]*/public/[^/]+(/c/[^"]+)"')


@pytest.fixture(scope="module")
def marketing_db(nexus_postgres_server: str) -> Iterator[str]:
    with migrated_database(nexus_postgres_server, PLUGINS) as url:
        yield url


@pytest.fixture(scope="module")
def client(marketing_db: str) -> Iterator[Any]:
    with create_test_client(PLUGINS, database_url=marketing_db) as test_client:
        yield test_client


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    relay = SmtpSink()
    yield relay
    relay.close()


def _send_all(
    client: Any, tenant: Any, url: str, campaign_id: str, worker: Any, batches: int
) -> None:
    post(client, tenant, f"/campaigns/{campaign_id}/send", {}, 202)
    worker.wait_handled_type("marketing", "marketing.batch.queued.v1", batches)
    [row] = fetch(
        url,
        "select greatest(extract(epoch from max(due_at) - now()), 0) as wait "
        "from marketing_batch where campaign_id = $1",
        UUID(campaign_id),
    )
    time.sleep(float(row["wait"]) + 0.05)
    post(client, tenant, "/campaigns/sweep", {})


def _html(message: Any) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/html":
            return str(part.get_payload(decode=True).decode())
    raise AssertionError("no HTML part")


@pytest.mark.slow
def test_a_thousand_contact_campaign_through_the_real_notify_and_smtp(
    client: Any, marketing_db: str, sink: SmtpSink
) -> None:
    tenant = make_tenant(marketing_db)
    base = f"https://nexus.example{API}/public/{tenant.slug}"
    set_plugin_settings(
        marketing_db,
        tenant,
        "marketing",
        {"public_url": base, "rate_per_minute": 60_000, "batch_size": 100},
    )
    set_plugin_settings(
        marketing_db,
        tenant,
        "notify",
        {"email_transport": "smtp", "email_from": "news@acme.example"},
    )
    relay = {"host": "127.0.0.1", "port": sink.port, "start_tls": False}
    ok(client.put("/api/v1/notify/providers/smtp", json=relay, headers=tenant.headers))
    get(client, tenant, "/contacts")
    ids = seed_contacts(marketing_db, tenant, 1000, tags=["newsletter"])
    segment = post(client, tenant, "/segments", {"name": "News", "tags_all": ["newsletter"]})
    body = {
        "name": "Spring sale",
        "segment_id": segment["id"],
        "subject": "Hello {{ first_name }}",
        "text": "Hi {{ name }}",
        "html": '<p>Hi {{ name }} <a href="https://shop.example/spring">sale</a></p>',
    }
    campaign = post(client, tenant, "/campaigns", body)
    with EventWorkerHarness(client) as worker:
        _send_all(client, tenant, marketing_db, campaign["id"], worker, 10)
        messages = sink.wait_for(1000, timeout=240)
    assert len({recipients[0] for _, recipients, _ in messages}) == 1000
    spacing = fetch(
        marketing_db,
        "select extract(epoch from max(due_at) - min(due_at)) as spread, count(*) as n "
        "from marketing_batch where campaign_id = $1",
        UUID(campaign["id"]),
    )
    assert spacing[0]["n"] == 10
    assert float(spacing[0]["spread"]) == pytest.approx(0.9)  # 100 a batch at 60,000 a minute
    _, [first_to], first = messages[0]
    assert first["From"] == "news@acme.example"
    html = _html(first)
    pixel, link = _PIXEL.search(html), _LINK.search(html)
    assert pixel and link
    assert client.get(f"{API}/public/{tenant.slug}{pixel.group(1)}").status_code == 200
    clicked = client.get(f"{API}/public/{tenant.slug}{link.group(1)}", follow_redirects=False)
    assert clicked.status_code == 302
    report = get(client, tenant, f"/campaigns/{campaign['id']}/report")
    assert (report["sent"], report["opened"], report["clicked"]) == (1000, 1, 1)

    # RFC 2369: the header carries the URL itself, never RFC 2047 encoded words.
    header = first["List-Unsubscribe"]
    assert "=?" not in header
    leave = header.split(",")[0].strip().strip("<>")
    assert leave.startswith(f"{base}/unsubscribe/")
    ok(client.post(f"{API}/public/{tenant.slug}{leave.removeprefix(base)}"))
    # The next campaign, to a list of the unsubscribed contact and nine others (seeded as
    # c<n>@example.com in the order of ``ids``): nine messages, none to that contact.
    number = int(first_to.removeprefix("c").split("@")[0])
    others = [i for i in ids if i != ids[number - 1]][:9]
    members = [str(ids[number - 1]), *map(str, others)]
    listed = post(client, tenant, "/lists", {"name": "Next"})
    post(client, tenant, f"/lists/{listed['id']}/members", {"contact_ids": members})
    next_body = {**body, "name": "Summer sale", "segment_id": None, "list_id": listed["id"]}
    again = post(client, tenant, "/campaigns", next_body)
    assert again["list_id"] == listed["id"]
    with EventWorkerHarness(client) as worker:
        _send_all(client, tenant, marketing_db, again["id"], worker, 1)
        messages = sink.wait_for(1009, timeout=60)
    time.sleep(0.5)  # a tenth message would have arrived by now
    second = [recipients[0] for _, recipients, _ in sink.messages[1000:]]
    assert len(second) == 9
    assert first_to not in second
