"""A tenant user in the workspace at /app, in headless Chromium against a served kernel.

One long scenario (browser tests are slow): sign in, create a contact from the form
generated from the OpenAPI document, find it in the list and through global search, create
a deal and move it to won on the kernel's board, then switch CRM off and watch its menu go.
"""

from __future__ import annotations

import pytest
from nexus.testing import make_tenant
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.console._pages import css, page_errors, screenshot, until

PASSWORD = "correct horse battery"


@pytest.fixture
def acme(workspace_served):
    return make_tenant(
        workspace_served.database_url,
        slug="acme",
        users=(
            {
                "email": "sam@acme.example",
                "name": "Sam",
                "roles": ["tenant_admin"],
                "password": PASSWORD,
            },
        ),
    )


def sign_in(driver, base):
    driver.get(f"{base}/app/")
    css(driver, "#signin-tenant").send_keys("acme")
    css(driver, "#signin-email").send_keys("sam@acme.example")
    css(driver, "#signin-password").send_keys(PASSWORD)
    css(driver, "#signin-submit").click()
    css(driver, "#signout")


def open_view(driver, href, ready):
    css(driver, f'#nav a[href="{href}"]').click()
    return css(driver, f'{ready}[data-ready="1"]')


def rows(driver):
    return [row.text for row in driver.find_elements(By.CSS_SELECTOR, "#list tbody tr")]


def test_tenant_user_works_with_generated_crm_screens(workspace_served, browser, acme, tmp_path):
    base = workspace_served.base
    sign_in(browser, base)
    # The navigation: CRM's declared menu entries, from the plugins enabled for the tenant.
    css(browser, '#nav [data-plugin="crm"]')
    screenshot(browser, tmp_path, "home")

    open_view(browser, "#/crm/contacts", "#view-crm-contacts")
    css(browser, "#new-record").click()
    css(browser, "#view-crm-contacts form.record-form")
    # Client-side validation from the JSON Schema: a required field left empty blocks it.
    css(browser, '[data-field="first_name"]').send_keys("Ada")
    css(browser, "#form-submit").click()
    assert browser.execute_script(
        "return !document.querySelector('[data-field=last_name]').validity.valid"
    )
    css(browser, '[data-field="last_name"]').send_keys("Lovelace")
    css(browser, '[data-field="email"]').send_keys("ada@analytical.example")
    screenshot(browser, tmp_path, "contact-form")
    css(browser, "#form-submit").click()
    until(browser, lambda d: "Ada" in css(d, "#record-title").text, "the contact's page")
    assert "ada@analytical.example" in css(browser, 'dd[data-field="email"]').text
    screenshot(browser, tmp_path, "contact-detail")

    open_view(browser, "#/crm/contacts", "#view-crm-contacts")
    until(browser, lambda d: any("Lovelace" in row for row in rows(d)), "the contact listed")
    screenshot(browser, tmp_path, "contacts-list")

    search = css(browser, "#search")
    search.send_keys("Lovelace")
    search.submit()
    css(browser, '#view-search[data-ready="1"]')
    until(browser, lambda d: "Ada" in css(d, "#search-results").text, "the contact found")
    screenshot(browser, tmp_path, "search")

    # A deal, then the board: moved to won through the card's menu.
    open_view(browser, "#/crm/deals", "#view-crm-deals")
    css(browser, "#new-record").click()
    css(browser, '[data-field="title"]').send_keys("Engines for Ada")
    css(browser, "#form-submit").click()
    until(browser, lambda d: "Engines" in css(d, "#record-title").text, "the deal's page")
    browser.get(f"{base}/app/#/crm/deals/board")
    css(browser, '#view-crm-deals[data-ready="1"]')
    card = css(browser, ".kanban-card")
    assert "Engines for Ada" in card.text
    screenshot(browser, tmp_path, "board-before")
    Select(card.find_element(By.CSS_SELECTOR, "select.move-to")).select_by_visible_text("Won")
    until(
        browser,
        lambda d: "Engines for Ada" in css(d, '.column[data-stage="Won"]').text,
        "the deal in the Won column",
    )
    screenshot(browser, tmp_path, "board-won")

    # CRM switched off elsewhere: its menu leaves the open workspace.
    api = workspace_served.client()
    switched = api.put(
        "/api/v1/features/crm",
        headers=acme.headers,
        json={"enabled": False, "cascade": True, "reason": "workspace test"},
    )
    assert switched.status_code == 200, switched.text
    until(
        browser,
        lambda d: not d.find_elements(By.CSS_SELECTOR, '#nav [data-plugin="crm"]'),
        "the CRM menu gone",
    )
    screenshot(browser, tmp_path, "crm-off")
    assert not page_errors(browser)
