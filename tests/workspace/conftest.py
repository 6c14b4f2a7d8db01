"""Browser tests of the workspace: the console's served kernel and headless Chromium, with
first-party plugins (CRM, Finance, Inventory) beside plugins that declare no screens (the
third-party example, ``contrib/loyalty``, and a sample), and the kernel's event worker
running in the served app (a won deal reaches Finance and Loyalty, a posted invoice reaches
Inventory); and the office plugins (Drive, Collab, Writer, Sheets, Slides) for the editors
(a changed workbook reaches Sheets' recalculation)."""

from __future__ import annotations

import asyncio
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import nexus_collab
import nexus_crm
import nexus_drive
import nexus_finance
import nexus_inventory
import nexus_notify
import nexus_sheets
import nexus_slides
import nexus_writer
import pytest
import uvicorn
from kernel_samples import hello, memos, tasks
from nexus.app import create_app
from nexus.plugins import load_plugins
from nexus.schema import migrate
from nexus.settings import Settings
from nexus.testing import EventWorkerHarness, run_sync

from tests.console.conftest import WAIT_S, Served, _free_port, browser, browsers

try:
    import acme_loyalty
except ImportError:  # the third-party example, from its source as its own tests take it
    sys.path.insert(0, str(Path(__file__).parents[2] / "contrib" / "loyalty" / "src"))
    import acme_loyalty

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine, Iterator
    from typing import Any

    from litestar import Litestar

__all__ = (
    "browser",
    "browsers",
    "editors_events",
    "editors_served",
    "workspace_events",
    "workspace_served",
)


@pytest.fixture
def workspace_served(nexus_database_url: str, tmp_path: Path) -> Iterator[Served]:
    """The kernel with CRM, Finance, Inventory, Notifications and plugins declaring no screens (the
    third-party ``loyalty`` and the ``memos`` sample), on uvicorn; its event loop kept on
    ``app.state`` for the event worker."""
    plugins = [hello, tasks, memos, nexus_crm, nexus_finance, nexus_inventory, nexus_notify]
    plugins.append(acme_loyalty)
    yield from _serve(nexus_database_url, plugins, tmp_path)


@pytest.fixture
def editors_served(nexus_database_url: str, tmp_path: Path) -> Iterator[Served]:
    """The kernel with Drive, Collab, Writer, Sheets and Slides on uvicorn (files under
    ``tmp_path``)."""
    plugins = [nexus_drive, nexus_collab, nexus_writer, nexus_sheets, nexus_slides]
    yield from _serve(nexus_database_url, plugins, tmp_path)


def _serve(database_url: str, plugins: list[Any], data_dir: Path) -> Iterator[Served]:
    settings = Settings(log_level="warning").replace(database_url=database_url, data_dir=data_dir)
    registry = load_plugins(settings, plugins=plugins)
    run_sync(migrate(settings, registry, database_url=database_url))
    app = create_app(settings, registry=registry)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name="workspace-uvicorn", daemon=True)
    thread.start()
    for _ in range(WAIT_S * 10):
        if server.started or not thread.is_alive():
            break
        thread.join(timeout=0.1)
    if not server.started:
        server.should_exit = True
        pytest.fail("uvicorn did not start serving the kernel")
    app.state["served_loop"] = server.servers[0].get_loop()
    try:
        yield Served(base=f"http://127.0.0.1:{port}", database_url=database_url, app=app)
    finally:
        server.should_exit = True
        thread.join(timeout=WAIT_S)


@dataclass(frozen=True)
class _LoopPortal:
    """What :class:`EventWorkerHarness` needs of a test client's portal: run a coroutine on
    the app's loop (here uvicorn's, in its thread: the database pool is bound to it)."""

    loop: asyncio.AbstractEventLoop

    def call(self, function: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
        return asyncio.run_coroutine_threadsafe(function(), self.loop).result(WAIT_S)


@dataclass(frozen=True)
class _ServedClient:
    app: Litestar
    blocking_portal: _LoopPortal


@pytest.fixture
def workspace_events(workspace_served: Served) -> Iterator[EventWorkerHarness]:
    """The kernel's event worker (relay and consumers) in the served app, while the test runs."""
    yield from _events(workspace_served)


@pytest.fixture
def editors_events(editors_served: Served) -> Iterator[EventWorkerHarness]:
    """The event worker in the office plugins' served app (Sheets recalculates on changes)."""
    yield from _events(editors_served)


def _events(served: Served) -> Iterator[EventWorkerHarness]:
    app = served.app
    client = _ServedClient(app=app, blocking_portal=_LoopPortal(app.state["served_loop"]))
    with EventWorkerHarness(client) as worker:  # type: ignore[arg-type]
        yield worker
