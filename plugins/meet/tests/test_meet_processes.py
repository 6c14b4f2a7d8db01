"""Signaling across two ``nexus serve`` processes: the host on one, a guest on the other.

They see each other's presence (welcome, peer-joined, peer-left), get the host's
controls, and exchange an offer (larger than a NOTIFY payload), an answer and ICE
candidates in the order sent; another tenant's socket is refused. Two aiortc peers, one
on each process, then exchange media through that signaling.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from meet_helpers import API, guest, meeting, ok
from nexus.testing import run_sync
from test_meet_signaling import _call
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection as SyncConnection
from websockets.sync.client import connect as sync_connect

# An SDP offer with many codecs and candidates runs to kilobytes; this one is over the
# 8000 bytes a NOTIFY payload may hold, so it travels through ``meet_signal``.
BIG_SDP = "v=0\r\n" + "".join(f"a=x-pad-{n}:{'x' * 90}\r\n" for n in range(120))


async def _next(ws: ClientConnection, kind: str) -> dict[str, Any]:
    """The next message of type ``kind`` (others, like peer-joined, are skipped)."""
    while True:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 20))
        if message["type"] == kind:
            return message


async def _send(ws: ClientConnection, message: dict[str, Any]) -> None:
    await ws.send(json.dumps(message))


def test_two_processes_signal_each_other(
    servers: list[str], client: Any, tenant: Any, other: Any
) -> None:
    one, two = servers
    made = meeting(client, tenant, lobby=True)
    path = f"{API}/meetings/{made['id']}"
    host = ok(client.post(f"{path}/join", json={"display_name": "Host"}, headers=tenant.headers))
    ada = guest(client, tenant, "ada")
    waiting = ok(client.post(f"{path}/join", json={"display_name": "Ada"}, headers=ada))
    assert len(BIG_SDP) > 8000

    async def run() -> None:
        async with (
            connect(f"ws://{one}{path}/signal", additional_headers=tenant.headers) as host_ws,
            connect(f"ws://{two}{path}/signal", additional_headers=ada) as ada_ws,
            httpx.AsyncClient(base_url=f"http://{one}", headers=tenant.headers) as http_one,
        ):
            assert (await _next(host_ws, "welcome"))["peers"] == []
            assert (await _next(ada_ws, "lobby"))["id"] == waiting["id"]
            # The host admits on process one; Ada, on process two, hears it.
            ok(await http_one.post(f"{path}/participants/{waiting['id']}/admit"))
            await _next(ada_ws, "admitted")
            hello = await _next(ada_ws, "welcome")
            assert hello["peers"] == [{"id": host["id"], "name": "Host"}]
            joined = await _next(host_ws, "peer-joined")
            assert (joined["id"], joined["name"]) == (waiting["id"], "Ada")

            await _send(ada_ws, {"type": "offer", "to": host["id"], "sdp": BIG_SDP})
            for n in range(3):
                await _send(ada_ws, {"type": "candidate", "to": host["id"], "candidate": f"c{n}"})
            offer = await _next(host_ws, "offer")
            assert (offer["from"], offer["sdp"]) == (waiting["id"], BIG_SDP)
            got = [(await _next(host_ws, "candidate"))["candidate"] for _ in range(3)]
            assert got == ["c0", "c1", "c2"]
            await _send(host_ws, {"type": "answer", "to": waiting["id"], "sdp": "v=0 answer"})
            await _send(host_ws, {"type": "candidate", "to": waiting["id"], "candidate": None})
            answer = await _next(ada_ws, "answer")
            assert (answer["from"], answer["sdp"]) == (host["id"], "v=0 answer")
            assert (await _next(ada_ws, "candidate"))["candidate"] is None
            # A participant id that is not present in the meeting is refused on either side.
            await _send(ada_ws, {"type": "offer", "to": made["id"], "sdp": "v=0"})
            assert (await _next(ada_ws, "error"))["detail"] == "no such peer in the meeting"

            # Another tenant is refused before the socket opens, on either process.
            for base in servers:
                with pytest.raises(InvalidStatus) as refused:
                    async with connect(
                        f"ws://{base}{path}/signal", additional_headers=other.headers
                    ):
                        pass
                assert refused.value.response.status_code == 403

            seq = ok(await http_one.post(f"{path}/mute-all"))["seq"]
            assert (await _next(ada_ws, "mute-all"))["seq"] == seq
            assert (await _next(host_ws, "mute-all"))["seq"] == seq
            await ada_ws.close()
            assert (await _next(host_ws, "peer-left"))["id"] == waiting["id"]
            ok(await http_one.post(f"{path}/end"))
            assert (await _next(host_ws, "ended"))["type"] == "ended"

    run_sync(run())
    states = {
        p["display_name"]: p["state"]
        for p in ok(client.get(f"{path}/participants", headers=tenant.headers))
    }
    assert states == {"Host": "left", "Ada": "left"}


class _Socket:
    """A blocking ``websockets`` client with the JSON methods of the test client's sockets."""

    def __init__(self, ws: SyncConnection) -> None:
        self.ws = ws

    def send_json(self, message: dict[str, Any]) -> None:
        self.ws.send(json.dumps(message))

    def receive_json(self, timeout: float) -> Any:
        return json.loads(self.ws.recv(timeout=timeout))


def test_aiortc_peers_on_two_processes_exchange_media(
    servers: list[str], client: Any, tenant: Any
) -> None:
    one, two = servers
    made = meeting(client, tenant, lobby=False)
    path = f"{API}/meetings/{made['id']}"
    host = ok(client.post(f"{path}/join", json={"display_name": "Host"}, headers=tenant.headers))
    ada = guest(client, tenant, "ada")
    ok(client.post(f"{path}/join", json={"display_name": "Ada"}, headers=ada))
    with sync_connect(f"ws://{one}{path}/signal", additional_headers=tenant.headers) as h:
        host_ws = _Socket(h)
        assert host_ws.receive_json(timeout=10)["peers"] == []
        with sync_connect(f"ws://{two}{path}/signal", additional_headers=ada) as g:
            guest_ws = _Socket(g)
            welcome = guest_ws.receive_json(timeout=10)
            assert welcome["peers"] == [{"id": host["id"], "name": "Host"}]
            frame = run_sync(_call(host_ws, guest_ws, host["id"]))
            assert frame.width > 0 and frame.height > 0
