"""Liveness and readiness: ``/healthz`` and ``/readyz``."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Request, Response, get

from nexus.http._problems import PROBLEM_TYPES, problem_response
from nexus.services import kernel_of

__all__ = ("health_routes",)

_DB_TIMEOUT_S = 2.0
_PUBLIC = {"nexus_access": "public"}


@get("/healthz", tags=["kernel"], summary="Liveness", sync_to_thread=False, opt=_PUBLIC)
def healthz() -> dict[str, str]:
    """Answer 200 while the process serves requests."""
    return {"status": "ok"}


@get("/readyz", tags=["kernel"], summary="Readiness", opt=_PUBLIC)
async def readyz(request: Request[Any, Any, Any]) -> Response[Any]:
    """Answer 200 when the database answers; list plugins that failed to load.

    A broken plugin does not make the kernel unready (the other plugins serve), but it is
    named here with its reason. A failing dependency answers 503 naming it.
    """
    kernel = kernel_of(request.app)
    registry, database = kernel.registry, kernel.database
    checks: dict[str, dict[str, Any]] = {}
    try:
        await asyncio.wait_for(database.ping(), _DB_TIMEOUT_S)
        checks["database"] = {"ok": True}
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        checks["database"] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    plugins = {
        "loaded": [record.name for record in registry.loaded],
        "broken": [
            {"name": r.name, "state": r.state.value, "reason": r.reason} for r in registry.broken
        ],
    }
    failing = [name for name, check in checks.items() if not check["ok"]]
    if failing:
        return problem_response(
            request,
            status=503,
            problem_type=PROBLEM_TYPES["not-ready"],
            detail="failing: " + ", ".join(failing),
            checks=checks,
            plugins=plugins,
        )
    status = "degraded" if plugins["broken"] else "ready"
    return Response({"status": status, "checks": checks, "plugins": plugins})


health_routes = [healthz, readyz]
