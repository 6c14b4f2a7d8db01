"""The WebDAV server behind ``/api/v1/drive/dav``: WsgiDAV over the caller's own drive.

Imported by the route (:mod:`nexus_drive._webdav`) with its first request, not at start-up
(WsgiDAV and Jinja2 cost a worker a fifth of a second). WsgiDAV is a WSGI application (run
by ``a2wsgi`` on worker threads); its provider calls back into the event loop for every
database or files-store operation, and streams file contents both ways in chunks (an
upload flows through a bounded queue into ``blobs.put``; a download reads ``blobs.stream``
chunk by chunk), so a large file is never held in memory.
"""

from __future__ import annotations

import asyncio
import inspect
import io
from typing import TYPE_CHECKING, Any

from a2wsgi import WSGIMiddleware
from litestar import Request
from litestar.di import Provide
from litestar.exceptions import HTTPException
from wsgidav.dav_error import (
    HTTP_CONFLICT,
    HTTP_FORBIDDEN,
    HTTP_INSUFFICIENT_STORAGE,
    HTTP_NOT_FOUND,
    DAVError,
)
from wsgidav.dav_provider import DAVCollection, DAVNonCollection, DAVProvider
from wsgidav.wsgidav_app import WsgiDAVApp

from nexus_drive._access import allows, role_of
from nexus_drive._routes_items import (
    content_type_of,
    make_folder,
    move_item,
    purge,
    save_file,
    trash_item,
)
from nexus_drive._store import ITEM_COLUMNS, ensure_user_drive, load_item
from nexus_drive._webdav import MOUNT

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Coroutine, Mapping
    from concurrent.futures import Future
    from datetime import datetime
    from uuid import UUID

    from litestar.types import Receive, Scope, Send

__all__ = ("serve",)

_SESSION = "nexus_drive.dav"
"""Where the kernel mounts the WebDAV app (every plugin route is under ``/api/v1/<plugin>``)."""
_PORTS = ("db", "events", "blobs", "settings", "context")


class _Session:
    """What one WebDAV request acts with: the loop, the ports, the caller and their drive."""

    def __init__(self, loop: asyncio.AbstractEventLoop, ports: dict[str, Any]) -> None:
        self.loop = loop
        self.db = ports["db"]
        self.events = ports["events"]
        self.blobs = ports["blobs"]
        self.settings = ports["settings"]
        self.actor: str = ports["context"].actor
        self.drive_id: UUID | None = None

    def run(self, coro: Coroutine[Any, Any, Any]) -> Any:
        """Run ``coro`` on the event loop from a WsgiDAV thread and wait for its result."""
        future: Future[Any] = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result()
        except HTTPException as exc:
            raise _dav_error(exc) from None

    async def drive(self) -> UUID:
        if self.drive_id is None:
            async with self.db.transaction() as conn:
                self.drive_id = (await ensure_user_drive(conn, self.actor))["id"]
        return self.drive_id

    async def lookup(self, path: str) -> Mapping[str, Any] | None:
        """The item at ``path`` in the caller's drive (``None``: missing; ``{}``: the top)."""
        drive_id = await self.drive()
        parts = [part for part in path.strip("/").split("/") if part]
        row: Mapping[str, Any] = {}
        parent: UUID | None = None
        async with self.db.transaction() as conn:
            for part in parts:
                found = await conn.fetchrow(
                    f"select {ITEM_COLUMNS} from drive_item where drive_id = $1 and parent_id "
                    "is not distinct from $2 and name = $3 and trashed_at is null",
                    drive_id,
                    parent,
                    part,
                )
                if found is None:
                    return None
                row, parent = found, found["id"]
        return row


def _dav_error(exc: HTTPException) -> DAVError:
    status = {404: HTTP_NOT_FOUND, 403: HTTP_FORBIDDEN, 409: HTTP_CONFLICT}.get(exc.status_code)
    if exc.status_code in (413, 507):
        status = HTTP_INSUFFICIENT_STORAGE
    return DAVError(status or HTTP_FORBIDDEN, context_info=str(exc.detail))


def _session(environ: dict[str, Any]) -> _Session:
    session: _Session = environ["asgi.scope"][_SESSION]
    return session


def _join(path: str, name: str) -> str:
    return path.rstrip("/") + "/" + name


