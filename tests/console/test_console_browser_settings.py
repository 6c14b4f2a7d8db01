"""A tenant admin changes a plugin's settings in the console, in headless Chromium."""

from __future__ import annotations

from nexus.testing import make_tenant
from selenium.webdriver.common.by import By

from tests.console._pages import css, go, page_errors, screenshot, sign_in_with_key, until


def test_tenant_admin_edits_settings_and_sees_each_refused_field(served, browser, tmp_path):
    acme = make_tenant(served.database_url, slug="acme")
    sign_in_with_key(browser, served.base, acme.key)
    go(browser, "settings")
    # Only plugins with settings are offered: of the samples, tasks.
    options = browser.find_elements(By.CSS_SELECTOR, "#settings-plugin option")
    assert [o.get_attribute("value") for o in options] == ["tasks"]
    text = css(browser, "#settings-json")
    assert '"welcome": "Welcome to tasks"' in text.get_attribute("value")
    assert "welcome" in css(browser, '[data-field="welcome"]').text

    text.clear()
    text.send_keys('{"welcome": ["not", "text"], "colour": "red"}')
    css(browser, "#settings-save").click()
    until(
        browser,
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "#settings-errors li")) == 2,
        "both refused fields listed",
    )
    keys = [
        li.get_attribute("data-key")
        for li in browser.find_elements(By.CSS_SELECTOR, "#settings-errors li")
    ]
    assert sorted(keys) == ["colour", "welcome"]
    screenshot(browser, tmp_path, "tenant-settings-refused")

    text.clear()
    text.send_keys('{"welcome": "Hi there"}')
    css(browser, "#settings-save").click()
    until(browser, lambda d: "saved" in d.find_element(By.ID, "status").text, "saved")
    assert not browser.find_elements(By.CSS_SELECTOR, "#settings-errors li")
    shown = served.client().get("/api/v1/plugins/tasks/settings", headers=acme.headers).json()
    assert shown["values"] == {"welcome": "Hi there"}
    # The refused attempt above answered 422 (logged by the browser); nothing else failed.
    assert [e for e in page_errors(browser) if "422" not in e] == []
