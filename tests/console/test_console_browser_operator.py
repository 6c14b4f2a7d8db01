"""An operator (platform admin) in the console, in headless Chromium against a served kernel."""

from __future__ import annotations

import asyncio
import json
from contextlib import contextmanager
from pathlib import Path

import asyncpg
import pytest
from nexus.testing import make_platform_key, make_tenant
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.console._pages import (
    css,
    go,
    page_errors,
    screenshot,
    sign_in_with_key,
    stored,
    until,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "presets" / "examples"
STEP_COUNT = 7

# Records, in the page, each state of the run's steps the page shows (their data-status, in
# order), as the page renders it: what a watcher saw, not just where it ended.
RECORD_STEPS = """
window.stepsSeen = [];
const box = document.getElementById("run-box");
new MutationObserver(() => {
    const now = [...box.querySelectorAll("#run-steps li")].map((li) => li.dataset.status);
    const last = window.stepsSeen[window.stepsSeen.length - 1];
    if (now.length && (!last || now.join() !== last.join())) window.stepsSeen.push(now);
}).observe(box, {
    childList: true, subtree: true, attributes: true, attributeFilter: ["data-status"],
});
"""
RANK = {"pending": 0, "running": 1, "succeeded": 2}


@contextmanager
def admin_creation_held(database_url):
    """Hold provisioning in its last step until the caller calls the ``release`` it is given.

    A transaction locks ``nexus_user`` in SHARE mode: reads go on, but step 7 (activate)
    waits, running, to insert the tenant's first admin. The page can be watched in that
    state for as long as it takes, with no sleep and no luck in timing.
    """
    loop = asyncio.new_event_loop()
    conn = loop.run_until_complete(asyncpg.connect(database_url))

    def release():
        if not conn.is_closed():
            loop.run_until_complete(conn.close())

    try:
        loop.run_until_complete(conn.execute("begin; lock table nexus_user in share mode"))
        yield release
    finally:
        release()
        loop.close()


def slugs(driver):
    rows = driver.find_elements(By.CSS_SELECTOR, "#tenants tbody tr")
    return [row.get_attribute("data-slug") for row in rows]


def row_of(driver, slug):
    return driver.find_element(By.CSS_SELECTOR, f'[data-slug="{slug}"]')


@pytest.fixture
def operator_key(served):
    return make_platform_key(served.database_url)


def test_operator_provisions_a_tenant_from_an_example_profile(
    served, browser, operator_key, tmp_path
):
    example = EXAMPLES / "demo.json"
    slug = json.loads(example.read_text())["slug"]
    sign_in_with_key(browser, served.base, operator_key)
    # The key was exchanged for a short-lived token: the browser keeps no key.
    assert operator_key not in stored(browser)
    assert "Operator" in css(browser, "#who").text

    go(browser, "provision")
    profile = css(browser, "#profile")
    # Checked as you type against the published JSON Schema.
    profile.send_keys('{"slug": "Bad Slug"')
    until(browser, lambda d: "Not JSON" in d.find_element(By.ID, "profile-check").text)
    profile.send_keys("}")
    errors = css(browser, "#profile-errors").text
    assert "name is required" in errors
    assert "slug does not match" in errors
    assert not css(browser, "#provision-submit").is_enabled()

    profile.clear()
    css(browser, "#profile-file").send_keys(str(example))
    css(browser, "#profile-valid")
    browser.execute_script(RECORD_STEPS)
    in_last_step = ["succeeded"] * (STEP_COUNT - 1) + ["running"]
    with admin_creation_held(served.database_url) as release:
        css(browser, "#provision-submit").click()
        # The steps update live: six done, the seventh running, and the run not finished.
        until(
            browser,
            lambda d: (
                [
                    li.get_attribute("data-status")
                    for li in d.find_elements(By.CSS_SELECTOR, "#run-steps li")
                ]
                == in_last_step
            ),
            "steps 1-6 succeeded and step 7 running, shown live",
        )
        assert css(browser, "#run").get_attribute("data-status") == "running"
        assert "admin@demo.example" not in css(browser, "#run").text
        screenshot(browser, tmp_path, "operator-provisioning-step-7")
        release()
    until(
        browser,
        lambda d: d.find_element(By.ID, "run").get_attribute("data-status") == "succeeded",
        "the run succeeded",
    )
    steps = browser.find_elements(By.CSS_SELECTOR, "#run-steps li")
    assert len(steps) == STEP_COUNT
    assert [s.get_attribute("data-status") for s in steps] == ["succeeded"] * STEP_COUNT
    # What the page showed on the way: the running last step among them, and no step ever
    # going back (pending → running → succeeded).
    seen = browser.execute_script("return window.stepsSeen")
    assert in_last_step in seen
    assert seen[-1] == ["succeeded"] * STEP_COUNT
    for before, after in zip(seen, seen[1:], strict=False):
        assert all(RANK[a] >= RANK[b] for b, a in zip(before, after, strict=True)), seen
    assert [s.get_attribute("data-step") for s in steps][0] == "validate"
    assert [s.get_attribute("data-step") for s in steps][-1] == "activate"
    admin = css(browser, "#run-admin").text
    assert "admin@demo.example" in admin
    screenshot(browser, tmp_path, "operator-provisioned")

    # The new tenant is live: its admin key, shown once on the page, works.
    api_key = next(
        e.text
        for e in browser.find_elements(By.CSS_SELECTOR, "#run-admin .secret")
        if e.text.startswith("nxk_")
    )
    api = served.client()
    tenant_auth = {"Authorization": f"Bearer {api_key}"}
    assert api.get("/api/v1/me", headers=tenant_auth).status_code == 200

    # Tenants: search, suspend, resume.
    make_tenant(served.database_url, slug="other-co")
    go(browser, "tenants")
    css(browser, '[data-slug="other-co"]')
    css(browser, "#tenant-search").send_keys(slug)
    until(
        browser,
        lambda d: (
            [
                r.get_attribute("data-slug")
                for r in d.find_elements(By.CSS_SELECTOR, "#tenants tbody tr")
            ]
            == [slug]
        ),
        "search narrowed to the new tenant",
    )
    row = css(browser, f'[data-slug="{slug}"]')
    assert "active" in row.text and "standard" in row.text
    row.find_element(By.CSS_SELECTOR, "button").click()
    css(browser, "#confirm-ok").click()
    until(
        browser,
        lambda d: "suspended" in d.find_element(By.CSS_SELECTOR, f'[data-slug="{slug}"]').text,
    )
    suspended = api.get("/api/v1/me", headers=tenant_auth)
    assert suspended.status_code == 403, suspended.text
    screenshot(browser, tmp_path, "operator-tenant-suspended")
    css(browser, f'[data-slug="{slug}"] button').click()
    css(browser, "#confirm-ok").click()
    until(
        browser, lambda d: "active" in d.find_element(By.CSS_SELECTOR, f'[data-slug="{slug}"]').text
    )
    Select(css(browser, "#tenant-status")).select_by_value("suspended")
    until(browser, lambda d: "Nothing here yet" in d.find_element(By.ID, "tenants").text)
    assert page_errors(browser) == []


def test_operator_sees_plugins_and_compares_presets(served, browser, operator_key, tmp_path):
    sign_in_with_key(browser, served.base, operator_key)
    go(browser, "plugins")
    for name, requires in (("hello", "—"), ("tasks", "—"), ("reports", "tasks")):
        row = css(browser, f'[data-plugin="{name}"]')
        cells = [c.text for c in row.find_elements(By.CSS_SELECTOR, "td")]
        assert cells[0] == name
        assert cells[4] == "loaded"
        assert cells[5] == requires
        assert cells[6] == "—"
    orphan = [
        c.text for c in css(browser, '[data-plugin="orphan"]').find_elements(By.CSS_SELECTOR, "td")
    ]
    assert orphan[4] == "blocked"
    assert "missing" in orphan[6]
    assert "1 plugin(s) need attention" in css(browser, "#doctor").text
    screenshot(browser, tmp_path, "operator-plugins")

    go(browser, "catalog")
    Select(css(browser, "#diff-a")).select_by_value("base")
    Select(css(browser, "#diff-b")).select_by_value("base")
    css(browser, "#diff-b").submit()
    until(browser, lambda d: "same plugins" in d.find_element(By.ID, "diff").text)
    summary = css(browser, "#diff-summary").text
    assert summary == "base and base switch on the same plugins, features, settings and seed data."

    Select(css(browser, "#diff-b")).select_by_value("retail")
    css(browser, "#diff-b").submit()
    until(browser, lambda d: "retail" in d.find_element(By.ID, "diff-summary").text)
    assert css(browser, "#diff-summary").text.endswith("difference(s) between base and retail.")
    added = [c.text for c in browser.find_elements(By.CSS_SELECTOR, "#diff td.diff-add")]
    assert "+ plugin crm = on" in added
    assert "+ plugin sales = on" in added
    assert "+ feature inventory.deliver_on_invoice = false" in added
    # base switches on nothing that retail does not: every differing left cell is empty.
    removed = [c.text for c in browser.find_elements(By.CSS_SELECTOR, "#diff td.diff-del")]
    assert removed and set(removed) == {"—"}
    screenshot(browser, tmp_path, "operator-presets-diff")

    css(browser, "#signout").click()
    css(browser, "#signin-submit")
    assert page_errors(browser) == []


def test_a_member_is_refused_and_nothing_is_kept(served, browser):
    member = make_tenant(served.database_url, slug="members", role="member")
    browser.get(f"{served.base}/console")
    Select(css(browser, "#signin-method")).select_by_value("api_key")
    css(browser, "#signin-key").send_keys(member.key)
    css(browser, "#signin-submit").click()
    until(browser, lambda d: "administers nothing" in d.find_element(By.ID, "status").text)
    assert stored(browser) in ("{}{}", '{"nexus.console.token":null}{}')
    assert css(browser, "#signin-key").get_attribute("value") == ""
