"""``/{file_id}``: a document over WebSocket, speaking the y-websocket protocol.

Any Yjs client joins with ``new WebsocketProvider("wss://host/api/v1/collab", file_id, doc,
{params: {access_token}})``. The kernel's gate admits the handshake (credentials, tenant,
``collab.documents:read``); then Drive decides the caller's role on the file: none (another
tenant's file, or not shared with them) closes the socket with 4404 before it is accepted.
Sync and awareness messages go through a pycrdt-websocket ``YRoom``. Every message carrying a
document update (sync step 2, update) is checked against the caller's role again, and
persisted, in one transaction before the room applies it: a viewer's or commenter's update
is dropped (neither applied nor persisted) and answered with the y-websocket ``auth``
message ``permission-denied`` (the client's ``permission-denied`` handler, and a console
warning in y-websocket); the socket stays open for sync and awareness.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID  # noqa: TC003 - Litestar reads the handler's annotations

import structlog
from anyio import Lock
from litestar import WebSocket, websocket
from litestar.exceptions import HTTPException, WebSocketDisconnect
from litestar.params import FromPath  # noqa: TC002 - Litestar reads the handler's annotations
from nexus_hookspecs.http import Context, Db, Events, Services, route_opt
from pycrdt import write_var_uint

from nexus_collab import _store as store
from nexus_collab._access import EDITORS, role
from nexus_collab._keys import READ
from nexus_collab._rooms import ROOMS, Room
from nexus_collab._state import EMPTY_UPDATE, sync_update

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

__all__ = ("collab_socket", "permission_denied")

log = structlog.get_logger("nexus_collab")

COMPACT_EVERY = 200
"""Updates a room persists before it folds them into the snapshot."""

_AUTH = 2
_PERMISSION_DENIED = 0


def permission_denied(reason: str) -> bytes:
    """The y-websocket ``auth`` message refusing an update, with its reason."""
    text = reason.encode()
    return bytes([_AUTH, _PERMISSION_DENIED]) + write_var_uint(len(text)) + text


class _Client:
    """A pycrdt ``Channel`` over the Litestar socket that checks and persists updates."""

    def __init__(  # noqa: PLR0913 - what each checked update needs, named
        self,
        socket: WebSocket[Any, Any, Any],
        *,
        db: Db,
        events: Events,
        services: Services,
        room: Room,
        actor: str,
    ) -> None:
        self._socket = socket
        self._db = db
        self._events = events
        self._services = services
        self._room = room
        self._actor = actor
        self._send_lock = Lock()

    @property
    def path(self) -> str:
        return f"{self._room.tenant_id}/{self._room.file_id}"

    def __aiter__(self) -> _Client:
        return self

    async def __anext__(self) -> bytes:
        while True:
            try:
                message = await self._socket.receive_data(mode="binary")
            except WebSocketDisconnect:
                raise StopAsyncIteration from None
            data = message if isinstance(message, bytes) else message.encode()
            update = sync_update(data)
            if update is None or update == EMPTY_UPDATE:
                return data
            if await self._persisted(update):
                return data

    async def recv(self) -> bytes:
        return await self.__anext__()

    async def send(self, message: bytes) -> None:
        async with self._send_lock:
            await self._socket.send_bytes(message)

    async def _persisted(self, update: bytes) -> bool:
        """Check the caller may edit and persist the update; tell the client when not."""
        room = self._room
        try:
            async with self._db.transaction() as conn:
                access = await role(conn, self._services, room.file_id, self._actor)
                if access.role not in EDITORS or access.trashed:
                    refused = f"your role ({access.role}) does not allow to edit this document"
                else:
                    refused = ""
                    await self._append(conn, update)
        except HTTPException as exc:
            refused = str(exc.detail)
        if refused:
            await self.send(permission_denied(refused))
            return False
        room.pending += 1
        if room.pending >= COMPACT_EVERY:
            room.pending = 0
            async with self._db.transaction() as conn:
                await store.compact(conn, self._events, room.file_id)
        return True

    async def _append(self, conn: Connection, update: bytes) -> None:
        await store.append(
            conn,
            self._events,
            tenant_id=self._room.tenant_id,
            file_id=self._room.file_id,
            update=update,
            actor=self._actor,
            origin=ROOMS.origin,
        )


@websocket("/{file_id:uuid}", opt=route_opt(permission=READ))
async def collab_socket(  # noqa: PLR0913 - the ports a socket handler is given
    socket: WebSocket[Any, Any, Any],
    file_id: FromPath[UUID],
    db: Db,
    events: Events,
    services: Services,
    context: Context,
) -> None:
    """Edit the document together: y-websocket sync and awareness, updates checked."""
    tenant_id, actor = context.tenant_id, context.actor
    if tenant_id is None or actor is None:  # pragma: no cover - the gate admits neither
        await socket.close(code=4403)
        return
    try:
        async with db.transaction() as conn:
            await role(conn, services, file_id, actor)
            await store.document(conn, file_id)
    except HTTPException as exc:
        await socket.close(code=4000 + exc.status_code, reason=str(exc.detail)[:120])
        return

    async def load() -> tuple[str, bytes]:
        async with db.transaction() as conn:
            kind, update, _ = await store.state(conn, file_id)
        return kind, update

    await socket.accept()
    room = await ROOMS.open(tenant_id, file_id, load)
    client = _Client(socket, db=db, events=events, services=services, room=room, actor=actor)
    try:
        await room.yroom.serve(client)
    finally:
        if await ROOMS.close(room):
            async with db.transaction() as conn:
                await store.compact(conn, events, file_id)
