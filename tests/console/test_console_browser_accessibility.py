"""Every console view, and every dialog it opens, names its controls and fits 360 px."""

from __future__ import annotations

from pathlib import Path

from nexus.testing import make_platform_key, make_tenant
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.console._pages import (
    css,
    go,
    page_errors,
    screenshot,
    sideways,
    sign_in_with_key,
    unnamed_controls,
    until,
)

NARROW = 360
DEMO = Path(__file__).resolve().parents[2] / "presets" / "examples" / "demo.json"


def assert_usable(driver, directory, what):
    """Every control on the page has an accessible name; nothing scrolls sideways."""
    assert unnamed_controls(driver) == [], f"{what}: controls without an accessible name"
    fit = sideways(driver)
    assert fit["window"] == NARROW, f"{what}: the window is {fit['window']} px wide"
    assert fit["scrolls"] <= 0 and fit["wide"] == [], f"{what} is wider than the window: {fit}"
    screenshot(driver, directory, f"{what}-{NARROW}px")


def dialog_open(driver):
    return driver.execute_script("return document.getElementById('confirm').open")


def close_dialog(driver):
    css(driver, "#confirm-cancel").click()
    until(driver, lambda d: not dialog_open(d), "dialog closed")


def test_every_tenant_view_names_its_controls_and_fits_360px(served, browser, tmp_path):
    tenant = make_tenant(
        served.database_url,
        slug="acme",
        users=({"email": "bob@acme.example", "name": "Bob", "roles": ["member"]},),
    )
    api = served.client()
    # Something in every list: an audited change, a user, a key (the tenant's own).
    changed = api.put(
        "/api/v1/features/hello",
        json={"enabled": False, "reason": "so the audit log has a row"},
        headers=tenant.headers,
    )
    assert changed.status_code == 200, changed.text
    browser.set_window_size(NARROW, 800)
    sign_in_with_key(browser, served.base, tenant.key)
    assert_usable(browser, tmp_path, "tenant-features")

    css(browser, '[id="switch-tasks"]').click()
    css(browser, "#confirm-reason")
    assert_usable(browser, tmp_path, "tenant-switch-dialog")
    close_dialog(browser)
    # A disabled plugin offers a purge: its dialog lists the counts, and asks no reason.
    css(browser, '[id="purge-hello"]').click()
    css(browser, "#purge-counts")
    assert_usable(browser, tmp_path, "tenant-purge-dialog")
    close_dialog(browser)

    go(browser, "audit")
    css(browser, "#audit-results tbody tr[data-target]")
    assert_usable(browser, tmp_path, "tenant-audit")

    go(browser, "settings")
    css(browser, "#settings-json")
    assert_usable(browser, tmp_path, "tenant-settings")

    go(browser, "presets")
    css(browser, "#preset-preview").click()
    css(browser, "#preset-plan")
    assert_usable(browser, tmp_path, "tenant-presets")
    css(browser, "#preset-apply").click()
    css(browser, "#confirm-reason").send_keys(Keys.ESCAPE)
    until(browser, lambda d: not dialog_open(d), "dialog closed")

    go(browser, "users")
    until(browser, lambda d: "bob@acme.example" in d.find_element(By.ID, "users").text)
    assert_usable(browser, tmp_path, "tenant-users")
    css(browser, "#users tbody button").click()
    css(browser, "#confirm-ok")
    assert_usable(browser, tmp_path, "tenant-disable-user-dialog")
    close_dialog(browser)

    go(browser, "keys")
    css(browser, "#key-name").send_keys("a key with a rather long name, to wrap at 360 px")
    css(browser, "#key-name").submit()
    css(browser, "#new-key-value")
    assert_usable(browser, tmp_path, "tenant-keys")
    css(browser, "#keys tbody button").click()
    css(browser, "#confirm-ok")
    assert_usable(browser, tmp_path, "tenant-revoke-key-dialog")
    close_dialog(browser)

    css(browser, "#signout").click()
    css(browser, "#signin-submit")
    assert_usable(browser, tmp_path, "signin")
    assert page_errors(browser) == []


def test_every_operator_view_names_its_controls_and_fits_360px(served, browser, tmp_path):
    make_tenant(served.database_url, slug="other-co")
    browser.set_window_size(NARROW, 800)
    sign_in_with_key(browser, served.base, make_platform_key(served.database_url))
    css(browser, '[data-slug="other-co"]')
    assert_usable(browser, tmp_path, "operator-tenants")
    css(browser, '[data-slug="other-co"] button').click()
    css(browser, "#confirm-ok")
    assert_usable(browser, tmp_path, "operator-suspend-dialog")
    close_dialog(browser)

    go(browser, "provision")
    css(browser, "#profile").send_keys('{"slug": "Bad Slug"}')
    css(browser, "#profile-errors")
    assert_usable(browser, tmp_path, "operator-provision-form")
    css(browser, "#profile").clear()
    css(browser, "#profile-file").send_keys(str(DEMO))
    css(browser, "#profile-valid")
    css(browser, "#provision-submit").click()
    until(
        browser,
        lambda d: d.find_element(By.ID, "run").get_attribute("data-status") == "succeeded",
        "the run succeeded",
    )
    # The admin's password and API key, shown once, wrap rather than widen the page.
    css(browser, "#run-admin")
    assert_usable(browser, tmp_path, "operator-provision-run")

    go(browser, "catalog")
    css(browser, "#diff-b").submit()
    css(browser, "#diff-summary")
    assert_usable(browser, tmp_path, "operator-presets-catalog")

    go(browser, "plugins")
    css(browser, '[data-plugin="orphan"]')
    assert_usable(browser, tmp_path, "operator-plugins")
    assert page_errors(browser) == []
