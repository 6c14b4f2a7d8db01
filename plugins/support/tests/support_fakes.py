"""Stand-ins for CRM and Mail that publish their contract events (tests only).

Support must work with both absent; these publish exactly the event types it consumes
(``crm.contact.created.v1``/``updated.v1`` and ``mail.message.received.v1``) through the
kernel's outbox, so Support's handlers are driven by real event delivery.
"""

from __future__ import annotations

from typing import Any

from litestar import post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from nexus_hookspecs import Database, EventPublisher, Manifest, hookimpl


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


class _Peer:
    def __init__(self, name: str, types: tuple[str, ...]) -> None:
        self.name = name
        self.types = types

    @hookimpl
    def nexus_manifest(self) -> Manifest:
        return Manifest(name=self.name, version="0.0.1", title=self.name, events=self.types)

    @hookimpl
    def nexus_routes(self, register: Any) -> None:
        register(publish)


crm = _Peer("crm", ("crm.contact.created.v1", "crm.contact.updated.v1"))
mail = _Peer("mail", ("mail.message.received.v1",))
