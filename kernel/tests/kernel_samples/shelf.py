"""A plugin using the cache and the file store: per-tenant values and files.

``STORE`` stands in for the plugin's table (shared by every test client in the process,
as a database is shared by every worker); ``LOADS`` counts the reads that reach it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar import Request, get, put
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, JSONBody
from litestar.response import Response
from nexus_hookspecs import BlobStore, BlobTooLargeError, Cache, Manifest, RequestContext, hookimpl

if TYPE_CHECKING:
    from uuid import UUID

STORE: dict[UUID, str] = {}
LOADS: list[UUID] = []


@get("/value")
async def read_value(
    cache: NamedDependency[Cache], context: NamedDependency[RequestContext]
) -> dict[str, str | None]:
    tenant_id = context.tenant_id
    assert tenant_id is not None

    async def load() -> bytes | None:
        LOADS.append(tenant_id)
        value = STORE.get(tenant_id)
        return None if value is None else value.encode()

    raw = await cache.get_or_load("value", load, tags=("values",))
    return {"value": None if raw is None else raw.decode()}


@put("/value")
async def write_value(
    cache: NamedDependency[Cache],
    context: NamedDependency[RequestContext],
    data: JSONBody[dict[str, str]],
) -> dict[str, str]:
    assert context.tenant_id is not None
    STORE[context.tenant_id] = data["value"]  # the write "commits" …
    await cache.invalidate("value")  # … then the cache forgets
    return data


@put("/files/{key:path}")
async def upload(
    request: Request[Any, Any, Any], blobs: NamedDependency[BlobStore], key: FromPath[str]
) -> Response[dict[str, Any]]:
    try:
        info = await blobs.put(
            key.lstrip("/"), request.stream(), content_type=request.content_type[0]
        )
    except BlobTooLargeError as exc:
        return Response({"detail": str(exc)}, status_code=413)
    return Response({"key": info.key, "size": info.size, "content_type": info.content_type})


@get("/files/{key:path}")
async def download(blobs: NamedDependency[BlobStore], key: FromPath[str]) -> Response[bytes]:
    key = key.lstrip("/")
    try:
        info = await blobs.stat(key)
        data = await blobs.get(key)
    except KeyError:
        raise NotFoundException() from None
    return Response(data, media_type=info.content_type)


@get("/links/{key:path}")
async def link(blobs: NamedDependency[BlobStore], key: FromPath[str]) -> dict[str, str]:
    return {"url": await blobs.url(key.lstrip("/"), expires_in=60)}


@get("/list")
async def listing(blobs: NamedDependency[BlobStore]) -> list[str]:
    return [key async for key in blobs.list()]


@hookimpl
def nexus_manifest() -> Manifest:
    return Manifest(name="shelf", version="0.1.0", title="Shelf", hookspecs=">=0.1,<1")


@hookimpl
def nexus_routes(register: Any) -> None:
    for handler in (read_value, write_value, upload, download, link, listing):
        register(handler)
