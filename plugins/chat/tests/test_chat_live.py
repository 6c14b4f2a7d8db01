"""Done-when: two WebSocket clients on two server processes see each other's messages in
order, with presence; another tenant's client sees none of it.

Two ``nexus serve`` processes on loopback share the module's database and fan out through
the local Redis (``NEXUS_CHAT_REDIS_URL``); the clients are ``websockets``'s.
"""

from __future__ import annotations

import asyncio
import json
import os
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from nexus.testing import make_tenant, run_sync, serve_processes
from websockets.asyncio.client import connect

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

REDIS = os.environ.get("NEXUS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture(scope="module")
def servers(chat_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """Two ``nexus serve`` processes with Chat on the same database and Redis."""
    with serve_processes(
        chat_db,
        plugins=["chat"],
        data_dir=tmp_path_factory.mktemp("served"),
        env={"NEXUS_CHAT_REDIS_URL": REDIS},
    ) as bases:
        yield bases


async def _collect(ws: Any, done: Callable[[list[dict[str, Any]]], bool]) -> list[dict[str, Any]]:
    """Frames received until those so far satisfy ``done``."""
    seen: list[dict[str, Any]] = []
    while not done(seen):
        seen.append(json.loads(await asyncio.wait_for(ws.recv(), timeout=10)))
    return seen


async def _until(ws: Any, kind: str) -> list[dict[str, Any]]:
    """Frames received until one of type ``kind`` (that one last)."""
    return await _collect(ws, lambda seen: bool(seen) and seen[-1]["type"] == kind)


def _messages(frames: list[dict[str, Any]]) -> list[str]:
    return [f["message"]["body"] for f in frames if f["type"] == "message"]


def test_two_processes_deliver_in_order_with_presence_and_no_other_tenant(servers, chat_db):
    one, two = servers
    shop, other = make_tenant(chat_db), make_tenant(chat_db)
    bob = httpx.post(
        f"http://{one}/api/v1/api-keys",
        json={"name": "bob", "roles": ["member"]},
        headers=shop.headers,
    ).json()
    bob_actor = f"api_key:{bob['api_key']['id']}"
    channel = httpx.post(
        f"http://{two}/api/v1/chat/channels", json={"name": "general"}, headers=shop.headers
    ).json()

    async def run() -> None:
        url = "/api/v1/chat/ws"
        async with (
            connect(f"ws://{one}{url}", additional_headers=shop.headers) as alice,
            connect(f"ws://{two}{url}?access_token={other.key}") as intruder,
        ):
            hello = await _until(alice, "hello")
            alice_actor = hello[-1]["actor"]
            await _until(intruder, "hello")
            async with connect(f"ws://{two}{url}?access_token={bob['key']}") as bob_ws:
                bob_hello = await _until(bob_ws, "hello")
                assert alice_actor in bob_hello[-1]["online"]
                came = await _until(alice, "presence")
                assert came[-1] == {"type": "presence", "actor": bob_actor, "online": True}

                for i in range(3):  # interleaved, neither waiting for the other
                    for ws, who in ((alice, "a"), (bob_ws, "b")):
                        frame = {"type": "post", "channel_id": channel["id"], "body": f"{who}{i}"}
                        await ws.send(json.dumps(frame))
                await bob_ws.send(json.dumps({"type": "typing", "channel_id": channel["id"]}))

                alice_saw = await _collect(
                    alice,
                    lambda seen: (
                        len(_messages(seen)) == 6 and any(f["type"] == "typing" for f in seen)
                    ),
                )
                bob_saw = await _collect(bob_ws, lambda seen: len(_messages(seen)) == 6)
                typing = [f for f in alice_saw if f["type"] == "typing"]
                assert typing == [
                    {"type": "typing", "channel_id": channel["id"], "actor": bob_actor}
                ]
                assert not [f for f in bob_saw if f["type"] == "typing"]  # not to the typist

            gone = await _until(alice, "presence")
            assert gone[-1] == {"type": "presence", "actor": bob_actor, "online": False}

            in_order = _messages(alice_saw)
            assert _messages(bob_saw) == in_order  # one order for every socket
            assert [b for b in in_order if b[0] == "a"] == ["a0", "a1", "a2"]
            assert [b for b in in_order if b[0] == "b"] == ["b0", "b1", "b2"]
            stored = httpx.get(
                f"http://{one}/api/v1/chat/channels/{channel['id']}/messages",
                headers=shop.headers,
            ).json()
            assert sorted(m["body"] for m in stored) == sorted(in_order)

            # The other tenant's socket heard nothing of the shop's, and may not touch it.
            await intruder.send(json.dumps({"type": "typing", "channel_id": channel["id"]}))
            heard = await _until(intruder, "error")
            assert heard[-1]["status"] == 404
            assert not [f for f in heard if f["type"] in {"message", "typing"}]
            assert alice_actor not in json.dumps(heard)
            assert bob_actor not in json.dumps(heard)

    run_sync(run())
