"""HTTP metrics in the Prometheus format: what each request adds, and the ``/metrics`` route.

Every request a route answers is counted and timed, labelled by ``method``, ``path`` (the
route template, such as ``/api/v1/tasks/{task_id:uuid}``: never the raw path, so neither
ids nor tenants become label values), ``status_code`` and ``plugin`` (the plugin owning
the route, or ``kernel``). The kernel's outermost middleware (the request id, in
:mod:`nexus.http`) reports each request once it is answered, so metrics cost no layer of
their own; the labelled children are looked up once per label set and kept, so a request
costs a dictionary lookup and a few increments of plain integers, added to the metrics
within a second (``_Batch``: on a 5xx at once, and before every scrape). Requests no
route matched (404, 405 before routing) and scrapes of ``/metrics`` are not counted (they
are in progress while they last).

Metric names are stable (dashboards and alerts use them; the README lists them):

- ``nexus_requests_total``: requests answered (counter);
- ``nexus_request_duration_seconds``: time to answer them (histogram);
- ``nexus_requests_error_total``: those answered with a 5xx status (counter);
- ``nexus_requests_in_progress``: requests being answered (gauge, no labels).

With several worker processes (``PROMETHEUS_MULTIPROC_DIR`` set, as ``nexus serve
--workers N`` does) each worker writes its values there and ``/metrics`` adds them up.
"""

from __future__ import annotations

import asyncio
import os
import time
from bisect import bisect_left
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
_FLUSH_EVERY_S = 1.0

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
    """The labelled children of one label set, and what this process has yet to add to them."""

    __slots__ = ("bounds", "count", "duration", "errors", "pending", "pending_buckets", "seconds")

    def __init__(self, instruments: _Instruments, key: _Key) -> None:
        method, path, status, plugin = key
        labels = (method, path, str(status), plugin)
        self.count = instruments.requests.labels(*labels)
        self.duration = instruments.duration.labels(*labels)
        self.errors = instruments.errors.labels(*labels) if status >= 500 else None
        self.bounds: list[float] = self.duration._upper_bounds  # noqa: SLF001 - see _flush
        self.pending = 0
        self.seconds = 0.0
        self.pending_buckets = [0] * len(self.bounds)

    def add(self, seconds: float) -> None:
        """Count one request answered in ``seconds``, to be flushed."""
        self.pending += 1
        self.seconds += seconds
        # The bucket Histogram.observe would add to: the first bound not below it.
        self.pending_buckets[bisect_left(self.bounds, seconds)] += 1

    def flush(self) -> None:
        """Add what was counted since the last flush to the metrics, and start again."""
        if not self.pending:
            return
        self.count.inc(self.pending)
        if self.errors is not None:
            self.errors.inc(self.pending)
        # Histogram.observe one request at a time, in one go: its sum and its buckets
        # (prometheus-client keeps each bucket's own count; a scrape adds them up).
        self.duration._sum.inc(self.seconds)  # noqa: SLF001
        buckets = self.duration._buckets  # noqa: SLF001
        for index, count in enumerate(self.pending_buckets):
            if count:
                buckets[index].inc(count)
                self.pending_buckets[index] = 0
        self.pending = 0
        self.seconds = 0.0


class _Batch:
    """This process's requests since the last flush, added to the metrics at most 1 s later.

    Each change of a Prometheus value takes a lock (and, with several workers, a write to
    a memory-mapped file): five of them per request cost more than the rest of its
    accounting. Counted here in plain integers on the event loop's thread, they reach the
    metrics once a second (a timer set by the first request after a flush, so an idle
    worker's last requests are not left out), on every 5xx at once (alerts wait for no
    timer), and before each scrape of ``/metrics``.
    """

    def __init__(self) -> None:
        self.instruments = _shared_instruments()
        self.children: dict[_Key, _Children] = {}
        self.in_progress = 0
        self.flushed_in_progress = 0
        self.dirty: list[_Children] = []
        self.timer: asyncio.TimerHandle | None = None

    def child(self, key: _Key) -> _Children:
        child = self.children.get(key)
        if child is None:
            child = self.children[key] = _Children(self.instruments, key)
        return child

    def changed(self, child: _Children | None, *, now: bool) -> None:
        """Note ``child`` (if any) as having counts to flush; flush ``now`` or within 1 s."""
        if child is not None and child.pending == 1:
            self.dirty.append(child)
        if now:
            self.flush()
        elif self.timer is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # no event loop (a script, a test): no timer to wait for
                self.flush()
                return
            self.timer = loop.call_later(_FLUSH_EVERY_S, self.flush)

    def flush(self) -> None:
        """Add every pending count to the metrics."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        dirty, self.dirty = self.dirty, []
        for child in dirty:
            child.flush()
        if self.in_progress != self.flushed_in_progress:
            self.instruments.in_progress.inc(self.in_progress - self.flushed_in_progress)
            self.flushed_in_progress = self.in_progress


_batch: _Batch | None = None


def _process_batch() -> _Batch:
    global _batch  # noqa: PLW0603 - one batch per process, like its metric families
    if _batch is None:
        _batch = _Batch()
    return _batch


class RequestMetrics:
    """The HTTP metrics of one app; the request-id middleware reports every request to it.

    Example::

        metrics = RequestMetrics()
        metrics.begin()
        ...  # answer the request
        metrics.end(scope, status=200, seconds=0.004)
    """

    def __init__(self) -> None:
        self._batch = _process_batch()

    def begin(self) -> None:
        """Count a request as in progress (call :meth:`end` when it is answered)."""
        self._batch.in_progress += 1

    def end(self, scope: HTTPScope, *, status: int, seconds: float) -> None:
        """Count and time ``scope``'s request, answered with ``status`` in ``seconds``."""
        batch = self._batch
        batch.in_progress -= 1
        refresh_pools(now=time.monotonic())
        handler = scope.get("route_handler")
        opt = handler.opt if handler is not None else None
        if opt is None or opt.get(_NOT_COUNTED):
            # No route matched (no template to label it with), or a scrape: not counted.
            batch.changed(None, now=False)
            return
        key = (scope["method"], scope["path_template"], status, opt.get("nexus_plugin") or _KERNEL)
        child = batch.child(key)
        child.add(seconds)
        batch.changed(child, now=status >= 500)


def _exposition() -> bytes:
    """The metrics in the exposition format, this process's pending counts flushed first."""
    if _batch is not None:
        _batch.flush()
    return _generate()


def _generate() -> bytes:
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
)
async def metrics_route() -> Response[bytes]:
    """Expose the process's (or, with several workers, every worker's) metrics."""
    if _batch is not None:
        _batch.flush()  # on the event loop's thread, which alone counts into it
    # Reading every worker's files in multi-process mode must not stall the event loop.
    return Response(await asyncio.to_thread(_generate), media_type=CONTENT_TYPE_LATEST)
