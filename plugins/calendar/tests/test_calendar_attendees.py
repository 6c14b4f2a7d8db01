"""Attendees and iMIP REPLYs: an answer updates the attendee's PARTSTAT; another tenant's
REPLY cannot reach the event; anything but a REPLY is refused."""

from __future__ import annotations

from typing import Any

from test_calendar_events import API, ok, standup


def reply(uid: str, email: str, partstat: str, method: str = "REPLY") -> bytes:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Guest//EN\r\n"
        f"METHOD:{method}\r\nBEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261207T100000Z\r\n"
        f"ATTENDEE;PARTSTAT={partstat}:mailto:{email}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def test_a_reply_updates_the_attendee(client: Any, tenant: Any, other: Any) -> None:
    _, event = standup(client, tenant)
    invite = f"{API}/events/{event['id']}/attendees"
    ada = ok(client.post(invite, json={"email": "Ada@Example.com"}, headers=tenant.headers), 201)
    assert ada["partstat"] == "NEEDS-ACTION" and ada["email"] == "ada@example.com"
    assert (
        client.post(invite, json={"email": "ada@example.com"}, headers=tenant.headers).status_code
        == 409
    )
    headers = {"content-type": "text/calendar"}
    wrong = client.post(
        f"{API}/public/{other.slug}/imip",
        content=reply(event["uid"], "ada@example.com", "ACCEPTED"),
        headers=headers,
    )
    assert wrong.status_code == 404
    request = client.post(
        f"{API}/public/{tenant.slug}/imip",
        content=reply(event["uid"], "ada@example.com", "ACCEPTED", "REQUEST"),
        headers=headers,
    )
    assert request.status_code == 422
    stranger = client.post(
        f"{API}/public/{tenant.slug}/imip",
        content=reply(event["uid"], "eve@example.com", "ACCEPTED"),
        headers=headers,
    )
    assert stranger.status_code == 404
    done = ok(
        client.post(
            f"{API}/public/{tenant.slug}/imip",
            content=reply(event["uid"], "ada@example.com", "ACCEPTED"),
            headers=headers,
        )
    )
    assert [a["partstat"] for a in done["updated"]] == ["ACCEPTED"]
    listed = ok(client.get(invite, headers=tenant.headers))
    assert listed[0]["partstat"] == "ACCEPTED" and listed[0]["replied_at"]
    assert client.get(invite, headers=other.headers).status_code == 404