def _stamp(value: datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


class _Reader(io.RawIOBase):
    """A file-like view of ``blobs.stream(key)`` for WsgiDAV's threads."""

    def __init__(self, session: _Session, key: str) -> None:
        self._session = session
        self._chunks: AsyncIterator[bytes] = session.blobs.stream(key)
        self._left = b""
        self._done = False

    def readable(self) -> bool:
        return True

    async def _next(self) -> bytes:
        try:
            return await anext(self._chunks)
        except StopAsyncIteration:
            return b""

    def read(self, size: int = -1) -> bytes:
        while not self._done and (size < 0 or len(self._left) < size):
            chunk = self._session.run(self._next())
            if not chunk:
                self._done = True
            self._left += chunk
        if size < 0:
            size = len(self._left)
        taken, self._left = self._left[:size], self._left[size:]
        return taken

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class _Writer(io.RawIOBase):
    """A file-like sink WsgiDAV writes an upload into.

    Chunks go through a bounded queue into :func:`save_file` running on the loop.
    """

    def __init__(self, session: _Session, parent_id: UUID | None, name: str, kind: str) -> None:
        self._session = session
        self._queue: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=8)
        self._future = asyncio.run_coroutine_threadsafe(
            self._save(parent_id, name, kind), session.loop
        )

    async def _chunks(self) -> AsyncIterator[bytes]:
        while (chunk := await self._queue.get()) is not None:
            yield chunk

    async def _save(self, parent_id: UUID | None, name: str, kind: str) -> Any:
        session = self._session
        return await save_file(
            db=session.db,
            events=session.events,
            blobs=session.blobs,
            settings=session.settings,
            actor=session.actor,
            drive_id=await session.drive(),
            parent_id=parent_id,
            name=name,
            content_type=kind,
            chunks=self._chunks(),
        )

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        if chunk and not self._future.done():
            asyncio.run_coroutine_threadsafe(self._queue.put(chunk), self._session.loop).result()
        return len(chunk)

    def close(self) -> None:
        if self.closed:
            return
        super().close()
        if not self._future.done():
            asyncio.run_coroutine_threadsafe(self._queue.put(None), self._session.loop).result()
        try:
            self._future.result()
        except HTTPException as exc:
            raise _dav_error(exc) from None


class _File(DAVNonCollection):  # type: ignore[misc]
    def __init__(self, path: str, environ: dict[str, Any], row: Mapping[str, Any] | None) -> None:
        super().__init__(path, environ)
        self.row = row
        self.session = _session(environ)

    def get_content_length(self) -> int:
        return int(self.row["size"]) if self.row else 0

    def get_content_type(self) -> str:
        return str(self.row["content_type"]) if self.row else "application/octet-stream"

    def get_creation_date(self) -> float | None:
        return _stamp(self.row["created_at"]) if self.row else None

    def get_last_modified(self) -> float | None:
        return _stamp(self.row["updated_at"]) if self.row else None

    def get_etag(self) -> str | None:
        return str(self.row["version_id"]) if self.row else None

    def support_etag(self) -> bool:
        return True

    def support_ranges(self) -> bool:
        return False

    def get_content(self) -> Any:
        if self.row is None:
            raise DAVError(HTTP_NOT_FOUND)
        session, item_id = self.session, self.row["id"]

        async def key() -> str:
            async with session.db.transaction() as conn:
                row = await load_item(conn, item_id)
                role = await role_of(conn, session.actor, row["id"])
                if not allows("download", role=role, quarantined=row["quarantined_at"] is not None):
                    raise DAVError(HTTP_FORBIDDEN)
                found: str = await conn.fetchval(
                    "select blob_key from drive_version where id = $1", row["version_id"]
                )
                return found

        return io.BufferedReader(_Reader(session, session.run(key())), buffer_size=256 * 1024)

    def begin_write(self, *, content_type: str | None = None) -> Any:
        parent_id = self.row["parent_id"] if self.row else self._parent_id()
        name = self.row["name"] if self.row else self.name
        return _Writer(self.session, parent_id, name, content_type_of(content_type))

    def _parent_id(self) -> UUID | None:
        parent = self.session.run(self.session.lookup(self.path.rsplit("/", 1)[0] or "/"))
        if parent is None:
            raise DAVError(HTTP_CONFLICT)
        found: UUID | None = parent.get("id")
        return found

    def handle_delete(self) -> bool:
        _trash(self.session, self.row)
        return True

    def support_recursive_delete(self) -> bool:
        return True

    def delete(self) -> None:
        _trash(self.session, self.row)

    def handle_move(self, dest_path: str) -> bool:
        _move(self.session, self.row, dest_path)
        return True

    def copy_move_single(self, dest_path: str, *, is_move: bool) -> None:
        raise DAVError(HTTP_FORBIDDEN, context_info="copying is not supported")


