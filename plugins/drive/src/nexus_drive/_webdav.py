"""WebDAV access to the caller's own drive: WsgiDAV mounted at ``/api/v1/drive/dav``.

Desktop clients and tools (rclone, cadaver, davfs2, Finder, Explorer) list, upload,
download, move and delete files as through the API: the same tables, the same files store,
the same access decisions and quotas. The kernel authenticates the request
(``Authorization: Bearer <API key or token>``; rclone: ``--webdav-bearer-token``) and the
route's permission (``drive.files:write``) is checked before WsgiDAV sees it; WsgiDAV's own
authentication is off.

WsgiDAV serves it (:mod:`nexus_drive._webdav_app`, imported with the first request, not at
start-up).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from litestar import asgi
from nexus_hookspecs.http import route_opt

from nexus_drive._keys import FILES_WRITE

if TYPE_CHECKING:
    from litestar.types import Receive, Scope, Send

__all__ = ("MOUNT", "dav")

MOUNT = "/api/v1/drive/dav"


@asgi("/dav", is_mount=True, copy_scope=True, opt=route_opt(permission=FILES_WRITE))
async def dav(scope: Scope, receive: Receive, send: Send) -> None:
    """WebDAV (RFC 4918) on the caller's own drive.

    ``PROPFIND``, ``GET``, ``PUT``, ``MKCOL``, ``MOVE``, ``DELETE`` (to the trash),
    ``LOCK``/``UNLOCK``.
    """
    from nexus_drive._webdav_app import serve  # noqa: PLC0415 - WsgiDAV, on first use

    await serve(scope, receive, send)
