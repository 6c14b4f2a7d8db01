"""A tenant admin in the console, in headless Chromium against a served kernel."""

from __future__ import annotations

import pytest
from nexus.testing import make_tenant
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from tests.console._pages import (
    css,
    go,
    page_errors,
    screenshot,
    sign_in_with_key,
    sign_in_with_password,
    stored,
    until,
)

PASSWORD = "correct horse battery"


@pytest.fixture
def acme(served):
    return make_tenant(
        served.database_url,
        slug="acme",
        users=(
            {
                "email": "ada@acme.example",
                "name": "Ada",
                "roles": ["tenant_admin"],
                "password": PASSWORD,
            },
        ),
    )


@pytest.fixture
def globex(served):
    return make_tenant(
        served.database_url,
        slug="globex",
        users=(
            {
                "email": "grace@globex.example",
                "name": "Grace Globex",
                "roles": ["tenant_admin"],
                "password": PASSWORD,
            },
        ),
    )


def checked(driver, key):
    return css(driver, f'[id="switch-{key}"]').get_attribute("aria-checked")


def user_row(driver, email):
    """The users table's row of ``email``, or ``None`` while it is not shown."""
    rows = driver.find_elements(By.CSS_SELECTOR, "#users tbody tr")
    return next((row for row in rows if email in row.text), None)


def test_tenant_admin_disables_a_plugin_with_cascade_and_a_reason(served, browser, acme, tmp_path):
    api = served.client()
    assert api.get("/api/v1/tasks", headers=acme.headers).status_code == 200
    assert api.get("/api/v1/reports", headers=acme.headers).status_code == 200

    sign_in_with_password(
        browser, served.base, tenant="acme", email="ada@acme.example", password=PASSWORD
    )
    # The session keeps a JWT, never the password.
    assert PASSWORD not in stored(browser)
    css(browser, "#view-features")
    tasks_row = css(browser, '[data-feature="tasks"]')
    assert "dependents: reports, tasks.board" in tasks_row.text
    assert "source: default" in tasks_row.text
    assert "requires: tasks" in css(browser, '[data-feature="reports"]').text
    assert checked(browser, "tasks") == "true"

    css(browser, '[id="switch-tasks"]').click()
    dialog = css(browser, "#confirm")
    assert [li.text for li in dialog.find_elements(By.CSS_SELECTOR, "#cascade-list li")] == [
        "reports"
    ]
    screenshot(browser, tmp_path, "tenant-cascade-confirmation")
    css(browser, "#confirm-reason").send_keys("Reports move to the BI tool", Keys.ENTER)
    until(browser, lambda d: checked(d, "tasks") == "false", "tasks switched off")
    assert checked(browser, "reports") == "false"
    assert "Disabled: " in css(browser, "#status").text

    # Through the API, the plugin and its dependent are gone for this tenant.
    tasks_now = api.get("/api/v1/tasks", headers=acme.headers)
    assert tasks_now.status_code == 404
    assert tasks_now.headers["content-type"] == "application/problem+json"
    assert api.get("/api/v1/reports", headers=acme.headers).status_code == 404

    # Another admin's change (here through the API) shows up live, without a reload.
    changed = api.put(
        "/api/v1/features/hello",
        json={"enabled": False, "reason": "another admin"},
        headers=acme.headers,
    )
    assert changed.status_code == 200, changed.text
    until(browser, lambda d: checked(d, "hello") == "false", "live update of hello")
    assert "Updated live" in css(browser, "#status").text

    go(browser, "audit")
    css(browser, "#audit-target").send_keys("tasks")
    css(browser, "#audit-apply").click()
    until(
        browser,
        lambda d: (
            [r.text for r in d.find_elements(By.CSS_SELECTOR, "#audit-results tbody tr")]
            and all(
                r.get_attribute("data-target") == "tasks"
                for r in d.find_elements(By.CSS_SELECTOR, "#audit-results tbody tr")
            )
        ),
        "audit filtered to tasks",
    )
    rows = browser.find_elements(By.CSS_SELECTOR, "#audit-results tbody tr")
    assert len(rows) == 1
    assert "Reports move to the BI tool" in rows[0].text
    assert "state: enabled → state: disabled" in rows[0].text
    screenshot(browser, tmp_path, "tenant-audit-entry")

    # A disabled plugin's data can be purged: counted first, deleted on confirmation.
    go(browser, "features")
    css(browser, '[id="purge-tasks"]').click()
    counts = css(browser, "#purge-counts").text
    assert "row(s) in" in counts and "file(s)" in counts
    css(browser, "#confirm-ok").click()
    until(
        browser,
        lambda d: "purged" in d.find_element(By.CSS_SELECTOR, '[data-feature="tasks"]').text,
    )
    assert page_errors(browser) == []

    css(browser, "#signout").click()
    css(browser, "#signin-submit")
    assert "token" not in stored(browser)


