"""Serving the console's page and assets: fixed files, explicit types, a strict policy."""

from __future__ import annotations

from importlib import resources
from typing import Any

from litestar import Response, Router, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

__all__ = ("CONSOLE_CSP", "console_router")

# Only the console's own files: no inline script or style, no other origin, no framing.
CONSOLE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"
)
_TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".svg": "image/svg+xml",
}
_HEADERS = {
    "Content-Security-Policy": CONSOLE_CSP,
    # Revalidate every time: a new kernel version must not run against old assets.
    "Cache-Control": "no-cache",
    "Cross-Origin-Opener-Policy": "same-origin",
}
_PUBLIC: dict[str, Any] = {"nexus_access": "public"}


def _load() -> dict[str, tuple[bytes, str]]:
    """Read every asset once, keyed by its path under ``static/``."""
    root = resources.files("nexus.console") / "static"
    assets: dict[str, tuple[bytes, str]] = {}

    def walk(node: Any, prefix: str) -> None:
        for child in node.iterdir():
            name = f"{prefix}{child.name}"
            if child.is_dir():
                walk(child, f"{name}/")
                continue
            suffix = "." + child.name.rsplit(".", 1)[-1]
            if suffix in _TYPES:
                assets[name] = (child.read_bytes(), _TYPES[suffix])

    walk(root, "")
    return assets


_ASSETS = _load()


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
