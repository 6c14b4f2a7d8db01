"""Serving the console's page and assets: fixed files, explicit types, a strict policy."""

from __future__ import annotations

from typing import Any

from litestar import Response, Router, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from nexus.http import load_assets

__all__ = ("CONSOLE_CSP", "console_router")

# Only the console's own files: no inline script or style, no other origin, no framing.
CONSOLE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"
)
_HEADERS = {
    "Content-Security-Policy": CONSOLE_CSP,
    # Revalidate every time: a new kernel version must not run against old assets.
    "Cache-Control": "no-cache",
    "Cross-Origin-Opener-Policy": "same-origin",
}
_PUBLIC: dict[str, Any] = {"nexus_access": "public"}


_ASSETS = load_assets("nexus.console")


def _asset(name: str) -> Response[bytes]:
    found = _ASSETS.get(name)
    if found is None:
        raise NotFoundException()
    body, media_type = found
    return Response(body, media_type=media_type, headers=_HEADERS)


@get("/", opt=_PUBLIC, summary="The admin console")
async def console_page() -> Response[bytes]:
    """The console's single page (every view is rendered in the browser)."""
    return _asset("index.html")


@get("/assets/{name:path}", opt=_PUBLIC, summary="A console asset")
async def console_asset(name: FromPath[str]) -> Response[bytes]:
    """A script or style sheet of the console."""
    return _asset(name.lstrip("/"))


console_router = Router(
    path="/console", route_handlers=[console_page, console_asset], include_in_schema=False
)
