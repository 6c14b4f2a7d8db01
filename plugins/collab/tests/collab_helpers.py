"""Test helpers: a stand-in caller of the collab services, and a Python y-websocket client.

``POST /api/v1/collabcaller/call`` with ``{"name": "collab.documents.create", "data": {...}}``
calls the service through the kernel's services port in the request's transaction, as the
caller's actor (as Writer does), and answers what it answered. :class:`YClient` joins a
document with pycrdt's ``Provider`` over a ``websockets`` connection, speaking the
y-websocket sync protocol, and records the server's ``permission-denied`` messages.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
from typing import TYPE_CHECKING, Any

import msgspec
from litestar import post
from litestar.params import JSONBody
from nexus_hookspecs import Manifest, Permission, hookimpl
from nexus_hookspecs.http import Context, Db, Services, route_opt
from pycrdt import Doc, Provider, XmlElement, XmlFragment, XmlText, read_message
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


class Call(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: str
    data: dict[str, Any]


@post("/call", opt=route_opt(permission="collabcaller.calls:write"), status_code=200)
async def call(data: JSONBody[Call], db: Db, services: Services, context: Context) -> Any:
    """Call ``name`` with ``data`` as the caller's actor; answer its reply."""
    async with db.transaction() as conn:
        body = {**data.data, "actor": context.actor}
        return await services.call(conn, data.name, body, result=dict[str, Any])


class Caller:
    @hookimpl
    def nexus_manifest(self) -> Manifest:
        return Manifest(
            name="collabcaller",
            version="0.0.1",
            title="Collab caller",
            hookspecs=">=0.1.2,<0.2",
            permissions=(
                Permission(key="collabcaller.calls:write", roles=("tenant_admin", "member")),
            ),
        )

    @hookimpl
    def nexus_routes(self, register: Any) -> None:
        register(call)


caller = Caller()


class _Channel:
    """A pycrdt ``Channel`` over a ``websockets`` connection; keeps the server's refusals."""

    def __init__(self, ws: Any, path: str) -> None:
        self._ws = ws
        self._path = path
        self.denied: list[str] = []
        self.refused = asyncio.Event()

    @property
    def path(self) -> str:
        return self._path

    def __aiter__(self) -> _Channel:
        return self

    async def __anext__(self) -> bytes:
        try:
            message = await self._ws.recv()
        except ConnectionClosed:
            raise StopAsyncIteration from None
        if message[:2] == b"\x02\x00":  # y-websocket auth: permission-denied, reason
            self.denied.append(bytes(read_message(message[2:])).decode())
            self.refused.set()
        return bytes(message)

    async def recv(self) -> bytes:
        return await self.__anext__()

    async def send(self, message: bytes) -> None:
        with contextlib.suppress(ConnectionClosed):
            await self._ws.send(message)


class YClient:
    """A joined document: ``doc`` stays in sync with the server's."""

    def __init__(self, doc: Doc, channel: _Channel) -> None:
        self.doc = doc
        self.channel = channel

    @property
    def fragment(self) -> XmlFragment:
        return self.doc.get("default", type=XmlFragment)

    def add_paragraph(self, text: str) -> None:
        """Append a ProseMirror paragraph, as Tiptap stores one."""
        self.fragment.children.append(XmlElement("paragraph", {}, [XmlText(text)]))

    def paragraphs(self) -> list[str]:
        return [str(child.children[0]) for child in self.fragment.children if child.children]

    async def until(self, done: Any, timeout: float = 15) -> None:
        """Wait, bounded, until ``done()`` holds, waking on each change of the document."""
        changed = asyncio.Event()
        sub = self.doc.observe(lambda _event: changed.set())
        try:
            async with asyncio.timeout(timeout):
                while not done():
                    await changed.wait()
                    changed.clear()
        finally:
            self.doc.unobserve(sub)


@contextlib.asynccontextmanager
async def joined(base: str, file_id: str, token: str) -> AsyncIterator[YClient]:
    """Join a document at ``ws://base/api/v1/collab/<file_id>`` and sync it."""
    url = f"ws://{base}/api/v1/collab/{file_id}?access_token={token}"
    async with connect(url) as ws:
        doc: Doc[Any] = Doc()
        doc["default"] = XmlFragment()
        channel = _Channel(ws, file_id)
        async with Provider(doc, channel) as provider:
            async with asyncio.timeout(10):
                await provider.synced.wait()
            yield YClient(doc, channel)


def encoded_paragraphs(*texts: str) -> str:
    """A document holding ``texts`` as paragraphs, as one base64 Yjs update."""
    doc: Doc[Any] = Doc()
    fragment = doc.get("default", type=XmlFragment)
    for text in texts:
        fragment.children.append(XmlElement("paragraph", {}, [XmlText(text)]))
    return base64.b64encode(doc.get_update()).decode()
