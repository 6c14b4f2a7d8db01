"""An invitation goes out as iMIP through Notification and Mail (a REQUEST .ics reaches a
local SMTP relay), and the attendee's REPLY updates their PARTSTAT: posted, or mailed over
SMTP (aiosmtplib) to Mail's own inbound server, where it reaches Calendar as
``mail.message.received.v1`` (a REPLY sent by someone else, or not addressed to the
organizer, changes nothing; another tenant's event is out of reach)."""

from __future__ import annotations

import asyncio
import os
import socket
import threading
import uuid
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

import aiosmtplib
import icalendar
import nexus_calendar
import nexus_mail
import nexus_notify
import pytest
from aiosmtpd.controller import Controller
from calendar_dns import DnsZone
from cryptography.fernet import Fernet
from nexus.testing import (
    EventWorkerHarness,
    create_test_client,
    kernel_settings,
    make_tenant,
    migrated_database,
    outbox_events,
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
def zone() -> Iterator[DnsZone]:
    served = DnsZone()
    yield served
    served.close()


@pytest.fixture(scope="module")
def world(
    nexus_postgres_server: str, zone: DnsZone, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Any, str]]:
    changed = {
        "NEXUS_MAIL_RESOLVER": f"127.0.0.1:{zone.port}",
        "NEXUS_MAIL_SMTP_HOST": "127.0.0.1",
        "NEXUS_MAIL_SMTP_PORT": "0",
        "NEXUS_MAIL_DNS_TIMEOUT": "2",
        "NEXUS_MAIL_SECRET_KEYS": Fernet.generate_key().decode(),
    }
    saved = {name: os.environ.get(name) for name in changed}
    os.environ.update(changed)
    settings = kernel_settings(data_dir=tmp_path_factory.mktemp("calendar-imip"))
    try:
        with (
            migrated_database(nexus_postgres_server, PLUGINS) as url,
            create_test_client(PLUGINS, database_url=url, settings=settings) as client,
        ):
            yield client, url
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


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


def _organizer(client: Any, tenant: Any, zone: DnsZone) -> str:
    """A verified domain of the tenant with a ``team`` mailbox: the organizer's address."""
    name = f"cal{uuid.uuid4().hex[:10]}.example"
    domain = ok(
        client.post("/api/v1/mail/domains", json={"domain": name}, headers=tenant.headers), 201
    )
    for record in domain["records"]:
        value = record["value"]
        if record["type"] == "MX":
            value = f"{record['priority']} {value}."
        zone.add(record["name"], record["type"], value)
    checked = ok(
        client.post(f"/api/v1/mail/domains/{domain['id']}/check", json={}, headers=tenant.headers)
    )
    assert checked["verified"], checked
    box = ok(
        client.post(
            f"/api/v1/mail/domains/{domain['id']}/mailboxes",
            json={"local_part": "team"},
            headers=tenant.headers,
        ),
        201,
    )
    return str(box["address"])


def _reply_mail(*, sender: str, to: str, uid: str, organizer: str, partstat: str) -> bytes:
    """A mail client's answer: a text part and a ``text/calendar; method=REPLY`` part."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = f"{partstat.title()}: Stand-up"
    message["Message-ID"] = f"<{uuid.uuid4().hex}@example.org>"
    message.set_content(f"{sender} has {partstat.lower()} the invitation.")
    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Guest//EN\r\nMETHOD:REPLY\r\n"
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261207T100000Z\r\n"
        f"ORGANIZER:mailto:{organizer}\r\n"
        f"ATTENDEE;PARTSTAT={partstat}:mailto:ada@example.org\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    message.add_attachment(
        ics.encode(),
        maintype="text",
        subtype="calendar",
        filename="reply.ics",
        params={"method": "REPLY"},
    )
    return message.as_bytes()


def _deliver(sender: str, to: str, raw: bytes) -> None:
    host, port = nexus_mail.inbound_address() or pytest.fail("Mail's inbound server is not up")
    asyncio.run(
        aiosmtplib.send(raw, sender=sender, recipients=[to], hostname=host, port=port, timeout=20)
    )


def test_a_reply_mailed_to_the_organizer_updates_the_attendee(
    world: tuple[Any, str], zone: DnsZone
) -> None:
    client, url = world
    tenant, other = make_tenant(url), make_tenant(url)
    organizer = _organizer(client, tenant, zone)
    _, event = standup(client, tenant)
    attendees = f"{API}/events/{event['id']}/attendees"
    ok(client.post(attendees, json={"email": "ada@example.org"}, headers=tenant.headers), 201)
    # Another tenant with the same attendee on its own event: its event is not touched.
    _, theirs = standup(client, other)
    their_attendees = f"{API}/events/{theirs['id']}/attendees"
    ok(client.post(their_attendees, json={"email": "ada@example.org"}, headers=other.headers), 201)
    spoofed = _reply_mail(
        sender="mallory@example.org",
        to=organizer,
        uid=event["uid"],
        organizer=organizer,
        partstat="DECLINED",
    )
    elsewhere = _reply_mail(
        sender="ada@example.org",
        to=organizer,
        uid=event["uid"],
        organizer="someone@else.example",
        partstat="DECLINED",
    )
    accepted = _reply_mail(
        sender="ada@example.org",
        to=organizer,
        uid=event["uid"],
        organizer=organizer,
        partstat="ACCEPTED",
    )
    with EventWorkerHarness(client) as worker:
        _deliver("mallory@example.org", organizer, spoofed)
        _deliver("ada@example.org", organizer, elsewhere)
        worker.wait_handled("calendar", 2)
        [ada] = ok(client.get(attendees, headers=tenant.headers))
        assert (ada["partstat"], ada["replied_at"]) == ("NEEDS-ACTION", None)
        _deliver("ada@example.org", organizer, accepted)
        worker.wait_handled("calendar", 3)
    [ada] = ok(client.get(attendees, headers=tenant.headers))
    assert ada["partstat"] == "ACCEPTED" and ada["replied_at"] is not None
    [theirs_ada] = ok(client.get(their_attendees, headers=other.headers))
    assert theirs_ada["partstat"] == "NEEDS-ACTION"
    [answer] = outbox_events(url, tenant, "calendar.attendee.replied.v1")
    assert (answer.data["email"], answer.data["partstat"], answer.data["via"]) == (
        "ada@example.org",
        "ACCEPTED",
        "email",
    )
    assert outbox_events(url, other, "calendar.attendee.replied.v1") == []
