"""A plugin with a Piccolo table and a migration, and start-up/shut-down hooks."""

from __future__ import annotations

from typing import Any

from litestar import get, post
from litestar.params import JSONBody
from nexus_hookspecs import Manifest, hookimpl

from .tables import Note

EVENTS: list[str] = []


@post("/")
async def create_note(data: JSONBody[dict[str, str]]) -> dict[str, Any]:
    note = Note(text=data["text"])
    await note.save()
    return {"id": note.id, "text": note.text}


@get("/")
async def list_notes() -> list[dict[str, Any]]:
    return await Note.select(Note.id, Note.text).order_by(Note.id)


@hookimpl
def nexus_manifest() -> Manifest:
    return Manifest(name="notes", version="0.1.0", title="Notes", requires=("hello",))


@hookimpl
def nexus_routes(register: Any) -> None:
    register(create_note)
    register(list_notes)


@hookimpl
def nexus_piccolo_app() -> str:
    return "kernel_samples.notes.piccolo_app"


@hookimpl
async def nexus_startup(app: Any) -> None:
    EVENTS.append("startup")


@hookimpl
def nexus_shutdown(app: Any) -> None:
    EVENTS.append("shutdown")
