"""Done-when of Writer on the collaboration service (issue #27, part 1).

Two ``nexus serve`` processes of the same app on loopback share one database. A standard
Yjs client in Node.js (yjs and y-websocket from npm, ``tests/collab_node``) joins a Writer
document on one, a Python client (pycrdt's provider over ``websockets``) on the other; both
edit at once and converge to the same text, which is then exported as DOCX and converted to
PDF by LibreOffice headless. A viewer's edit is refused; another tenant cannot connect.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import nexus_collab
import nexus_drive
import nexus_writer
import pytest
from nexus.testing import make_tenant, migrated_database, run_sync, serve_processes
from pycrdt import Doc, Provider, XmlElement, XmlFragment, XmlText
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

NODE_CLIENT = Path(__file__).parent / "collab_node"
PLUGINS = [nexus_drive, nexus_collab, nexus_writer]


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (.ci/run installs the Node.js client with npm ci)")
    if not (NODE_CLIENT / "node_modules" / "y-websocket").is_dir():
        pytest.skip("tests/collab_node has no node_modules: run `npm ci` there (.ci/run does)")
    return node


@pytest.fixture(scope="module")
def served(nexus_postgres_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The database and two ``nexus serve`` processes with Drive, Collab and Writer on it."""
    with (
        migrated_database(nexus_postgres_server, PLUGINS) as url,
        serve_processes(
            url,
            plugins=["drive", "collab", "writer"],
            data_dir=tmp_path_factory.mktemp("served"),
        ) as bases,
    ):
        yield url, bases


class _Channel:
    """A pycrdt ``Channel`` over a ``websockets`` connection."""

    def __init__(self, ws: Any) -> None:
        self._ws = ws

    @property
    def path(self) -> str:
        return "collab"

    def __aiter__(self) -> _Channel:
        return self

    async def __anext__(self) -> bytes:
        try:
            return bytes(await self._ws.recv())
        except ConnectionClosed:
            raise StopAsyncIteration from None

    async def recv(self) -> bytes:
        return await self.__anext__()

    async def send(self, message: bytes) -> None:
        with contextlib.suppress(ConnectionClosed):
            await self._ws.send(message)


@contextlib.asynccontextmanager
async def _joined(base: str, file_id: str, token: str) -> AsyncIterator[XmlFragment]:
    async with connect(f"ws://{base}/api/v1/collab/{file_id}?access_token={token}") as ws:
        doc: Doc[Any] = Doc()
        fragment = doc.get("default", type=XmlFragment)
        async with Provider(doc, _Channel(ws)) as provider:
            async with asyncio.timeout(10):
                await provider.synced.wait()
            yield fragment


def _texts(fragment: XmlFragment) -> list[str]:
    return [str(child.children[0]) for child in fragment.children if child.children]


async def _node_client(node: str, base: str, file_id: str, token: str, text: str, want: str) -> Any:
    process = await asyncio.create_subprocess_exec(
        node,
        str(NODE_CLIENT / "client.mjs"),
        f"ws://{base}/api/v1/collab",
        file_id,
        token,
        text,
        want,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=NODE_CLIENT,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, (out.decode(), err.decode())
    return json.loads(out.decode().strip().splitlines()[-1])


def test_node_and_python_clients_on_two_processes_converge_then_export(served, tmp_path):
    node = _node()
    url, (one, two) = served
    shop = make_tenant(url)
    made = httpx.post(
        f"http://{one}/api/v1/writer/documents", json={"name": "Minutes"}, headers=shop.headers
    )
    assert made.status_code == 201, made.text
    file_id = made.json()["file_id"]

    async def run() -> list[str]:
        async with _joined(two, file_id, shop.key) as fragment:
            from_node = asyncio.create_task(
                _node_client(node, one, file_id, shop.key, "Typed in Node", "4")
            )
            for text in ("Typed in Python 1", "Typed in Python 2", "Typed in Python 3"):
                fragment.children.append(XmlElement("paragraph", {}, [XmlText(text)]))
            seen = await from_node
            changed = asyncio.Event()
            sub = fragment.observe_deep(lambda _events: changed.set())
            async with asyncio.timeout(15):
                while len(_texts(fragment)) < 4:
                    await changed.wait()
                    changed.clear()
            fragment.unobserve(sub)
            assert seen["paragraphs"] == _texts(fragment)
            return _texts(fragment)

    texts = run_sync(run())
    assert sorted(texts) == [
        "Typed in Node",
        "Typed in Python 1",
        "Typed in Python 2",
        "Typed in Python 3",
    ]

    exported = httpx.get(
        f"http://{two}/api/v1/writer/documents/{file_id}/export",
        params={"format": "md"},
        headers=shop.headers,
    )
    assert exported.text.split("\n\n") == [*texts[:-1], texts[-1] + "\n"]
    docx = httpx.get(f"http://{one}/api/v1/writer/documents/{file_id}/export", headers=shop.headers)
    assert docx.status_code == 200
    path = tmp_path / "Minutes.docx"
    path.write_bytes(docx.content)

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("soffice is not installed (.ci/run installs libreoffice-nogui)")
    converted = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert converted.returncode == 0, converted.stderr
    pdf = tmp_path / "Minutes.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")


def test_a_viewers_edit_is_refused_and_another_tenant_cannot_connect(served):
    node = _node()
    url, (one, two) = served
    shop, other = make_tenant(url), make_tenant(url)
    made = httpx.post(
        f"http://{one}/api/v1/writer/documents", json={"name": "Policy"}, headers=shop.headers
    ).json()
    file_id = made["file_id"]
    viewer = httpx.post(
        f"http://{one}/api/v1/api-keys",
        json={"name": "v", "roles": ["member"]},
        headers=shop.headers,
    ).json()
    shared = httpx.put(
        f"http://{one}/api/v1/drive/items/{file_id}/shares",
        json={"principal": f"api_key:{viewer['api_key']['id']}", "role": "viewer"},
        headers=shop.headers,
    )
    assert shared.status_code < 300, shared.text

    seen = run_sync(_node_client(node, two, file_id, viewer["key"], "Vandalised", "denied"))
    assert seen["denied"] and "viewer" in seen["denied"][0]
    stored = httpx.get(
        f"http://{one}/api/v1/writer/documents/{file_id}/export",
        params={"format": "md"},
        headers=shop.headers,
    )
    assert "Vandalised" not in stored.text

    async def intrude() -> None:
        with pytest.raises(InvalidStatus) as refused:
            async with _joined(one, file_id, other.key):
                pass
        assert refused.value.response.status_code == 403

    run_sync(intrude())
