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
from nexus.observability._platform import (
    PLATFORM_METRIC_NAMES,
    SAMPLE_INTERVAL_S,
    EventStateSampler,
    count_event_published,
    observe_provisioning,
    refresh_pools,
    set_consumer_lag,
    watch_pool,
)

__all__ = (
    "METRICS_PATH",
    "METRIC_NAMES",
    "PLATFORM_METRIC_NAMES",
    "SAMPLE_INTERVAL_S",
    "EventStateSampler",
    "RequestLogContext",
    "RequestMetrics",
    "add_request_context",
    "bind_request",
    "configure_logging",
    "count_event_published",
    "current_request",
    "metrics_route",
    "observe_provisioning",
    "refresh_pools",
    "reset_request",
    "set_consumer_lag",
    "watch_pool",
)
