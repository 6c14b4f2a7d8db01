"""A stand-in publisher of ``finance.invoice.posted.v1`` for the inventory tests.

The real Finance plugin is not required by Inventory; this plugin (named ``finance``, as
event types must start with the publisher's name) writes the contract's event into the
outbox through the kernel's ``events`` port, so the kernel's real relay and consumers
deliver it to Inventory's handler.
"""

from __future__ import annotations

from typing import Any

from litestar import post
from litestar.params import JSONBody
from nexus_hookspecs import Manifest, hookimpl
from nexus_hookspecs.http import Db, Events

POSTED = "finance.invoice.posted.v1"


@post("/invoices/posted")
async def post_invoice(data: JSONBody[dict[str, Any]], db: Db, events: Events) -> dict[str, Any]:
    async with db.transaction() as conn:
        event_id = await events.publish(conn, type=POSTED, data=data, subject=data["id"])
    return {"event_id": event_id}


@hookimpl
def nexus_manifest() -> Manifest:
    return Manifest(name="finance", version="0.0.1", title="Invoices (test)", events=(POSTED,))


@hookimpl
def nexus_routes(register: Any) -> None:
    register(post_invoice)