class _Folder(DAVCollection):  # type: ignore[misc]
    def __init__(self, path: str, environ: dict[str, Any], row: Mapping[str, Any]) -> None:
        super().__init__(path, environ)
        self.row = row
        self.session = _session(environ)

    def _children(self) -> list[Mapping[str, Any]]:
        session = self.session

        async def load() -> list[Mapping[str, Any]]:
            drive_id = await session.drive()
            async with session.db.transaction() as conn:
                rows = await conn.fetch(
                    f"select {ITEM_COLUMNS} from drive_item where drive_id = $1 and parent_id "
                    "is not distinct from $2 and trashed_at is null order by name",
                    drive_id,
                    self.row.get("id"),
                )
                return list(rows)

        result: list[Mapping[str, Any]] = session.run(load())
        return result

    def get_member_names(self) -> list[str]:
        return [row["name"] for row in self._children()]

    def get_member_list(self) -> list[Any]:
        return [
            _resource(_join(self.path, row["name"]), self.environ, row) for row in self._children()
        ]

    def get_member(self, name: str) -> Any:
        for row in self._children():
            if row["name"] == name:
                return _resource(_join(self.path, name), self.environ, row)
        return None

    def get_creation_date(self) -> float | None:
        return _stamp(self.row.get("created_at"))

    def get_last_modified(self) -> float | None:
        return _stamp(self.row.get("updated_at"))

    def create_empty_resource(self, name: str) -> Any:
        return _File(_join(self.path, name), self.environ, None)

    def create_collection(self, name: str) -> None:
        session = self.session

        async def make() -> None:
            async with session.db.transaction() as conn:
                await make_folder(
                    conn, session.actor, await session.drive(), self.row.get("id"), name
                )

        session.run(make())

    def support_recursive_delete(self) -> bool:
        return True

    def handle_delete(self) -> bool:
        if not self.row:
            raise DAVError(HTTP_FORBIDDEN)
        _trash(self.session, self.row)
        return True

    def delete(self) -> None:
        self.handle_delete()

    def support_recursive_move(self, dest_path: str) -> bool:
        return True

    def handle_move(self, dest_path: str) -> bool:
        if not self.row:
            raise DAVError(HTTP_FORBIDDEN)
        _move(self.session, self.row, dest_path)
        return True

    def move_recursive(self, dest_path: str) -> None:
        self.handle_move(dest_path)

    def copy_move_single(self, dest_path: str, *, is_move: bool) -> None:
        raise DAVError(HTTP_FORBIDDEN, context_info="copying is not supported")


def _resource(path: str, environ: dict[str, Any], row: Mapping[str, Any]) -> Any:
    if not row or row["kind"] == "folder":
        return _Folder(path, environ, row)
    return _File(path, environ, row)


def _trash(session: _Session, row: Mapping[str, Any] | None) -> None:
    """DELETE: a file or folder goes to the trash, as in the API (restorable there)."""
    if not row:
        raise DAVError(HTTP_NOT_FOUND)

    async def trash() -> None:
        async with session.db.transaction() as conn:
            await trash_item(conn, session.events, session.actor, row["id"])

    session.run(trash())


def _move(session: _Session, row: Mapping[str, Any] | None, dest_path: str) -> None:
    """MOVE: rename and/or move inside the caller's drive (an existing target is replaced)."""
    if not row:
        raise DAVError(HTTP_NOT_FOUND)
    folder, _, name = dest_path.rstrip("/").rpartition("/")

    async def move() -> None:
        target = await session.lookup(folder or "/")
        if target is None or (target and target["kind"] != "folder"):
            raise DAVError(HTTP_CONFLICT)
        existing = await session.lookup(dest_path)
        async with session.db.transaction() as conn:
            if existing:
                await purge(conn, session.events, existing["id"])
            await move_item(
                conn, session.actor, row["id"], name, target.get("id"), to_top=not target
            )

    session.run(move())


class DriveProvider(DAVProvider):  # type: ignore[misc]
    """Resolves WebDAV paths to the caller's own drive's folders and files."""

    def is_readonly(self) -> bool:
        return False

    def get_resource_inst(self, path: str, environ: dict[str, Any]) -> Any:
        session = _session(environ)
        row = session.run(session.lookup(path))
        if row is None:
            return None
        return _resource(path, environ, row)


def _config() -> dict[str, Any]:
    return {
        "provider_mapping": {"/": DriveProvider()},
        # Litestar hands the mount the path below it; WsgiDAV's hrefs name the mount's own.
        "mount_path": MOUNT,
        "simple_dc": {"user_mapping": {"*": True}},
        "http_authenticator": {"accept_basic": False, "accept_digest": False},
        "lock_storage": True,
        "property_manager": True,
        "verbose": 1,
        "logging": {"enable": False, "enable_loggers": []},
        "dir_browser": {"enable": False},
        "hotfixes": {"re_encode_path_info": False},
    }


_app: WSGIMiddleware | None = None


def _wsgi() -> WSGIMiddleware:
    global _app  # noqa: PLW0603 - one WsgiDAV app per process, made on first use
    if _app is None:
        _app = WSGIMiddleware(WsgiDAVApp(_config()), workers=8)
    return _app


async def _port(request: Request[Any, Any, Any], name: str, made: dict[str, Any]) -> Any:
    """Resolve one of the kernel's ports by its public name, as Litestar would for a handler."""
    if name in made:
        return made[name]
    provide = request.app.dependencies[name]
    assert isinstance(provide, Provide)
    arguments: dict[str, Any] = {}
    for parameter in inspect.signature(provide.dependency).parameters:
        arguments[parameter] = (
            request if parameter == "request" else await _port(request, parameter, made)
        )
    value = provide.dependency(**arguments)
    if inspect.isawaitable(value):
        value = await value
    made[name] = value
    return value


async def serve(scope: Scope, receive: Receive, send: Send) -> None:
    """Answer one WebDAV request with WsgiDAV, in a session of the caller's ports."""
    request: Request[Any, Any, Any] = Request(scope, receive)
    made: dict[str, Any] = {}
    ports = {name: await _port(request, name, made) for name in _PORTS}
    scope[_SESSION] = _Session(asyncio.get_running_loop(), ports)  # type: ignore[literal-required]
    await _wsgi()(scope, receive, send)  # type: ignore[arg-type]
