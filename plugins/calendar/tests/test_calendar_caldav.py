"""CalDAV with a real client: Debian's ``vdirsyncer`` syncs a Nexus calendar (served by
``nexus serve``) with a local directory of ``.ics`` files, both ways."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import httpx
import nexus_calendar
import nexus_crm
import pytest
from nexus.testing import make_tenant, migrated_database, outbox_events

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

API = "/api/v1/calendar"
VDIRSYNCER = shutil.which("vdirsyncer")
pytestmark = pytest.mark.skipif(
    VDIRSYNCER is None, reason="vdirsyncer is not installed (apt-get install vdirsyncer)"
)


@pytest.fixture(scope="module")
def calendar_db(nexus_postgres_server: str) -> Iterator[str]:
    """Calendar and CRM (whose contacts CardDAV serves)."""
    with migrated_database(nexus_postgres_server, [nexus_calendar, nexus_crm]) as url:
        yield url


@pytest.fixture(scope="module")
def served(calendar_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``nexus serve`` with Calendar only, on the module's database; its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "NEXUS_DATABASE_URL": calendar_db,
        "NEXUS_PLUGINS": "calendar,crm",
        "NEXUS_DATA_DIR": str(tmp_path_factory.mktemp("served")),
        "NEXUS_LOG_LEVEL": "warning",
        "NEXUS_RATE_LIMIT_KEY": "1000000/minute",
        "NEXUS_RATE_LIMIT_TENANT": "1000000/minute",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "nexus", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code < 500:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("nexus serve did not start")
            time.sleep(0.2)  # polling a starting server: nothing to wait on but the port
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _vdirsyncer(
    tmp: Path, base: str, key: str, *args: str, kind: str = "caldav", ext: str = ".ics"
) -> str:
    local = tmp / "local"
    local.mkdir(exist_ok=True)
    (tmp / "config").write_text(
        f"""[general]
status_path = "{tmp / "status"}"

[pair nexus]
a = "local"
b = "remote"
collections = ["from b"]
conflict_resolution = "b wins"

[storage local]
type = "filesystem"
path = "{local}"
fileext = "{ext}"

