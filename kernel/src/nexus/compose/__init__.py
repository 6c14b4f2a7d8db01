"""Composition: the kernel's services, and the app and worker assembled from them.

The top of the kernel's layers — it may import every package, and none imports it except
the entry points (``create_app``, the CLI, ``nexus.testing``). Each builder is small and
named for what it gives the app: services, dependencies, middleware, lifecycle, routes.
"""

from __future__ import annotations

from nexus.compose._background import KernelBackground, background_for
from nexus.compose._calls import ProviderContext, ServiceCalls, TenantServices
from nexus.compose._dependencies import kernel_dependencies
from nexus.compose._lifecycle import on_shutdown, on_startup
from nexus.compose._mcp import McpEndpoint
from nexus.compose._middleware import kernel_middleware, outer_layers
from nexus.compose._routes import kernel_routes
from nexus.compose._services import build_kernel, connect_database
from nexus.compose._tool_port import RequestTools, tools_for_actor, tools_provider
from nexus.compose._tools import (
    ConfirmationRequired,
    ResourceMissing,
    ToolCalls,
    ToolRefused,
    resource_template,
    tool_schema,
)
from nexus.compose._worker import EventRuntime, make_bus

__all__ = (
    "McpEndpoint",
    "ResourceMissing",
    "ConfirmationRequired",
    "EventRuntime",
    "KernelBackground",
    "ProviderContext",
    "ServiceCalls",
    "TenantServices",
    "RequestTools",
    "ToolCalls",
    "resource_template",
    "ToolRefused",
    "background_for",
    "build_kernel",
    "connect_database",
    "kernel_dependencies",
    "tools_for_actor",
    "tools_provider",
    "kernel_middleware",
    "kernel_routes",
    "make_bus",
    "on_shutdown",
    "on_startup",
    "outer_layers",
    "tool_schema",
)
