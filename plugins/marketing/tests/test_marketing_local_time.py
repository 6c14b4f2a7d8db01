"""A campaign scheduled "09:00 local" is due for each contact at 09:00 in the contact's time
zone, the default zone (a setting) when the contact's is unknown or not a zone."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from marketing_helpers import fetch, get, post, seed_contacts
from nexus.testing import set_plugin_settings
from nexus_marketing._send import local_due

ZONES = ["Asia/Tokyo", "America/New_York", None, "Mars/Olympus_Mons", "Asia/Tokyo"]


def test_local_due_is_the_next_nine_oclock_in_the_zone() -> None:
    nine = dt.time(9, 0)
    tokyo = ZoneInfo("Asia/Tokyo")
    before = dt.datetime(2026, 12, 7, 23, 0, tzinfo=dt.UTC)  # 08:00 in Tokyo
    assert local_due(before, nine, tokyo) == dt.datetime(2026, 12, 8, 0, 0, tzinfo=dt.UTC)
    after = dt.datetime(2026, 12, 8, 1, 0, tzinfo=dt.UTC)  # 10:00 in Tokyo: tomorrow
    assert local_due(after, nine, tokyo) == dt.datetime(2026, 12, 9, 0, 0, tzinfo=dt.UTC)
    ny = ZoneInfo("America/New_York")  # the day summer time starts: 09:00 is UTC-4
    spring = dt.datetime(2026, 3, 8, 5, 0, tzinfo=dt.UTC)
    assert local_due(spring, nine, ny) == dt.datetime(2026, 3, 8, 13, 0, tzinfo=dt.UTC)


def test_a_campaign_at_nine_local_is_due_at_nine_in_each_contacts_zone(
    client: Any, tenant: Any, marketing_db: str
) -> None:
    set_plugin_settings(marketing_db, tenant, "marketing", {"default_time_zone": "Europe/Berlin"})
    get(client, tenant, "/contacts")
    ids = seed_contacts(marketing_db, tenant, len(ZONES), tags=["tz"])
    for contact, zone in zip(ids, ZONES, strict=True):
        fetch(
            marketing_db,
            "update marketing_contact set time_zone = $2 where id = $1 returning id",
            contact,
            zone,
        )
    body = {"name": "Morning", "subject": "Good morning", "text": "Hi", "local_time": "09:00"}
    campaign = post(client, tenant, "/campaigns", body)
    assert campaign["local_time"] == "09:00"
    bad = client.post(
        "/api/v1/marketing/campaigns", json={**body, "local_time": "9am"}, headers=tenant.headers
    )
    assert bad.status_code == 422
    sent = post(client, tenant, f"/campaigns/{campaign['id']}/send", {}, 202)
    assert sent["recipients"] == len(ZONES)
    started = dt.datetime.fromisoformat(
        get(client, tenant, f"/campaigns/{campaign['id']}")["started_at"]
    )
    rows = fetch(
        marketing_db,
        "select r.contact_id, b.due_at from marketing_recipient r join marketing_batch b "
        "on b.campaign_id = r.campaign_id and b.number = r.batch where r.campaign_id = $1",
        UUID(campaign["id"]),
    )
    due = {row["contact_id"]: row["due_at"] for row in rows}
    for contact, zone in zip(ids, ZONES, strict=True):
        expected = ZoneInfo(zone if zone in ("Asia/Tokyo", "America/New_York") else "Europe/Berlin")
        local = due[contact].astimezone(expected)
        assert (local.hour, local.minute) == (9, 0), (zone, local)
        assert dt.timedelta(0) <= due[contact] - started < dt.timedelta(days=1)
    # one batch per distinct instant: Tokyo (2 contacts), New York, Berlin (2)
    batches = fetch(
        marketing_db,
        "select count(*) as n from marketing_batch where campaign_id = $1",
        UUID(campaign["id"]),
    )
    assert batches[0]["n"] == 3
