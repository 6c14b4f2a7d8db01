"""A stand-in for Time that publishes its timesheet events (tests only).

Projects must work with Time absent; this publishes exactly the payloads of
``time.timesheet.approved.v1`` and ``time.timesheet.reopened.v1`` (docs/plugins/events.md)
through the kernel's outbox, so Projects' handlers are driven by real event delivery.
"""

from __future__ import annotations

from typing import Any

from litestar import post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from nexus_hookspecs import Database, EventPublisher, Manifest, hookimpl

TYPES = ("time.timesheet.approved.v1", "time.timesheet.reopened.v1")


@post("/publish", status_code=200)
async def publish(
    data: JSONBody[dict[str, Any]],
    db: NamedDependency[Database],
    events: NamedDependency[EventPublisher],
) -> dict[str, str]:
    """Publish ``data["data"]`` as an event of type ``data["type"]``."""
    async with db.transaction() as conn:
        event_id = await events.publish(
            conn, type=data["type"], data=data["data"], subject=data["data"]["timesheet_id"]
        )
    return {"event_id": event_id}


class _Time:
    @hookimpl
    def nexus_manifest(self) -> Manifest:
        return Manifest(name="time", version="0.0.1", title="time", events=TYPES)

    @hookimpl
    def nexus_routes(self, register: Any) -> None:
        register(publish)


time_plugin = _Time()
