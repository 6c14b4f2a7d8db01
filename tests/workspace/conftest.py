"""Browser tests of the workspace: the console's served kernel and headless Chromium, with
first-party plugins (CRM) beside a sample plugin that declares no screens."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import nexus_crm
import pytest
import uvicorn
from kernel_samples import hello, memos, tasks
from nexus.app import create_app
from nexus.plugins import load_plugins
from nexus.schema import migrate
from nexus.settings import Settings
from nexus.testing import run_sync

from tests.console.conftest import WAIT_S, Served, _free_port, browser, browsers

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ("browser", "browsers", "workspace_served")


@pytest.fixture
def workspace_served(nexus_database_url: str) -> Iterator[Served]:
    """The kernel with CRM and sample plugins declaring no screens (``memos``), on uvicorn."""
    settings = Settings(log_level="warning").replace(database_url=nexus_database_url)
    registry = load_plugins(settings, plugins=[hello, tasks, memos, nexus_crm])
    run_sync(migrate(settings, registry, database_url=nexus_database_url))
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
    try:
        yield Served(base=f"http://127.0.0.1:{port}", database_url=nexus_database_url, app=app)
    finally:
        server.should_exit = True
        thread.join(timeout=WAIT_S)