def test_tenant_admin_console_never_shows_another_tenants_data(
    served, browser, acme, globex, tmp_path
):
    api = served.client()
    # Globex has its own user, key and audited change.
    assert (
        api.post(
            "/api/v1/api-keys", json={"name": "globex-secret-key"}, headers=globex.headers
        ).status_code
        == 201
    )
    assert (
        api.put(
            "/api/v1/features/hello",
            json={"enabled": False, "reason": "globex private reason"},
            headers=globex.headers,
        ).status_code
        == 200
    )

    sign_in_with_password(
        browser, served.base, tenant="acme", email="ada@acme.example", password=PASSWORD
    )
    css(browser, "#view-features")
    # Acme's hello is still on: the features are acme's.
    assert checked(browser, "hello") == "true"
    seen = []
    for view, ready in (
        ("features", '[data-feature="hello"]'),
        ("audit", "#audit-results table"),
        ("users", "#users table"),
        ("keys", "#keys table"),
        ("presets", "#preset-choice"),
    ):
        go(browser, view)
        css(browser, ready)
        seen.append(browser.find_element(By.ID, "main").text)
    text = "\n".join(seen)
    assert "ada@acme.example" in text
    for secret in ("globex", "grace", "globex-secret-key", "globex private reason"):
        assert secret not in text.lower()
    screenshot(browser, tmp_path, "tenant-keys-own-only")

    # The same page signed in as globex shows globex's data, and not acme's.
    css(browser, "#signout").click()
    sign_in_with_password(
        browser, served.base, tenant="globex", email="grace@globex.example", password=PASSWORD
    )
    go(browser, "users")
    users = css(browser, "#users table").text
    assert "grace@globex.example" in users
    assert "ada@acme.example" not in users
    assert page_errors(browser) == []


