"""The API docs page: Swagger UI, served by Nexus itself under a strict policy.

The docs live on the origin where the console keeps its token, so they load nothing from
elsewhere: Swagger UI's files come from the ``swagger-ui-py`` wheel (pinned with the other
dependencies), the bootstrap script is a file of this package, and every page under
``/schema`` answers with :data:`DOCS_CSP`, which allows scripts, styles and requests to this
origin only. The page works offline. Other viewers (ReDoc, Elements, RapiDoc, Scalar) are
not offered: no well-kept Python package ships them without a web framework of its own.

Pages: ``/schema`` and ``/schema/swagger`` (Swagger UI), ``/schema/openapi.json`` and
``/schema/openapi.yaml`` (the document), ``/schema/assets/<file>`` (the page's files).
"""

from __future__ import annotations

import html
import importlib.util
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from litestar import Response, Router, get
from litestar.datastructures import ResponseHeader
from litestar.exceptions import NotFoundException
from litestar.openapi.plugins import (
    OpenAPIRenderPlugin,
    SwaggerRenderPlugin,
    YamlRenderPlugin,
)
from litestar.params import FromPath

if TYPE_CHECKING:
    from litestar import Request

__all__ = ("DOCS_CSP", "docs_render_plugins", "docs_router")

DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
"""The Content-Security-Policy of every page under ``/schema``: this origin only, no inline
script, no framing."""

_ASSETS_PATH = "/assets"
_TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}
# Swagger UI's files the page uses (the wheel holds more: the editor, source maps...).
_SWAGGER_FILES = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png")
_OWN_FILES = ("swagger-init.js", "docs.css")
_HEADERS = {
    # Revalidate: a new kernel version (a new Swagger UI) must not meet old files.
    "Cache-Control": "no-cache",
    "Cross-Origin-Opener-Policy": "same-origin",
}
_PUBLIC: dict[str, Any] = {"nexus_access": "public"}


def _swagger_dir() -> Path:
    # The package's __init__ imports Jinja templates for other frameworks: find it, don't
    # import it.
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the API docs need the swagger-ui-py package installed")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def _load() -> dict[str, tuple[bytes, str]]:
    """Every file the docs page uses, read once, keyed by name."""
    swagger = _swagger_dir()
    own = resources.files("nexus.http") / "docs_static"
    files = {name: (swagger / name).read_bytes() for name in _SWAGGER_FILES}
    files.update({name: (own / name).read_bytes() for name in _OWN_FILES})
    return {name: (body, _TYPES[Path(name).suffix]) for name, body in files.items()}


_FILES = _load()


@get(
    f"{_ASSETS_PATH}/{{name:str}}",
    opt=_PUBLIC,
    include_in_schema=False,
    sync_to_thread=False,
    name="nexus-docs-asset",
)
def docs_asset(name: FromPath[str]) -> Response[bytes]:
    """A file of the docs page (Swagger UI's, or the bootstrap script)."""
    found = _FILES.get(name)
    if found is None:
        raise NotFoundException()
    body, media_type = found
    return Response(body, media_type=media_type, headers=_HEADERS)


class _SwaggerPage(SwaggerRenderPlugin):
    """Swagger UI from this server: the page holds no inline script or style."""

    def __init__(self) -> None:
        super().__init__(path=["/", "/swagger"])

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        """The page: Swagger UI's files and the bootstrap script, all from ``assets/``."""
        spec_url = self.get_openapi_json_route(request)
        assets = spec_url.rsplit("/", 1)[0] + _ASSETS_PATH
        title = html.escape(str(openapi_schema["info"]["title"]))
        page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" type="image/png" href="{assets}/favicon-32x32.png">
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="stylesheet" href="{assets}/docs.css">
</head>
<body>
<div id="swagger-ui" data-spec-url="{html.escape(spec_url)}"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{assets}/swagger-init.js"></script>
</body>
</html>
"""
        return page.encode()

    def receive_router(self, router: Router) -> None:
        """Add the files route (not Swagger's OAuth2 redirect page: no OAuth2 flow here)."""
        router.register(docs_asset)


def docs_render_plugins() -> list[OpenAPIRenderPlugin]:
    """The documentation pages: Swagger UI (also at the root) and the YAML document."""
    return [_SwaggerPage(), YamlRenderPlugin()]


def docs_router(path: str = "/schema") -> Router:
    """The router serving the docs pages, each with :data:`DOCS_CSP`."""
    return Router(
        path,
        route_handlers=[],
        include_in_schema=False,
        response_headers=[ResponseHeader(name="Content-Security-Policy", value=DOCS_CSP)],
    )