[storage remote]
type = "{kind}"
url = "{base}{API}/dav/"
username = "me"
password = "{key}"
"""
    )
    done = subprocess.run(
        [str(VDIRSYNCER), "-c", str(tmp / "config"), *args],
        capture_output=True,
        timeout=60,
        check=False,
        input=b"y\n" * 5,
    )
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()
    return done.stdout.decode() + done.stderr.decode()


def test_vdirsyncer_syncs_a_recurring_event_its_exception_and_a_moved_occurrence(
    served: str, calendar_db: str, tmp_path: Path
) -> None:
    tenant = make_tenant(calendar_db)
    with httpx.Client(base_url=served, headers=tenant.headers) as api:
        calendar = api.post(
            f"{API}/calendars", json={"name": "Team", "timezone": "Europe/Berlin"}
        ).json()
        weekly = api.post(
            f"{API}/calendars/{calendar['id']}/events",
            json={
                "summary": "Stand-up",
                "starts_at": "2026-12-07T09:00:00+01:00",
                "ends_at": "2026-12-07T09:15:00+01:00",
                "timezone": "Europe/Berlin",
                "rrule": "FREQ=WEEKLY;BYDAY=MO",
                "exdates": ["2026-12-14T09:00:00+01:00"],
            },
        )
        assert weekly.status_code == 201, weekly.text
        moved = api.post(
            f"{API}/events/{weekly.json()['id']}/overrides",
            json={
                "recurrence_id": "2026-12-21T09:00:00+01:00",
                "summary": "Stand-up (late)",
                "starts_at": "2026-12-21T10:30:00+01:00",
                "ends_at": "2026-12-21T10:45:00+01:00",
            },
        )
        assert moved.status_code == 201, moved.text
        _vdirsyncer(tmp_path, served, tenant.key, "discover", "nexus")
        _vdirsyncer(tmp_path, served, tenant.key, "sync")
        folder = tmp_path / "local" / calendar["id"]
        [pulled] = list(folder.glob("*.ics"))
        text = pulled.read_text()
        assert "RRULE:FREQ=WEEKLY;BYDAY=MO" in text
        assert "EXDATE;TZID=Europe/Berlin:20261214T090000" in text
        assert "SUMMARY:Stand-up" in text
        assert "RECURRENCE-ID;TZID=Europe/Berlin:20261221T090000" in text
        assert "DTSTART;TZID=Europe/Berlin:20261221T103000" in text
        assert "SUMMARY:Stand-up (late)" in text
        # A new event written locally syncs up and the API shows it.
        (folder / "lunch.ics").write_text(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
            "UID:lunch-1@example.org\r\nDTSTAMP:20261201T000000Z\r\n"
            "DTSTART;TZID=Europe/Berlin:20261208T120000\r\n"
            "DTEND;TZID=Europe/Berlin:20261208T130000\r\nSUMMARY:Lunch\r\n"
            "RRULE:FREQ=DAILY;COUNT=5\r\nEXDATE;TZID=Europe/Berlin:20261210T120000\r\n"
            "END:VEVENT\r\nBEGIN:VEVENT\r\nUID:lunch-1@example.org\r\n"
            "DTSTAMP:20261201T000000Z\r\nRECURRENCE-ID;TZID=Europe/Berlin:20261209T120000\r\n"
            "DTSTART;TZID=Europe/Berlin:20261209T140000\r\n"
            "DTEND;TZID=Europe/Berlin:20261209T150000\r\nSUMMARY:Late lunch\r\n"
            "END:VEVENT\r\nEND:VCALENDAR\r\n"
        )
        _vdirsyncer(tmp_path, served, tenant.key, "sync")
        listed = api.get(
            f"{API}/calendars/{calendar['id']}/occurrences",
            params={"start": "2026-12-08T00:00:00Z", "end": "2026-12-13T00:00:00Z"},
        ).json()
        lunches = [(o["start"], o["summary"]) for o in listed if o["uid"] == "lunch-1@example.org"]
        assert lunches == [
            ("2026-12-08T12:00:00+01:00", "Lunch"),
            ("2026-12-09T14:00:00+01:00", "Late lunch"),
            ("2026-12-11T12:00:00+01:00", "Lunch"),
            ("2026-12-12T12:00:00+01:00", "Lunch"),
        ]
        [created] = [
            e.data
            for e in outbox_events(calendar_db, tenant, "calendar.event.created.v1")
            if e.data["uid"] == "lunch-1@example.org"
        ]
        assert (created["source"], created["rrule"]) == ("caldav", "FREQ=DAILY;COUNT=5")
        # A second round trip changes nothing: both sides keep the moved occurrences.
        _vdirsyncer(tmp_path, served, tenant.key, "sync")
        assert "RECURRENCE-ID;TZID=Europe/Berlin:20261221T090000" in pulled.read_text()
        assert "SUMMARY:Late lunch" in (folder / "lunch.ics").read_text()
        served_ics = api.get(f"{API}/calendars/{calendar['id']}/ics").text
        assert "RECURRENCE-ID;TZID=Europe/Berlin:20261209T120000" in served_ics
        assert "RECURRENCE-ID;TZID=Europe/Berlin:20261221T090000" in served_ics
    # Another tenant's key sees none of it.
    other = make_tenant(calendar_db)
    other_tmp = tmp_path / "other"
    other_tmp.mkdir()
    _vdirsyncer(other_tmp, served, other.key, "discover", "nexus")
    _vdirsyncer(other_tmp, served, other.key, "sync")
    assert list((other_tmp / "local").rglob("*.ics")) == []


def test_caldav_challenges_refuses_bad_events_and_deletes(served: str, calendar_db: str) -> None:
    """No credentials: a Basic challenge; an event without DTSTART: 400; DELETE removes it."""
    challenged = httpx.request("PROPFIND", f"{served}{API}/dav/", headers={"Depth": "0"})
    assert challenged.status_code == 401
    assert "Basic" in challenged.headers["www-authenticate"]
    tenant = make_tenant(calendar_db)
    auth = ("me", tenant.key)
    with httpx.Client(base_url=served, headers=tenant.headers) as api:
        calendar = api.post(f"{API}/calendars", json={"name": "Ops", "timezone": "UTC"}).json()
        event = api.post(
            f"{API}/calendars/{calendar['id']}/events",
            json={
                "summary": "Backup",
                "starts_at": "2026-12-07T02:00:00Z",
                "ends_at": "2026-12-07T03:00:00Z",
            },
        ).json()
    principal = httpx.request("PROPFIND", f"{served}{API}/dav/", headers={"Depth": "0"}, auth=auth)
    assert principal.status_code == 207
    mine = principal.text.split("<current-user-principal><href>")[1].split("</href>")[0]
    assert mine.startswith(f"{API}/dav/p")
    folder = f"{served}{mine}{calendar['id']}"
    broken = httpx.put(
        f"{folder}/broken.ics",
        content="BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n",
        headers={"Content-Type": "text/calendar"},
        auth=auth,
    )
    assert broken.status_code == 400
    assert httpx.delete(f"{folder}/{event['id']}.ics", auth=auth).status_code in (200, 204)
    with httpx.Client(base_url=served, headers=tenant.headers) as api:
        assert api.get(f"{API}/events/{event['id']}").status_code == 404
    [cancelled] = outbox_events(calendar_db, tenant, "calendar.event.cancelled.v1")
    assert (cancelled.subject, cancelled.data["source"]) == (event["id"], "caldav")


def _timed(uid: str, start: str, end: str, summary: str) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:20261201T000000Z\r\nDTSTART:{start}\r\nDTEND:{end}\r\n"
        f"SUMMARY:{summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def test_a_caldav_move_rebooks_its_room_or_answers_409(served: str, calendar_db: str) -> None:
    """A client moving an event onto another event's room booking gets 409 and nothing
    changes; a move to a free time books the room at the new time."""
    tenant = make_tenant(calendar_db)
    auth = ("me", tenant.key)
    with httpx.Client(base_url=served, headers=tenant.headers) as api:
        calendar = api.post(f"{API}/calendars", json={"name": "Rooms", "timezone": "UTC"}).json()
        room = api.post(f"{API}/resources", json={"name": "Room 7", "kind": "room"}).json()
        ids = []
        for start, end in (
            ("2027-03-01T09:00:00Z", "2027-03-01T10:00:00Z"),
            ("2027-03-01T11:00:00Z", "2027-03-01T12:00:00Z"),
        ):
            made = api.post(
                f"{API}/calendars/{calendar['id']}/events",
                json={"summary": f"Meeting {len(ids)}", "starts_at": start, "ends_at": end},
            ).json()
            booked = api.post(
                f"{API}/events/{made['id']}/resources", json={"resource_id": room["id"]}
            )
            assert booked.status_code == 201, booked.text
            ids.append(made["id"])
        principal = (
            httpx.request("PROPFIND", f"{served}{API}/dav/", headers={"Depth": "0"}, auth=auth)
            .text.split("<current-user-principal><href>")[1]
            .split("</href>")[0]
        )
        item = f"{served}{principal}{calendar['id']}/{ids[1]}.ics"
        clash = httpx.put(
            item,
            content=_timed(f"{ids[1]}@nexus", "20270301T093000Z", "20270301T103000Z", "Moved"),
            headers={"Content-Type": "text/calendar"},
            auth=auth,
        )
        assert clash.status_code == 409, clash.text
        assert clash.json()["conflicting_event_id"] == ids[0]
        kept = api.get(f"{API}/events/{ids[1]}").json()
        assert (kept["summary"], kept["starts_at"], kept["sequence"]) == (
            "Meeting 1",
            "2027-03-01T11:00:00Z",
            0,
        )
        moved = httpx.put(
            item,
            content=_timed(f"{ids[1]}@nexus", "20270301T140000Z", "20270301T150000Z", "Moved"),
            headers={"Content-Type": "text/calendar"},
            auth=auth,
        )
        assert moved.status_code in (201, 204), moved.text
        bookings = api.get(
            f"{API}/resources/{room['id']}/bookings",
            params={"start": "2027-03-01T00:00:00Z", "end": "2027-03-02T00:00:00Z"},
        ).json()
        assert [(b["event_id"], b["start"]) for b in bookings] == [
            (ids[0], "2027-03-01T09:00:00Z"),
            (ids[1], "2027-03-01T14:00:00Z"),
        ]


MKCALENDAR = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>'
    "<D:displayname>Field work</D:displayname>"
    "<C:calendar-timezone>BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
    "BEGIN:VTIMEZONE\r\nTZID:Africa/Lagos\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
    "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
    "END:VCALENDAR\r\n</C:calendar-timezone>"
    "</D:prop></D:set></C:mkcalendar>"
)


def test_mkcalendar_creates_a_personal_nexus_calendar(served: str, calendar_db: str) -> None:
    tenant, other = make_tenant(calendar_db), make_tenant(calendar_db)
    auth = ("me", tenant.key)
    principal = (
        httpx.request("PROPFIND", f"{served}{API}/dav/", headers={"Depth": "0"}, auth=auth)
        .text.split("<current-user-principal><href>")[1]
        .split("</href>")[0]
    )
    home = f"{served}{principal}"
    made = httpx.request("MKCALENDAR", f"{home}field-work/", content=MKCALENDAR, auth=auth)
    assert made.status_code == 201, made.text
    again = httpx.request("MKCALENDAR", f"{home}field-work/", content=MKCALENDAR, auth=auth)
    assert again.status_code in (405, 409), again.text
    put = httpx.put(
        f"{home}field-work/visit.ics",
        content=_timed("visit-1@example.org", "20270310T080000Z", "20270310T090000Z", "Visit"),
        headers={"Content-Type": "text/calendar"},
        auth=auth,
    )
    assert put.status_code == 201, put.text
    with httpx.Client(base_url=served, headers=tenant.headers) as api:
        [calendar] = [c for c in api.get(f"{API}/calendars").json() if c["name"] == "Field work"]
        assert (calendar["timezone"], calendar["personal"]) == ("Africa/Lagos", True)
        listed = api.get(
            f"{API}/calendars/{calendar['id']}/occurrences",
            params={"start": "2027-03-10T00:00:00Z", "end": "2027-03-11T00:00:00Z"},
        ).json()
        assert [o["summary"] for o in listed] == ["Visit"]
    listing = httpx.request("PROPFIND", home, headers={"Depth": "1"}, auth=auth)
    assert f"{principal}field-work/" in listing.text
    with httpx.Client(base_url=served, headers=other.headers) as api:
        assert api.get(f"{API}/calendars/{calendar['id']}").status_code == 404


def test_vdirsyncer_syncs_crm_contacts_both_ways(
    served: str, calendar_db: str, tmp_path: Path
) -> None:
    """CardDAV: CRM's contacts sync down as vCards; a card written locally becomes a CRM
    contact, and a changed card changes it; with CRM off, there is no address book."""
    tenant = make_tenant(calendar_db)
    with httpx.Client(base_url=served, headers=tenant.headers) as api:
        ada = api.post(
            "/api/v1/crm/contacts",
            json={"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.org"},
        )
        assert ada.status_code == 201, ada.text
        _vdirsyncer(tmp_path, served, tenant.key, "discover", "nexus", kind="carddav", ext=".vcf")
        _vdirsyncer(tmp_path, served, tenant.key, "sync", kind="carddav", ext=".vcf")
        folder = tmp_path / "local" / "contacts"
        [pulled] = list(folder.glob("*.vcf"))
        text = pulled.read_text()
        assert "FN:Ada Lovelace" in text and "EMAIL:ada@example.org" in text
        (folder / "grace.vcf").write_text(
            "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:grace-1@example.org\r\n"
            "N:Hopper;Grace;;;\r\nFN:Grace Hopper\r\nEMAIL:grace@example.org\r\n"
            "TITLE:Rear admiral\r\nEND:VCARD\r\n"
        )
        pulled.write_text(text.replace("EMAIL:ada@example.org", "EMAIL:ada@analytical.example"))
        _vdirsyncer(tmp_path, served, tenant.key, "sync", kind="carddav", ext=".vcf")
        contacts = {c["last_name"]: c for c in api.get("/api/v1/crm/contacts").json()["items"]}
        assert contacts["Hopper"]["email"] == "grace@example.org"
        assert contacts["Hopper"]["job_title"] == "Rear admiral"
        assert contacts["Lovelace"]["email"] == "ada@analytical.example"
        assert contacts["Lovelace"]["id"] == ada.json()["id"]
        # A second round trip keeps one card per contact, the client's own name and UID.
        _vdirsyncer(tmp_path, served, tenant.key, "sync", kind="carddav", ext=".vcf")
        assert sorted(p.name for p in folder.glob("*.vcf")) == sorted([pulled.name, "grace.vcf"])
        assert "UID:grace-1@example.org" in (folder / "grace.vcf").read_text()
        switched = api.put("/api/v1/features/crm", json={"enabled": False})
        assert switched.status_code < 300, switched.text
    book = (
        httpx.request(
            "PROPFIND",
            f"{served}{API}/dav/",
            headers={"Depth": "0"},
            auth=("me", tenant.key),
        )
        .text.split("<current-user-principal><href>")[1]
        .split("</href>")[0]
    )
    gone = httpx.request(
        "PROPFIND", f"{served}{book}contacts/", headers={"Depth": "0"}, auth=("me", tenant.key)
    )
    assert gone.status_code == 404