def test_users_keys_and_presets_from_the_console(served, browser, acme, tmp_path):
    sign_in_with_password(
        browser, served.base, tenant="acme", email="ada@acme.example", password=PASSWORD
    )
    # Keyboard only: Space flips a switch, Enter confirms with the reason, Esc cancels.
    css(browser, '[id="switch-hello"]').send_keys(Keys.SPACE)
    css(browser, "#confirm-reason").send_keys("keyboard", Keys.ENTER)
    until(browser, lambda d: checked(d, "hello") == "false", "hello off from the keyboard")
    css(browser, '[id="switch-hello"]').send_keys(Keys.SPACE)
    css(browser, "#confirm-reason").send_keys(Keys.ESCAPE)
    until(browser, lambda d: not d.find_element(By.ID, "confirm").is_displayed(), "dialog closed")
    assert checked(browser, "hello") == "false"

    go(browser, "users")
    css(browser, "#invite-email").send_keys("bob@acme.example")
    css(browser, "#invite-name").send_keys("Bob")
    css(browser, "#invite-name").submit()
    until(browser, lambda d: "bob@acme.example" in d.find_element(By.ID, "users").text, "invited")
    bob = next(
        row
        for row in browser.find_elements(By.CSS_SELECTOR, "#users tbody tr")
        if "bob@acme.example" in row.text
    )
    bob.find_element(By.CSS_SELECTOR, "button").click()
    css(browser, "#confirm-ok").click()
    until(
        browser,
        lambda d: any(
            "bob@acme.example" in r.text and "disabled" in r.text
            for r in d.find_elements(By.CSS_SELECTOR, "#users tbody tr")
        ),
        "bob disabled",
    )
    api = served.client()
    listed = api.get("/api/v1/users", headers=acme.headers).json()["items"]
    assert {u["email"]: u["disabled"] for u in listed}["bob@acme.example"] is True

    go(browser, "keys")
    css(browser, "#key-name").send_keys("ci robot")
    css(browser, "#key-name").submit()
    key = css(browser, "#new-key-value").text
    assert key.startswith("nxk_")
    assert key not in stored(browser)
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    until(browser, lambda d: "ci robot" in d.find_element(By.ID, "keys").text, "key listed")
    row = next(
        r for r in browser.find_elements(By.CSS_SELECTOR, "#keys tbody tr") if "ci robot" in r.text
    )
    row.find_element(By.CSS_SELECTOR, "button").click()
    css(browser, "#confirm-ok").click()
    until(
        browser,
        lambda d: any(
            "ci robot" in r.text and "revoked" in r.text
            for r in d.find_elements(By.CSS_SELECTOR, "#keys tbody tr")
        ),
        "key revoked",
    )

    go(browser, "presets")
    css(browser, "#preset-preview").click()
    plan = css(browser, "#preset-plan").text
    assert "Preview" in plan and "− tasks" in plan
    css(browser, "#preset-apply").click()
    css(browser, "#confirm-reason").send_keys("start from base", Keys.ENTER)
    until(browser, lambda d: "Applied" in d.find_element(By.ID, "preset-plan").text, "applied")
    assert api.get("/api/v1/preset", headers=acme.headers).json() == {"preset": "base"}
    screenshot(browser, tmp_path, "tenant-preset-applied")

    # Readable at 360 px: nothing wider than the window but scrollable tables.
    browser.set_window_size(360, 800)
    go(browser, "features")
    css(browser, '[data-feature="hello"]')
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    screenshot(browser, tmp_path, "tenant-features-360px")
    assert page_errors(browser) == []


def test_tenant_admin_signs_in_with_an_api_key_and_changes_a_role(served, browser, tmp_path):
    initech = make_tenant(
        served.database_url,
        slug="initech",
        users=({"email": "milton@initech.example", "name": "Milton", "roles": ["member"]},),
    )
    sign_in_with_key(browser, served.base, initech.key)
    assert css(browser, "#who").text == f"Tenant admin · {initech.id}"
    css(browser, '[data-feature="hello"]')
    # The key was exchanged for a JWT; the browser keeps the JWT and never the key.
    kept = stored(browser)
    assert initech.key not in kept
    token = browser.execute_script("return sessionStorage.getItem('nexus.console.token')")
    assert token.count(".") == 2 and token != initech.key
    me = served.client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["tenant_id"] == str(initech.id)

    go(browser, "users")
    milton = until(browser, lambda d: user_row(d, "milton@initech.example"), "milton listed")
    role = Select(milton.find_element(By.CSS_SELECTOR, "select"))
    assert role.first_selected_option.get_attribute("value") == "member"
    role.select_by_value("tenant_admin")
    until(
        browser,
        lambda d: (
            "milton@initech.example is now tenant_admin" in d.find_element(By.ID, "status").text
        ),
        "role changed",
    )
    api = served.client()
    listed = api.get("/api/v1/users", headers=initech.headers).json()["items"]
    assert {u["email"]: u["roles"] for u in listed}["milton@initech.example"] == ["tenant_admin"]
    screenshot(browser, tmp_path, "tenant-role-changed")

    # A reload keeps the session (the JWT in sessionStorage) and shows the new role.
    browser.refresh()
    css(browser, "#signout")
    milton = until(browser, lambda d: user_row(d, "milton@initech.example"), "milton listed")
    chosen = Select(milton.find_element(By.CSS_SELECTOR, "select")).first_selected_option
    assert chosen.get_attribute("value") == "tenant_admin"
    assert initech.key not in stored(browser)
    assert page_errors(browser) == []
