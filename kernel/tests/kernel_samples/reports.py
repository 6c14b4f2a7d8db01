"""A plugin that requires ``tasks``."""

from __future__ import annotations

from typing import Any

from litestar import get
from nexus_hookspecs import Manifest, hookimpl


@get("/", sync_to_thread=False)
def summary() -> dict[str, str]:
    return {"reports": "ready"}


@hookimpl
def nexus_manifest() -> Manifest:
    return Manifest(name="reports", version="1.0.0", title="Reports", requires=("tasks",))


@hookimpl
def nexus_routes(register: Any) -> None:
    register(summary)
