"""HTTP metrics in the Prometheus format: what each request adds, and the ``/metrics`` route.

Every request a route answers is counted and timed, labelled by ``method``, ``path`` (the
route template, such as ``/api/v1/tasks/{task_id:uuid}``: never the raw path, so neither
ids nor tenants become label values), ``status_code`` and ``plugin`` (the plugin owning
the route, or ``kernel``). The kernel's outermost middleware (the request id, in
:mod:`nexus.http`) reports each request once it is answered, so metrics cost no layer of
their own; the labelled children are looked up once per label set and kept, so a request
costs a dictionary lookup and a few increments. Requests no route matched (404, 405
before routing) and scrapes of ``/metrics`` are not counted (they are in progress while
they last).

Metric names are stable (dashboards and alerts use them; the README lists them):

- ``nexus_requests_total``: requests answered (counter);
- ``nexus_request_duration_seconds``: time to answer them (histogram);
- ``nexus_requests_error_total``: those answered with a 5xx status (counter);
- ``nexus_requests_in_progress``: requests being answered (gauge, no labels).

With several worker processes (``PROMETHEUS_MULTIPROC_DIR`` set, as ``nexus serve
--workers N`` does) each worker writes its values there and ``/metrics`` adds them up.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

from litestar import Response, get
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from nexus.observability._platform import refresh_pools

if TYPE_CHECKING:
    from litestar.types import HTTPScope

__all__ = ("METRICS_PATH", "METRIC_NAMES", "RequestMetrics", "metrics_route")

METRICS_PATH = "/metrics"

_NOT_COUNTED = "nexus_not_counted"  # route opt: keep the route's requests out of the counts
_LABELS = ("method", "path", "status_code", "plugin")
_KERNEL = "kernel"

_Key = tuple[str, str, int, str]


class _Instruments:
    """The process's metric families, registered once however many apps are built."""

    def __init__(self) -> None:
        self.requests = Counter(
            "nexus_requests_total", "HTTP requests answered.", labelnames=_LABELS
        )
        self.duration = Histogram(
            "nexus_request_duration_seconds",
            "Time to answer an HTTP request, in seconds.",
            labelnames=_LABELS,
        )
        self.errors = Counter(
            "nexus_requests_error_total",
            "HTTP requests answered with a 5xx status.",
            labelnames=_LABELS,
        )
        self.in_progress = Gauge(
            "nexus_requests_in_progress",
            "HTTP requests being answered.",
            multiprocess_mode="livesum",
        )


METRIC_NAMES = (
    "nexus_requests_total",
    "nexus_request_duration_seconds",
    "nexus_requests_error_total",
    "nexus_requests_in_progress",
)
"""The metrics this module exports (the README lists them with their labels)."""

_instruments: _Instruments | None = None


def _shared_instruments() -> _Instruments:
    global _instruments  # noqa: PLW0603 - one registration per process
    if _instruments is None:
        _instruments = _Instruments()
    return _instruments


class _Children:
    """The labelled children of one label set, resolved once."""

    __slots__ = ("count", "duration", "errors")

    def __init__(self, instruments: _Instruments, key: _Key) -> None:
        method, path, status, plugin = key
        labels = (method, path, str(status), plugin)
        self.count = instruments.requests.labels(*labels)
        self.duration = instruments.duration.labels(*labels)
        self.errors = instruments.errors.labels(*labels) if status >= 500 else None


class RequestMetrics:
    """The HTTP metrics of one app; the request-id middleware reports every request to it.

    Example::

        metrics = RequestMetrics()
        metrics.begin()
        ...  # answer the request
        metrics.end(scope, status=200, seconds=0.004)
    """

    def __init__(self) -> None:
        self._instruments = _shared_instruments()
        self._children: dict[_Key, _Children] = {}

    def begin(self) -> None:
        """Count a request as in progress (call :meth:`end` when it is answered)."""
        self._instruments.in_progress.inc()

    def end(self, scope: HTTPScope, *, status: int, seconds: float) -> None:
        """Count and time ``scope``'s request, answered with ``status`` in ``seconds``."""
        self._instruments.in_progress.dec()
        refresh_pools(now=time.monotonic())
        handler = scope.get("route_handler")
        if handler is None:  # no route matched: no template to label it with
            return
        opt = handler.opt
        if opt.get(_NOT_COUNTED):
            return
        key = (scope["method"], scope["path_template"], status, opt.get("nexus_plugin") or _KERNEL)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = _Children(self._instruments, key)
        child.count.inc()
        child.duration.observe(seconds)
        if child.errors is not None:
            child.errors.inc()


def _exposition() -> bytes:
    refresh_pools()
    registry = REGISTRY
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ or "prometheus_multiproc_dir" in os.environ:
        # Each worker writes its own files; add them up for this scrape.
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return generate_latest(registry)


@get(
    METRICS_PATH,
    include_in_schema=False,  # Prometheus exposition format, not part of the REST API
    opt={"nexus_access": "public", _NOT_COUNTED: True},
    # Reading every worker's files in multi-process mode must not stall the event loop.
    sync_to_thread=True,
)
def metrics_route() -> Response[bytes]:
    """Expose the process's (or, with several workers, every worker's) metrics."""
    return Response(_exposition(), media_type=CONTENT_TYPE_LATEST)
