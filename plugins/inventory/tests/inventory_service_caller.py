"""A stand-in caller of Inventory's services for the inventory tests.

The real callers (Sales, Purchase) are not required by Inventory; this plugin (named
``caller``) calls a service by name through the kernel's services port, in its request's
transaction, exactly as they do, and answers what the service answered.
"""

from __future__ import annotations

from typing import Any

from litestar import post
from litestar.params import FromPath, JSONBody
from nexus_hookspecs import Manifest, hookimpl
from nexus_hookspecs.http import Db, Services


@post("/call/{name:str}", status_code=200)
async def call_service(
    name: FromPath[str], data: JSONBody[dict[str, Any]], db: Db, services: Services
) -> Any:
    async with db.transaction() as conn:
        return await services.call(conn, name, data, result=Any)  # type: ignore[arg-type]


@hookimpl
def nexus_manifest() -> Manifest:
    return Manifest(name="caller", version="0.0.1", title="Service caller (test)")


@hookimpl
def nexus_routes(register: Any) -> None:
    register(call_service)
