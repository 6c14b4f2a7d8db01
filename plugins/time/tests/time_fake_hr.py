"""A stand-in for HR that publishes its contract events (tests only).

Time must work with HR absent; this publishes exactly the event types of the issue #19
contracts (``hr.employee.hired.v1`` …, ``hr.leave.approved.v1`` …) through the kernel's
outbox, so Time's handlers are driven by real event delivery.
"""

from __future__ import annotations

from typing import Any

from litestar import post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from nexus_hookspecs import Database, EventPublisher, Manifest, hookimpl

TYPES = (
    "hr.employee.hired.v1",
    "hr.employee.updated.v1",
    "hr.employee.terminated.v1",
    "hr.leave.approved.v1",
    "hr.leave.cancelled.v1",
)


@post("/publish", status_code=200)
async def publish(
    data: JSONBody[dict[str, Any]],
    db: NamedDependency[Database],
    events: NamedDependency[EventPublisher],
) -> dict[str, str]:
    """Publish ``data["data"]`` as an event of type ``data["type"]``."""
    async with db.transaction() as conn:
        event_id = await events.publish(conn, type=data["type"], data=data["data"])
    return {"event_id": event_id}


class _Hr:
    @hookimpl
    def nexus_manifest(self) -> Manifest:
        return Manifest(name="hr", version="0.0.1", title="hr", events=TYPES)

    @hookimpl
    def nexus_routes(self, register: Any) -> None:
        register(publish)


hr = _Hr()
