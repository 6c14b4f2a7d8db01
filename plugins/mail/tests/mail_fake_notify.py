"""A stand-in for Notification that publishes ``notify.email.requested.v1`` (tests only).

Mail must work with Notification absent; this publishes exactly the contract's event through
the kernel's outbox, so Mail's handler is driven by real event delivery.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from nexus_hookspecs import BlobStore, Database, EventPublisher, Manifest, hookimpl


@post("/publish", status_code=200)
async def publish(
    data: JSONBody[dict[str, Any]],
    db: NamedDependency[Database],
    events: NamedDependency[EventPublisher],
) -> dict[str, str]:
    """Publish ``data`` as ``notify.email.requested.v1`` (subject: its delivery id)."""
    async with db.transaction() as conn:
        event_id = await events.publish(
            conn, type="notify.email.requested.v1", data=data, subject=data["delivery_id"]
        )
    return {"event_id": event_id}


@put("/files/{key:path}", status_code=200)
async def keep(
    key: FromPath[str], request: Request[Any, Any, Any], blobs: NamedDependency[BlobStore]
) -> dict[str, Any]:
    """Store the body in the tenant's files store (a file a requested email attaches)."""
    info = await blobs.put(
        key.lstrip("/"), await request.body(), content_type=request.headers["content-type"]
    )
    return {"key": info.key, "size": info.size}


class _Notify:
    @hookimpl
    def nexus_manifest(self) -> Manifest:
        return Manifest(
            name="notify", version="0.0.1", title="notify", events=("notify.email.requested.v1",)
        )

    @hookimpl
    def nexus_routes(self, register: Any) -> None:
        register(publish)
        register(keep)


notify = _Notify()
