"""Two aiortc peers meet through Nexus signaling and exchange media; another tenant sees none.

Each peer is an ``RTCPeerConnection`` with its own WebSocket to
``/meetings/{id}/signal`` (its own credential); the guest waits in the lobby until the host
admits it, offers to the host, the host answers, and a video frame the guest sends arrives
at the host. Loopback only: host candidates, no STUN server.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiortc import RTCPeerConnection, RTCSessionDescription, VideoStreamTrack
from litestar.exceptions import WebSocketDisconnect
from meet_helpers import API, guest, meeting, ok
from nexus.testing import run_sync


def _ws_url(made: dict[str, Any]) -> str:
    return f"{API}/meetings/{made['id']}/signal"


async def _receive(ws: Any, kind: str) -> dict[str, Any]:
    """The next message of type ``kind`` on ``ws`` (others, like peer-joined, are skipped)."""
    while True:
        message: dict[str, Any] = await asyncio.to_thread(ws.receive_json, timeout=20)
        if message["type"] == kind:
            return message


async def _call(host_ws: Any, guest_ws: Any, host_id: str) -> Any:
    guest_pc, host_pc = RTCPeerConnection(), RTCPeerConnection()
    arrived: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    @host_pc.on("track")
    def on_track(track: Any) -> None:
        async def first_frame() -> None:
            arrived.set_result(await track.recv())

        asyncio.ensure_future(first_frame())

    host_pc.addTransceiver("video", direction="recvonly")
    guest_pc.addTrack(VideoStreamTrack())
    try:
        await guest_pc.setLocalDescription(await guest_pc.createOffer())
        offer = guest_pc.localDescription
        await asyncio.to_thread(
            guest_ws.send_json, {"type": "offer", "to": host_id, "sdp": offer.sdp}
        )
        got = await _receive(host_ws, "offer")
        await host_pc.setRemoteDescription(RTCSessionDescription(sdp=got["sdp"], type="offer"))
        await host_pc.setLocalDescription(await host_pc.createAnswer())
        answer = host_pc.localDescription
        await asyncio.to_thread(
            host_ws.send_json, {"type": "answer", "to": got["from"], "sdp": answer.sdp}
        )
        back = await _receive(guest_ws, "answer")
        assert back["from"] == host_id
        await guest_pc.setRemoteDescription(RTCSessionDescription(sdp=back["sdp"], type="answer"))
        # aiortc gathers its candidates into the SDP; the end of candidates is relayed too.
        await asyncio.to_thread(
            guest_ws.send_json, {"type": "candidate", "to": host_id, "candidate": None}
        )
        assert (await _receive(host_ws, "candidate"))["candidate"] is None
        return await asyncio.wait_for(arrived, 20)
    finally:
        await guest_pc.close()
        await host_pc.close()


def test_two_peers_exchange_media(client: Any, tenant: Any, other: Any) -> None:
    made = meeting(client, tenant, lobby=True)
    url = f"{API}/meetings/{made['id']}"
    host = ok(client.post(f"{url}/join", json={"display_name": "Host"}, headers=tenant.headers))
    ada = guest(client, tenant, "ada")
    waiting = ok(client.post(f"{url}/join", json={"display_name": "Ada"}, headers=ada))
    with (
        client.websocket_connect(_ws_url(made), headers=tenant.headers) as host_ws,
        client.websocket_connect(_ws_url(made), headers=ada) as guest_ws,
    ):
        welcome = host_ws.receive_json(timeout=10)
        assert welcome["type"] == "welcome" and welcome["peers"] == []
        assert guest_ws.receive_json(timeout=10)["type"] == "lobby"
        ok(client.post(f"{url}/participants/{waiting['id']}/admit", headers=tenant.headers))
        assert guest_ws.receive_json(timeout=10)["type"] == "admitted"
        hello = guest_ws.receive_json(timeout=10)
        assert hello["peers"] == [{"id": host["id"], "name": "Host"}]
        assert host_ws.receive_json(timeout=10)["id"] == waiting["id"]

        # Another tenant reaches neither the meeting nor its peers.
        with (
            pytest.raises(WebSocketDisconnect) as refused,
            client.websocket_connect(_ws_url(made), headers=other.headers) as stranger,
        ):
            stranger.receive_json(timeout=10)
        assert refused.value.code == 4404

        frame = run_sync(_call(host_ws, guest_ws, host["id"]))
        assert frame.width > 0 and frame.height > 0

        ok(client.post(f"{url}/mute-all", headers=tenant.headers))
        assert host_ws.receive_json(timeout=10)["type"] == "mute-all"
        assert guest_ws.receive_json(timeout=10)["type"] == "mute-all"
        ok(client.post(f"{url}/end", headers=tenant.headers))
        assert guest_ws.receive_json(timeout=10)["type"] == "ended"


def test_relay_stays_inside_the_meeting(client: Any, tenant: Any) -> None:
    first, second = meeting(client, tenant, lobby=False), meeting(client, tenant, lobby=True)
    ada = guest(client, tenant, "ada")
    host_in_first = ok(
        client.post(
            f"{API}/meetings/{first['id']}/join", json={"display_name": "H"}, headers=tenant.headers
        )
    )
    ada_in_second = ok(
        client.post(f"{API}/meetings/{second['id']}/join", json={"display_name": "A"}, headers=ada)
    )
    # Not joined: refused before the accept.
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        client.websocket_connect(_ws_url(first), headers=ada) as ws,
    ):
        ws.receive_json(timeout=10)
    assert refused.value.code == 4409
    with (
        client.websocket_connect(_ws_url(first), headers=tenant.headers) as host_ws,
        client.websocket_connect(_ws_url(second), headers=ada) as lobby_ws,
    ):
        assert host_ws.receive_json(timeout=10)["type"] == "welcome"
        assert lobby_ws.receive_json(timeout=10)["type"] == "lobby"
        # Waiting in the lobby: nothing is relayed.
        lobby_ws.send_json({"type": "offer", "to": host_in_first["id"], "sdp": "v=0"})
        assert lobby_ws.receive_json(timeout=10)["type"] == "error"
        # A peer of another meeting is out of reach, whatever its id.
        host_ws.send_json({"type": "offer", "to": ada_in_second["id"], "sdp": "v=0"})
        assert host_ws.receive_json(timeout=10)["detail"] == "no such peer in the meeting"
        host_ws.send_json({"type": "hello"})
        assert host_ws.receive_json(timeout=10)["type"] == "error"
