"""The lobby and host controls: admit, deny, remove, lock, mute all, end, the mesh's limit."""

from __future__ import annotations

from typing import Any

from meet_helpers import API, guest, meeting, ok
from nexus.testing import outbox_events


def _join(client: Any, url: str, headers: dict[str, str], name: str) -> Any:
    return client.post(f"{url}/join", json={"display_name": name}, headers=headers)


def test_lobby_admit_and_deny(client: Any, tenant: Any) -> None:
    made = meeting(client, tenant)
    url = f"{API}/meetings/{made['id']}"
    host = ok(_join(client, url, tenant.headers, "Host"))
    assert host["state"] == "admitted"
    assert ok(client.get(url, headers=tenant.headers))["status"] == "live"
    ada, kofi = guest(client, tenant, "ada"), guest(client, tenant, "kofi")
    waiting = ok(_join(client, url, ada, "Ada"))
    assert waiting["state"] == "lobby"
    assert ok(_join(client, url, ada, "Ada"))["id"] == waiting["id"]
    other = ok(_join(client, url, kofi, "Kofi"))
    # A guest holds no host permission.
    assert client.post(f"{url}/participants/{other['id']}/admit", headers=ada).status_code == 403
    admitted = ok(client.post(f"{url}/participants/{waiting['id']}/admit", headers=tenant.headers))
    assert admitted["state"] == "admitted"
    denied = ok(client.post(f"{url}/participants/{other['id']}/deny", headers=tenant.headers))
    assert denied["state"] == "denied"
    again = client.post(f"{url}/participants/{other['id']}/admit", headers=tenant.headers)
    assert again.status_code == 409
    assert ok(_join(client, url, kofi, "Kofi"))["state"] == "denied"
    states = {
        p["display_name"]: p["state"] for p in ok(client.get(f"{url}/participants", headers=ada))
    }
    assert states == {"Host": "admitted", "Ada": "admitted", "Kofi": "denied"}


def test_mesh_admits_at_most_four(client: Any, tenant: Any) -> None:
    made = meeting(client, tenant, lobby=False)
    url = f"{API}/meetings/{made['id']}"
    ok(_join(client, url, tenant.headers, "Host"))
    for n in range(3):
        assert (
            ok(_join(client, url, guest(client, tenant, f"g{n}"), f"G{n}"))["state"] == "admitted"
        )
    full = _join(client, url, guest(client, tenant, "fifth"), "Fifth")
    assert full.status_code == 409, full.text
    assert full.json()["limit"] == 4


def test_host_controls(client: Any, tenant: Any, meet_db: str) -> None:
    made = meeting(client, tenant, lobby=False)
    url = f"{API}/meetings/{made['id']}"
    ada = guest(client, tenant, "ada")
    joined = ok(_join(client, url, ada, "Ada"))
    assert ok(client.post(f"{url}/mute-all", headers=tenant.headers))["seq"] == 1
    assert ok(client.post(f"{url}/lock", headers=tenant.headers))["locked"] is True
    late = _join(client, url, guest(client, tenant, "late"), "Late")
    assert late.status_code == 409
    assert ok(_join(client, url, ada, "Ada"))["id"] == joined["id"]
    assert ok(client.post(f"{url}/unlock", headers=tenant.headers))["locked"] is False
    ok(client.delete(f"{url}/participants/{joined['id']}", headers=tenant.headers), 204)
    assert ok(_join(client, url, ada, "Ada"))["state"] == "removed"
    gone = client.delete(f"{url}/participants/{joined['id']}", headers=tenant.headers)
    assert gone.status_code == 409
    ended = ok(client.post(f"{url}/end", headers=tenant.headers))
    assert ended["status"] == "ended"
    assert _join(client, url, tenant.headers, "Host").status_code == 409
    assert client.post(f"{url}/end", headers=tenant.headers).status_code == 409
    [event] = outbox_events(meet_db, tenant, "meet.meeting.ended.v1")
    assert event.data["status"] == "ended"
