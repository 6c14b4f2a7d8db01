"""Two ``nexus serve`` processes, Python y-websocket clients on each: edits converge, a
viewer's edit is refused, another tenant cannot connect, the state is persisted."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import pytest
from collab_helpers import joined
from nexus.testing import make_tenant, run_sync
from pycrdt import Doc, XmlFragment
from test_collab_services import _call, member, share
from websockets.exceptions import InvalidStatus


def _stored(client: Any, headers: dict[str, str], file_id: str) -> list[str]:
    state = _call(client, headers, "collab.documents.state", file_id=file_id).json()["state"]
    doc: Doc[Any] = Doc()
    doc.apply_update(base64.b64decode(state))
    return [str(p.children[0]) for p in doc.get("default", type=XmlFragment).children]


def test_two_processes_converge_and_persist(servers, client, tenant):
    one, two = servers
    made = _call(client, tenant.headers, "collab.documents.create", name="Notes", kind="writer")
    file_id = made.json()["file_id"]

    async def run() -> None:
        async with joined(one, file_id, tenant.key) as a, joined(two, file_id, tenant.key) as b:
            for i in range(3):  # interleaved, neither waiting for the other
                a.add_paragraph(f"a{i}")
                b.add_paragraph(f"b{i}")
            await a.until(lambda: len(a.paragraphs()) == 6)
            await b.until(lambda: len(b.paragraphs()) == 6)
            assert a.paragraphs() == b.paragraphs()
            assert sorted(a.paragraphs()) == ["a0", "a1", "a2", "b0", "b1", "b2"]
            seen = a.paragraphs()
        # Both gone: compacted into the snapshot; a new client gets the same document.
        async with joined(two, file_id, tenant.key) as c:
            assert c.paragraphs() == seen
        assert _stored(client, tenant.headers, file_id) == seen

    run_sync(run())


def test_a_service_update_reaches_connected_clients(servers, client, tenant):
    one, _ = servers
    made = _call(client, tenant.headers, "collab.documents.create", name="N", kind="writer")
    file_id = made.json()["file_id"]

    async def run() -> None:
        async with joined(one, file_id, tenant.key) as a:
            from collab_helpers import encoded_paragraphs

            update = encoded_paragraphs("from a service")
            answer = _call(
                client, tenant.headers, "collab.documents.apply", file_id=file_id, update=update
            )
            assert answer.status_code == 200
            await a.until(lambda: a.paragraphs() == ["from a service"])

    run_sync(run())


def test_a_viewers_edit_is_refused_and_not_kept(servers, client, tenant):
    one, two = servers
    made = _call(client, tenant.headers, "collab.documents.create", name="N", kind="writer")
    file_id = made.json()["file_id"]
    viewer, viewer_headers = member(client, tenant, "viewer")
    share(client, tenant, file_id, viewer, "viewer")
    viewer_key = viewer_headers["Authorization"].removeprefix("Bearer ")

    async def run() -> None:
        async with joined(one, file_id, tenant.key) as owner:
            owner.add_paragraph("mine")
            async with joined(two, file_id, viewer_key) as v:
                await v.until(lambda: v.paragraphs() == ["mine"])
                v.add_paragraph("vandal")
                async with asyncio.timeout(10):
                    await v.channel.refused.wait()
                assert "viewer" in v.channel.denied[0]
                owner.add_paragraph("still mine")
                await v.until(lambda: "still mine" in v.paragraphs())
            assert owner.paragraphs() == ["mine", "still mine"]
        assert _stored(client, tenant.headers, file_id) == ["mine", "still mine"]

    run_sync(run())


def test_another_tenant_cannot_connect(servers, client, tenant, collab_db):
    one, _ = servers
    other = make_tenant(collab_db)
    made = _call(client, tenant.headers, "collab.documents.create", name="N", kind="writer")
    file_id = made.json()["file_id"]

    async def run() -> None:
        with pytest.raises(InvalidStatus) as refused:
            async with joined(one, file_id, other.key):
                pass
        assert refused.value.response.status_code == 403

    run_sync(run())
