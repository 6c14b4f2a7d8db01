"""A plugin that publishes an event with each write and consumes its own events.

Writes go through the ``events`` port inside the request's transaction (the outbox); the
handler records one ``ledger_effect`` row per event, so tests can count effects. Set
``FAILING`` to make the handler raise (dead-letter tests).
"""

from __future__ import annotations

from typing import Any

from litestar import post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from nexus_hookspecs import Database, EventPublisher, EventType, Manifest, hookimpl

from .tables import Effect, Entry

CREATED = "ledger.entry.created.v1"
# Declared and published as an EventType (the bare name works too: see /undeclared).
ENTRY_CREATED = EventType(type=CREATED, description="An entry was written.")
FAILING: set[str] = set()

Db = NamedDependency[Database]
Events = NamedDependency[EventPublisher]


@post("/")
async def create_entry(data: JSONBody[dict[str, Any]], db: Db, events: Events) -> dict[str, Any]:
    async with db.transaction() as conn:
        entry = Entry(memo=data["memo"])
        await entry.save()
        event_id = await events.publish(
            conn,
            type=ENTRY_CREATED,
            data={"id": str(entry.id), "memo": entry.memo},
            subject=str(entry.id),
        )
        if data.get("fail"):
            raise RuntimeError("rolled back after publishing")
    return {"id": str(entry.id), "event_id": event_id}


@post("/undeclared")
async def publish_undeclared(db: Db, events: Events) -> dict[str, Any]:
    async with db.transaction() as conn:
        await events.publish(conn, type="ledger.secret.v1", data={})
    return {}


async def record_effect(event: Any) -> None:
    if event.data.get("memo") in FAILING:
        raise RuntimeError("the ledger handler fails on purpose")
    await Effect(event_id=event.id).save()


@hookimpl
def nexus_manifest() -> Manifest:
    return Manifest(
        name="ledger",
        version="0.1.0",
        title="Ledger",
        events=(ENTRY_CREATED,),
        tenant_tables=("ledger_entry", "ledger_effect"),
    )


@hookimpl
def nexus_routes(register: Any) -> None:
    register(create_entry)
    register(publish_undeclared)


@hookimpl
def nexus_piccolo_app() -> str:
    return "kernel_samples.ledger.piccolo_app"


@hookimpl
def nexus_event_handlers(register: Any) -> None:
    register(CREATED, record_effect)
