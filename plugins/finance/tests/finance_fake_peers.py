"""Stand-ins for CRM, Inventory and HR that publish their contract events (tests only).

Finance must work with the real plugins absent; these publish exactly the event types of
``/tmp/nexus-contracts`` (``crm.deal.won.v1``, ``inventory.valuation.posted.v1``,
``hr.payrun.posted.v1``) through the kernel's outbox, so Finance's handlers are driven by
real event delivery.
"""

from __future__ import annotations

from typing import Any

from litestar import post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from nexus_hookspecs import Database, EventPublisher, Manifest, hookimpl

DEAL_WON = "crm.deal.won.v1"
VALUATION = "inventory.valuation.posted.v1"
PAYRUN_POSTED = "hr.payrun.posted.v1"


def _publisher(name: str, event_type: str) -> Any:
    @post("/publish", status_code=200)
    async def publish(
        data: JSONBody[dict[str, Any]],
        db: NamedDependency[Database],
        events: NamedDependency[EventPublisher],
    ) -> dict[str, str]:
        async with db.transaction() as conn:
            event_id = await events.publish(conn, type=event_type, data=data)
        return {"event_id": event_id}

    class Peer:
        @hookimpl
        def nexus_manifest(self) -> Manifest:
            return Manifest(name=name, version="0.0.1", title=name, events=(event_type,))

        @hookimpl
        def nexus_routes(self, register: Any) -> None:
            register(publish)

    return Peer()


crm = _publisher("crm", DEAL_WON)
inventory = _publisher("inventory", VALUATION)
hr = _publisher("hr", PAYRUN_POSTED)
