"""Nexus Collab: Drive files edited together in real time, as Yjs CRDTs over WebSocket.

The hook implementations, and nothing else. See README.md for the socket (the y-websocket
sync and awareness protocols), permissions, persistence and compaction, the services the
editor plugins call and how updates reach clients on other server processes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_hookspecs import Manifest, Permission, hookimpl

from nexus_collab._comments import add_comment, list_comments, resolve_comment
from nexus_collab._examples import EXAMPLES
from nexus_collab._keys import DOCUMENT_CHANGED, READ, WRITE
from nexus_collab._rooms import ROOMS
from nexus_collab._services import SERVICES
from nexus_collab._socket import collab_socket
from nexus_collab._store import TRAILING
from nexus_collab._versions import list_versions, restore_version, save_version

if TYPE_CHECKING:
    from collections.abc import Callable

    from nexus_hookspecs import Background

__all__ = (
    "nexus_background",
    "nexus_manifest",
    "nexus_piccolo_app",
    "nexus_routes",
    "nexus_services",
    "nexus_shutdown",
)

_MEMBERS = ("tenant_admin", "member")
TABLES = ("collab_document", "collab_update", "collab_comment", "collab_version")


@hookimpl
def nexus_manifest() -> Manifest:
    """Describe the plugin."""
    return Manifest(
        name="collab",
        version="0.1.0",
        title="Collaboration",
        summary=(
            "Drive files edited together in real time: Yjs documents over WebSocket "
            "(y-websocket), persisted and compacted, with Drive's permissions, across "
            "server processes."
        ),
        hookspecs=">=0.1.5,<0.2",
        requires=("drive",),
        permissions=(
            Permission(
                key=READ,
                description="Open collaborative documents (Drive decides the role on each).",
                roles=_MEMBERS,
            ),
            Permission(
                key=WRITE,
                description="Save versions and comment (Drive decides the role on each).",
                roles=_MEMBERS,
            ),
        ),
        events=(DOCUMENT_CHANGED,),
        tenant_tables=TABLES,
        example_payloads=EXAMPLES,
    )


@hookimpl
def nexus_routes(register: Callable[[Any], None]) -> None:
    """Mount the document socket, comments and versions under ``/api/v1/collab/``."""
    for handler in (
        collab_socket,
        add_comment,
        list_comments,
        resolve_comment,
        save_version,
        list_versions,
        restore_version,
    ):
        register(handler)


@hookimpl
def nexus_services(register: Callable[[Any], None]) -> None:
    """``collab.documents.create``, ``.state``, ``.apply`` and ``.list``."""
    for service in SERVICES:
        register(service)


@hookimpl
async def nexus_background(work: Background) -> None:
    """LISTEN for the updates other processes persist; arm the trailing change events."""
    TRAILING.start(work)
    await ROOMS.start(work)


@hookimpl
async def nexus_shutdown(app: Any) -> None:
    """Stop listening and close the open documents."""
    del app
    await ROOMS.stop()
    await TRAILING.stop()


@hookimpl
def nexus_piccolo_app() -> str:
    """The collab tables and migrations."""
    return "nexus_collab.piccolo_app"
