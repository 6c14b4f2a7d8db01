"""The event worker inside a test client's app: relay and consumers on the app's loop."""

from __future__ import annotations

import threading
from collections import Counter
from typing import TYPE_CHECKING, Any, TypeVar

from nexus.services import kernel_of

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine
    from types import TracebackType

    from litestar.testing import TestClient

    from nexus.compose import EventRuntime
    from nexus.events import CloudEvent
    from nexus.settings import Settings

__all__ = ("EventWorkerHarness",)

T = TypeVar("T")


class EventWorkerHarness:
    """Run the event worker in the app of a started test client, while in the block.

    The worker shares the app's database and toggles (as ``nexus worker`` would share a
    process's Piccolo engine). Tests wait for deliveries with :meth:`wait_handled`, which
    blocks on a condition the consumers signal — bounded by a timeout, never a sleep.

    Each consumer group gets every event once: one per loaded plugin that registers handlers
    (named like the plugin) and the kernel's own (``audit``, ``analytics``).
    :meth:`deliveries` and :attr:`plugin_events` hold what the plugins' handlers were given,
    :attr:`kernel_events` what the kernel's consumers were; :attr:`events` holds both.

    Example::

        with create_test_client([ledger], database_url=url) as client:
            with EventWorkerHarness(client) as worker:
                client.post("/api/v1/ledger/", json={"memo": "a"}, headers=tenant.headers)
                worker.wait_handled("ledger", 1)
            [event] = worker.deliveries("ledger")
            assert event.type == "ledger.entry.created.v1"

    Attributes:
        handled: Fresh deliveries per consumer group name.
        redelivered: Redeliveries the inbox recognised, per consumer group name.
        passed_over: Events a plugin's group passed over because the plugin was switched
            off for their tenant, per consumer group name.
        plugin_events: ``(plugin, event)`` for each fresh delivery to a plugin's handlers.
        kernel_events: ``(consumer, event)`` for each fresh delivery to a kernel consumer.
        events: Both, in delivery order (kept for older tests; prefer the two above).
    """

    def __init__(
        self, client: TestClient[Any], *, settings: Settings | None = None, relay: bool = True
    ) -> None:
        self.client = client
        self.settings = settings or kernel_of(client.app).settings
        self.relay = relay
        self.handled: Counter[str] = Counter()
        self.redelivered: Counter[str] = Counter()
        self.passed_over: Counter[str] = Counter()
        self.events: list[tuple[str, CloudEvent]] = []
        self.plugin_events: list[tuple[str, CloudEvent]] = []
        self.kernel_events: list[tuple[str, CloudEvent]] = []
        self.runtime: EventRuntime | None = None
        self._kernel_consumers: frozenset[str] = frozenset()
        self._condition = threading.Condition()

    def _observe(self, consumer: str, event: CloudEvent, fresh: bool) -> None:
        with self._condition:
            if fresh:
                self.handled[consumer] += 1
                self.events.append((consumer, event))
                kernel = consumer in self._kernel_consumers
                (self.kernel_events if kernel else self.plugin_events).append((consumer, event))
            else:
                self.redelivered[consumer] += 1
            self._condition.notify_all()

    def _observe_passed_over(self, consumer: str, event: CloudEvent) -> None:
        with self._condition:
            self.passed_over[consumer] += 1
            self._condition.notify_all()

    def call(self, function: Callable[[], Coroutine[Any, Any, T]]) -> T:
        """Run ``function()`` on the app's event loop and return its result."""
        portal = getattr(self.client, "blocking_portal", None)
        if portal is None:
            raise RuntimeError("enter the test client (with client: ...) first")
        result: T = portal.call(function)
        return result

    def __enter__(self) -> EventWorkerHarness:
        from nexus.compose import EventRuntime  # noqa: PLC0415 - keep pytest start fast

        kernel = kernel_of(self.client.app)
        runtime = EventRuntime(
            self.settings,
            kernel.registry,
            database_url=kernel.database.url,
            relay=self.relay,
            database=kernel.database,
            toggles=kernel.features.toggles,
            blobs=kernel.blobs,
        )
        self._kernel_consumers = frozenset(c.name for c in runtime.consumers if c.plugin is None)
        runtime.delivery.observe(self._observe)
        runtime.delivery.observe_passed_over(self._observe_passed_over)
        self.runtime = runtime
        self.call(runtime.start)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop the worker; an unfinished batch is left for the next one."""
        if self.runtime is not None:
            self.call(self.runtime.stop)
            self.runtime = None

    def deliveries(self, plugin: str | None = None) -> list[CloudEvent]:
        """The events handed to ``plugin``'s handlers (every plugin's, if ``None``), in order.

        Fresh deliveries only; the kernel's own consumers are not counted.
        """
        with self._condition:
            return [e for name, e in self.plugin_events if plugin is None or name == plugin]

    def wait_handled(self, consumer: str, count: int, *, timeout: float = 30.0) -> None:
        """Block until ``consumer`` has handled ``count`` events (fresh ones), or fail."""
        self._wait(lambda: self.handled[consumer] >= count, timeout, f"{consumer} ≥ {count}")

    def wait_handled_type(
        self, consumer: str, event_type: str, count: int, *, timeout: float = 30.0
    ) -> None:
        """Block until ``consumer`` has handled ``count`` fresh events of ``event_type``.

        For a consumer that handles several types, where a count of all of them would be
        reached by events the test is not waiting for.
        """

        def done() -> bool:
            of_type = (e for name, e in self.events if name == consumer and e.type == event_type)
            return sum(1 for _ in of_type) >= count

        self._wait(done, timeout, f"{consumer} ≥ {count} × {event_type}")

    def wait_redelivered(self, consumer: str, count: int, *, timeout: float = 30.0) -> None:
        """Block until the inbox has recognised ``count`` redeliveries to ``consumer``."""
        self._wait(lambda: self.redelivered[consumer] >= count, timeout, f"{consumer} again")

    def wait_passed_over(self, consumer: str, count: int, *, timeout: float = 30.0) -> None:
        """Block until ``consumer`` passed over ``count`` events (its plugin switched off)."""
        self._wait(lambda: self.passed_over[consumer] >= count, timeout, f"{consumer} passed")

    def _wait(self, done: Callable[[], bool], timeout: float, what: str) -> None:
        with self._condition:
            if not self._condition.wait_for(done, timeout=timeout):
                raise TimeoutError(
                    f"waited {timeout} s for {what}: handled {dict(self.handled)}, "
                    f"redelivered {dict(self.redelivered)}"
                )
