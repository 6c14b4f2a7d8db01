"""Observability: structured logs and metrics."""

from __future__ import annotations

from nexus.observability._context import (
    RequestLogContext,
    add_request_context,
    bind_request,
    current_request,
    reset_request,
)
from nexus.observability._logging import configure_logging
from nexus.observability._metrics import (
    METRIC_NAMES,
    METRICS_PATH,
    RequestMetrics,
    metrics_route,
)

__all__ = (
    "METRICS_PATH",
    "METRIC_NAMES",
    "RequestLogContext",
    "RequestMetrics",
    "add_request_context",
    "bind_request",
    "configure_logging",
    "current_request",
    "metrics_route",
    "reset_request",
)
