"""A stand-in for Time that publishes its timesheet events (tests only).

HR must work with the real Time plugin absent; this publishes exactly the contract's event
types (``time.timesheet.approved.v1``, ``time.timesheet.reopened.v1``) through the
kernel's outbox, so HR's handlers are driven by real event delivery.
"""

from __future__ import annotations

from typing import Any

from litestar import post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from nexus_hookspecs import Database, EventPublisher, Manifest, hookimpl

APPROVED = "time.timesheet.approved.v1"
REOPENED = "time.timesheet.reopened.v1"


@post("/publish", status_code=200)
async def publish(
    data: JSONBody[dict[str, Any]],
    db: NamedDependency[Database],
    events: NamedDependency[EventPublisher],
) -> dict[str, str]:
    async with db.transaction() as conn:
        event_id = await events.publish(conn, type=data["type"], data=data["data"])
    return {"event_id": event_id}


class _Time:
    @hookimpl
    def nexus_manifest(self) -> Manifest:
        return Manifest(name="time", version="0.0.1", title="time", events=(APPROVED, REOPENED))

    @hookimpl
    def nexus_routes(self, register: Any) -> None:
        register(publish)


time_peer = _Time()
