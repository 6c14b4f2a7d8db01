"""Serving the workspace at ``/app``: its shell and assets, and the caller's navigation."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import msgspec
from litestar import Request, Response, Router, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import ServerSentEvent, ServerSentEventMessage

from nexus.http import load_assets, required_tenant
from nexus.services import kernel_of
from nexus.workspace._navigation import Navigation, navigation

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from uuid import UUID

__all__ = ("WORKSPACE_CSP", "workspace_routes")

# Only the workspace's own files: no inline script or style, no other origin, no framing.
WORKSPACE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; manifest-src 'self'; worker-src 'self'; form-action 'none'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
_HEADERS = {
    "Content-Security-Policy": WORKSPACE_CSP,
    "Cache-Control": "no-cache",
    "Cross-Origin-Opener-Policy": "same-origin",
}
_PUBLIC: dict[str, Any] = {"nexus_access": "public"}
KEEPALIVE_S = 15.0


_ASSETS = load_assets(
    "nexus.workspace",
    borrowed=(
        ("nexus.console", "base.css"),
        ("nexus.console", "js/api.js"),
        ("nexus.console", "js/ui.js"),
    ),
)


def _asset(name: str, **extra: str) -> Response[bytes]:
    found = _ASSETS.get(name)
    if found is None:
        raise NotFoundException()
    body, media_type = found
    return Response(body, media_type=media_type, headers={**_HEADERS, **extra})


@get(["/", "/{view:path}"], opt=_PUBLIC, summary="The workspace")
async def workspace_page() -> Response[bytes]:
    """The workspace's single page (every view is rendered in the browser)."""
    return _asset("index.html")


@get("/assets/{name:path}", opt=_PUBLIC, summary="A workspace asset")
async def workspace_asset(name: FromPath[str]) -> Response[bytes]:
    """A script, style sheet, message catalog or icon of the workspace."""
    return _asset(name.lstrip("/"))


@get("/sw.js", opt=_PUBLIC, summary="The workspace's service worker")
async def workspace_worker() -> Response[bytes]:
    """The service worker, served at ``/app`` so that its scope is the whole workspace."""
    return _asset("sw.js")


@get("/manifest.webmanifest", opt=_PUBLIC, summary="The workspace's web app manifest")
async def workspace_manifest() -> Response[bytes]:
    """What makes the workspace installable."""
    return _asset("manifest.webmanifest")


@get("/api/v1/workspace/navigation", summary="The workspace's navigation")
async def workspace_navigation(request: Request[Any, Any, Any]) -> Navigation:
    """The caller's enabled plugins, the routes it may call and their ``nexus_ui`` declarations."""
    return await navigation(kernel_of(request.app), request.app, request, required_tenant(request))


async def _stream(
    request: Request[Any, Any, Any], tenant_id: UUID
) -> AsyncIterator[ServerSentEventMessage]:
    kernel = kernel_of(request.app)
    toggles = kernel.features.toggles
    changed = asyncio.Event()

    def on_change(changed_tenant: UUID) -> None:
        if changed_tenant == tenant_id:
            changed.set()

    toggles.observe(on_change)
    try:
        while True:
            changed.clear()
            current = await navigation(kernel, request.app, request, tenant_id)
            yield ServerSentEventMessage(
                data=msgspec.json.encode(current).decode(), event="navigation"
            )
            while not changed.is_set():
                try:
                    await asyncio.wait_for(changed.wait(), KEEPALIVE_S)
                except TimeoutError:
                    yield ServerSentEventMessage(comment="keep-alive")
    finally:
        toggles.unobserve(on_change)


@get(
    "/api/v1/workspace/events",
    summary="Stream the workspace's navigation as features change",
    media_type="text/event-stream",
)
async def workspace_events(request: Request[Any, Any, Any]) -> ServerSentEvent:
    """Server-sent events: a ``navigation`` event now and after each feature change."""
    return ServerSentEvent(_stream(request, required_tenant(request)))


workspace_routes = [
    Router(
        path="/app",
        route_handlers=[workspace_worker, workspace_manifest, workspace_asset, workspace_page],
        include_in_schema=False,
    ),
    Router(
        path="/",
        route_handlers=[workspace_navigation, workspace_events],
        tags=["workspace"],
    ),
]
