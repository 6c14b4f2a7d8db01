"""Retention per tenant: the sweep deletes messages older than the tenant's days, only its."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

import nexus_chat
from nexus.testing import make_tenant, set_plugin_settings
from nexus_chat._retention import sweep

API = "/api/v1/chat"


def _post(client, tenant, body):
    channel = client.post(f"{API}/channels", json={"name": "log"}, headers=tenant.headers).json()
    message = client.post(
        f"{API}/channels/{channel['id']}/messages", json={"body": body}, headers=tenant.headers
    ).json()
    client.put(f"{API}/messages/{message['id']}/reactions/👍", headers=tenant.headers)
    return channel, message


def test_the_sweep_deletes_what_is_older_than_the_tenants_retention(client, chat_db):
    keeping, forgetting = make_tenant(chat_db), make_tenant(chat_db)
    set_plugin_settings(chat_db, forgetting, "chat", {"retention_days": 30})
    kept_channel, kept = _post(client, keeping, "kept")
    gone_channel, gone = _post(client, forgetting, "gone")
    posted_at = datetime.fromisoformat(gone["created_at"])
    work = nexus_chat.SWEEPER.work
    assert work is not None

    early = client.blocking_portal.call(partial(sweep, work, posted_at + timedelta(days=29)))
    assert early == 0
    late = client.blocking_portal.call(partial(sweep, work, posted_at + timedelta(days=31)))
    assert late >= 1
    listed = client.get(f"{API}/channels/{gone_channel['id']}/messages", headers=forgetting.headers)
    assert listed.json() == []
    still = client.get(f"{API}/channels/{kept_channel['id']}/messages", headers=keeping.headers)
    assert [m["body"] for m in still.json()] == ["kept"]


def test_retention_days_must_be_positive(chat_db):
    tenant = make_tenant(chat_db)
    try:
        set_plugin_settings(chat_db, tenant, "chat", {"retention_days": 0})
    except Exception as exc:  # noqa: BLE001 - whatever the kernel raises for invalid settings
        assert "retention_days" in str(exc)
    else:
        raise AssertionError("retention_days 0 was accepted")
