"""An invitation goes out as iMIP through Notification and Mail (a REQUEST .ics reaches a
local SMTP relay), and the attendee's REPLY updates their PARTSTAT."""

from __future__ import annotations

import socket
import threading
import uuid
from email import message_from_bytes, policy
from typing import TYPE_CHECKING, Any

import icalendar
import nexus_calendar
import nexus_mail
import nexus_notify
import pytest
from aiosmtpd.controller import Controller
from nexus.testing import (
    EventWorkerHarness,
    create_test_client,
    kernel_settings,
    make_tenant,
    migrated_database,
    set_plugin_settings,
)
from test_calendar_attendees import reply
from test_calendar_events import API, ok, standup

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [nexus_calendar, nexus_mail, nexus_notify]


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.arrived:
            self.messages.append(bytes(envelope.original_content))
            self.arrived.notify_all()
        return "250 OK"

    def wait_for(self, count: int) -> list[bytes]:
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.messages) >= count, 30)
            return list(self.messages)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def relay() -> Iterator[tuple[_Inbox, int]]:
    inbox, port = _Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture(scope="module")
def world(
    nexus_postgres_server: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Any, str]]:
    settings = kernel_settings(data_dir=tmp_path_factory.mktemp("calendar-imip"))
    with (
        migrated_database(nexus_postgres_server, PLUGINS) as url,
        create_test_client(PLUGINS, database_url=url, settings=settings) as client,
    ):
        yield client, url


def test_an_invitation_goes_out_and_the_reply_updates_the_attendee(
    world: tuple[Any, str], relay: tuple[_Inbox, int]
) -> None:
    client, url = world
    inbox, port = relay
    tenant = make_tenant(url)
    domain = f"cal{uuid.uuid4().hex[:8]}.example"
    set_plugin_settings(url, tenant, "mail", {"relay_port": port})
    set_plugin_settings(url, tenant, "notify", {"email_from": f"team@{domain}"})
    ok(client.post("/api/v1/mail/domains", json={"domain": domain}, headers=tenant.headers), 201)
    _, event = standup(client, tenant)
    invite = f"{API}/events/{event['id']}/attendees"
    none = client.post(
        f"{invite}/invitations", json={"organizer": f"team@{domain}"}, headers=tenant.headers
    )
    assert none.status_code == 409
    ok(
        client.post(
            invite, json={"email": "ada@example.org", "name": "Ada"}, headers=tenant.headers
        ),
        201,
    )
    before = len(inbox.messages)
    with EventWorkerHarness(client):
        sent = ok(
            client.post(
                f"{invite}/invitations",
                json={"organizer": f"team@{domain}"},
                headers=tenant.headers,
            )
        )
        assert [s["email"] for s in sent["sent"]] == ["ada@example.org"]
        message = message_from_bytes(inbox.wait_for(before + 1)[-1], policy=policy.default)
    assert message["To"].addresses[0].addr_spec == "ada@example.org"
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    cal = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    assert str(cal["METHOD"]) == "REQUEST"
    [vevent] = cal.walk("VEVENT")
    assert str(vevent["UID"]) == event["uid"]
    assert str(vevent["ORGANIZER"]).lower() == f"mailto:team@{domain}"
    assert "EXDATE" in vevent and "RRULE" in vevent
    answer = reply(event["uid"], "ada@example.org", "DECLINED")
    ok(
        client.post(
            f"{API}/public/{tenant.slug}/imip",
            content=answer,
            headers={"content-type": "text/calendar"},
        )
    )
    assert ok(client.get(invite, headers=tenant.headers))[0]["partstat"] == "DECLINED"
