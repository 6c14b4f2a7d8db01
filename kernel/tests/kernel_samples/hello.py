"""A plugin with routes: a constant, the request context and a database round trip."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.di import NamedDependency
from nexus_hookspecs import Database, Manifest, RequestContext, hookimpl


class HelloController(Controller):
    path = "/"

    @get("/", sync_to_thread=False)
    def hello(self) -> dict[str, str]:
        return {"hello": "world"}

    @get("/context", sync_to_thread=False)
    def who(self, context: NamedDependency[RequestContext]) -> dict[str, Any]:
        return {"plugin": context.plugin, "request_id": context.request_id}

    @get("/db")
    async def database(self, db: NamedDependency[Database]) -> dict[str, Any]:
        async with db.transaction() as conn:
            role = await conn.fetchval("select current_user")
            tenant = await conn.fetchval("select current_setting('nexus.tenant_id', true)")
        return {"role": role, "tenant": tenant}


@hookimpl
def nexus_manifest() -> Manifest:
    return Manifest(name="hello", version="1.2.0", title="Hello", hookspecs=">=0.1,<1")


@hookimpl
def nexus_routes(register: Any) -> None:
    register(HelloController)
