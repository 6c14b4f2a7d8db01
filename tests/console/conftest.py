"""Browser tests of the console: a kernel served by uvicorn on a loopback port, headless
Chromium (Debian's ``chromium`` and ``chromium-driver``) driven through Selenium."""

from __future__ import annotations

import os
import shutil
import socket
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx
import pytest
import uvicorn
from kernel_samples import hello, reports, tasks
from kernel_samples.others import named
from nexus.app import create_app
from nexus.plugins import load_plugins
from nexus.schema import migrate
from nexus.settings import Settings
from nexus.testing import run_sync

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from litestar import Litestar
    from selenium.webdriver.remote.webdriver import WebDriver

# Bound for every wait on the page: generous on a shared 2-core machine, never a sleep.
WAIT_S = 30


def _find(*names: str) -> str | None:
    for name in names:
        found = shutil.which(name) or (name if os.path.isfile(name) else None)
        if found:
            return found
    return None


CHROMIUM = _find(os.environ.get("NEXUS_CHROMIUM", ""), "chromium", "chromium-browser")
CHROMEDRIVER = _find(
    os.environ.get("NEXUS_CHROMEDRIVER", ""), "chromedriver", "/usr/lib/chromium/chromedriver"
)


@dataclass(frozen=True)
class Served:
    """A kernel answering on ``base`` (``http://127.0.0.1:<port>``) over ``database_url``."""

    base: str
    database_url: str
    app: Litestar

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base, timeout=WAIT_S)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(nexus_database_url: str) -> Iterator[Served]:
    """The kernel with the sample plugins (``reports`` requires ``tasks``), served by uvicorn.

    ``orphan`` requires a plugin that is not installed: the doctor reports it blocked.
    """
    settings = Settings(log_level="warning").replace(database_url=nexus_database_url)
    orphan = named("orphan", requires=("missing",))
    registry = load_plugins(settings, plugins=[hello, tasks, reports, orphan])
    run_sync(migrate(settings, registry, database_url=nexus_database_url))
    app = create_app(settings, registry=registry)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="on",
            timeout_graceful_shutdown=2,
        )
    )
    thread = threading.Thread(target=server.run, name="console-uvicorn", daemon=True)
    thread.start()
    started = threading.Event()
    # uvicorn sets ``started`` once listening; wait on the thread with a bound, not a sleep.
    for _ in range(WAIT_S * 10):
        if server.started:
            started.set()
            break
        thread.join(timeout=0.1)
        if not thread.is_alive():
            break
    if not started.is_set():
        server.should_exit = True
        pytest.fail("uvicorn did not start serving the kernel")
    try:
        yield Served(base=f"http://127.0.0.1:{port}", database_url=nexus_database_url, app=app)
    finally:
        server.should_exit = True
        thread.join(timeout=WAIT_S)


@pytest.fixture
def browsers(tmp_path: Path) -> Iterator[Callable[[], WebDriver]]:
    """Start headless Chromium windows; skipped with the reason when none is installed.

    When the test ends, passed or failed, every window it started is saved as
    ``at-end-<n>.png`` in its ``tmp_path`` before it closes: each browser test leaves at
    least one screenshot without having to remember to take it. Tests add their own at the
    moments worth seeing.
    """
    if CHROMIUM is None or CHROMEDRIVER is None:
        pytest.skip(
            "no headless browser: install Debian's chromium and chromium-driver "
            "(.ci/run does), or set NEXUS_CHROMIUM and NEXUS_CHROMEDRIVER"
        )
    from selenium import webdriver  # noqa: PLC0415 - only when a browser exists
    from selenium.common.exceptions import WebDriverException  # noqa: PLC0415
    from selenium.webdriver.chrome.service import Service  # noqa: PLC0415

    started: list[WebDriver] = []

    def start() -> WebDriver:
        number = len(started) + 1
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for argument in (
            "--headless=new",
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--disable-gpu",
            "--window-size=1280,1000",
            f"--user-data-dir={tmp_path / f'chromium-profile-{number}'}",
        ):
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(
            options=options,
            service=Service(CHROMEDRIVER, log_output=str(tmp_path / f"chromedriver-{number}.log")),
        )
        driver.implicitly_wait(0)
        started.append(driver)
        return driver

    try:
        yield start
    finally:
        unsaved = []
        for number, driver in enumerate(started, start=1):
            path = tmp_path / f"at-end-{number}.png"
            try:
                saved = driver.save_screenshot(str(path))
            except WebDriverException:  # a crashed window: still close the others
                saved = False
            finally:
                driver.quit()
            if not saved:
                unsaved.append(str(path))
        assert not unsaved, f"no screenshot saved at {unsaved}"


@pytest.fixture
def browser(browsers: Callable[[], WebDriver]) -> WebDriver:
    """One headless Chromium window (screenshotted when the test ends, see ``browsers``)."""
    return browsers()
