"""The app factory: settings + plugins → a Litestar application."""

from __future__ import annotations

from typing import TYPE_CHECKING

from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig

from nexus import compose
from nexus.http import (
    StrictRequest,
    TimeOfDaySchema,
    docs_render_plugins,
    docs_router,
    document_conventions,
    exception_handlers,
    security_components,
)
from nexus.observability import configure_logging
from nexus.plugins import NexusBridge, load_plugins
from nexus.services import attach_kernel
from nexus.settings import Settings
from nexus.version import __version__

if TYPE_CHECKING:
    from nexus.db import PostgresDatabase
    from nexus.plugins import PluginRegistry

__all__ = ("create_app",)


def create_app(
    settings: Settings | None = None,
    *,
    registry: PluginRegistry | None = None,
    database: PostgresDatabase | None = None,
) -> Litestar:
    """Build the Nexus application.

    Args:
        settings: Kernel settings; read from ``NEXUS_*`` when ``None``.
        registry: Loaded plugins; discovered from entry points when ``None``.
        database: The database adapter; built from ``settings`` (starting the embedded
            PostgreSQL when no URL is set) when ``None``.

    Returns:
        A Litestar app serving the kernel routes and every loaded plugin's routes; its
        services are :func:`nexus.services.kernel_of` ``(app)``.

    Example::

        uvicorn --factory nexus:create_app
    """
    settings = settings or Settings.from_env()
    configure_logging(settings)
    registry = registry or load_plugins(settings)
    kernel = compose.build_kernel(
        settings, registry=registry, database=database or compose.connect_database(settings)
    )
    tools = compose.ToolCalls(kernel.services, kernel.database, registry.permissions("member"))
    mcp = compose.McpEndpoint(kernel, tools)
    app = Litestar(
        route_handlers=[*compose.kernel_routes(), *mcp.routes],
        plugins=[
            NexusBridge(registry, background=compose.background_for(kernel)),
            TimeOfDaySchema(),
        ],
        middleware=compose.kernel_middleware(kernel),
        dependencies={
            **compose.kernel_dependencies(kernel),
            "tools": Provide(compose.tools_provider(tools), sync_to_thread=False),
        },
        exception_handlers=exception_handlers,
        on_startup=compose.on_startup(kernel),
        on_shutdown=[mcp.stop, *compose.on_shutdown(kernel)],
        openapi_config=OpenAPIConfig(
            title="Nexus",
            version=__version__,
            description="The Nexus REST API: kernel routes and every loaded plugin's routes.",
            path="/schema",
            # Swagger UI from Nexus itself, under a strict CSP: nothing from another origin.
            openapi_router=docs_router("/schema"),
            render_plugins=docs_render_plugins(),
            components=security_components(),
            # A handler's docstring is its operation's description: plugins write it once.
            use_handler_docstrings=True,
        ),
        cors_config=CORSConfig(allow_origins=list(settings.cors_origins))
        if settings.cors_origins
        else None,
        logging_config=None,
        request_max_body_size=settings.max_body_bytes,
        # JSON bodies decoded strictly against the handler's type (nexus.http.StrictRequest).
        request_class=StrictRequest,
    )
    app.asgi_handler = compose.outer_layers(app, kernel)
    document_conventions(app)
    attach_kernel(app, kernel)
    return app
