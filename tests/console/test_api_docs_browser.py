"""The API docs page renders in headless Chromium from Nexus alone, under its strict policy."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.console.conftest import WAIT_S


def test_swagger_ui_renders_with_nothing_but_the_server(served, browser):
    # Every request the page makes is recorded: all must go to the server itself.
    browser.execute_cdp_cmd("Network.enable", {})
    browser.get(f"{served.base}/schema/swagger")
    wait = WebDriverWait(browser, WAIT_S)
    title = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".swagger-ui .title")))
    assert title.text.startswith("Nexus")
    operations = wait.until(
        ec.presence_of_all_elements_located((By.CSS_SELECTOR, ".swagger-ui .opblock"))
    )
    assert operations, "no operation rendered"
    loaded = browser.execute_script(
        "return performance.getEntriesByType('resource').map((e) => e.name)"
    )
    assert loaded, "the page loaded no resource"
    assert [url for url in loaded if not url.startswith(served.base)] == []
    errors = [entry["message"] for entry in browser.get_log("browser")]
    assert [e for e in errors if "Content Security Policy" in e or "Refused" in e] == []
