"""The bench plugin: the constant route and a tenant read through the ``db`` port.

Registered explicitly (``load_plugins(settings, plugins=[plugin])``), never installed. Its
table ``bench_record`` is created by the benchmark itself (:mod:`bench.benchmarks._database`).
"""

from __future__ import annotations

from typing import Any

from litestar import get
from litestar.di import NamedDependency  # noqa: TC002 - Litestar reads handler hints at run time
from litestar.exceptions import NotFoundException
from litestar.params import SkipValidation  # noqa: TC002 - Litestar reads handler hints
from nexus_hookspecs import Database, Manifest, RequestContext, hookimpl

from bench.apps.handlers import BENCH_TENANT_ID, SELECT_RECORD, constant_route

__all__ = ("MANIFEST", "nexus_manifest", "nexus_routes", "read_record")

MANIFEST = Manifest(
    name="bench",
    version="0.1.0",
    title="Benchmarks",
    summary="Routes the benchmark harness measures the kernel with.",
    hookspecs=">=0.1",
)


@get("/records/{record_id:int}")
async def read_record(
    record_id: int,
    db: NamedDependency[SkipValidation[Database]],
    context: NamedDependency[SkipValidation[RequestContext]],
) -> dict[str, Any]:
    """Fetch one record of the request's tenant (a fixed one if the kernel names none).

    The ports are annotated as ``hookspecs/README.md`` tells plugins to (``SkipValidation``).
    """
    async with db.transaction(tenant_id=context.tenant_id or BENCH_TENANT_ID) as conn:
        row = await conn.fetchrow(SELECT_RECORD, record_id)
    if row is None:
        raise NotFoundException()
    return dict(row)


@hookimpl
def nexus_manifest() -> Manifest:
    """Return the constant manifest (the hooks benchmark calls this, so it does no work)."""
    return MANIFEST


@hookimpl
def nexus_routes(register: Any) -> None:
    """Mount the constant route and the record read."""
    register(constant_route())
    register(read_record)
