"""A tenant user in the workspace at /app, in headless Chromium against a served kernel.

One long scenario (browser tests are slow): sign in, create a contact from the form
generated from the OpenAPI document, find it in the list and through global search, create
a deal for it and move it to won on the kernel's board; open the invoice Finance drafted for
it (the event worker runs), add a line for a stocked product, post it, and see Inventory's
stock per warehouse drop; redeem the points the third-party loyalty plugin credited for the
deal; a storekeeper (a role holding Inventory's permissions, none of Finance's) finds no
Finance menu and the 403 page on its URL; then switch CRM off and watch its menu go. No
plugin has front-end code: every screen comes from the OpenAPI document and the plugins'
``nexus_ui`` declarations.

Screenshots of every view go to ``NEXUS_SCREENSHOTS`` when it names a directory (``.ci/run``
keeps them in ``.ci/screenshots``), else to the test's temporary directory.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import nexus_inventory
import pytest
from nexus.testing import make_tenant
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from tests.console._pages import (
    css,
    page_errors,
    screenshot,
    sideways,
    sign_in_with_password,
    until,
)

PASSWORD = "correct horse battery"
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (1280, 360)


class Views:
    """Each view checked at both widths: screenshots kept, no sideways scrolling, and
    axe-core's serious or critical violations collected (when axe-core is installed)."""

    def __init__(self, driver, directory):
        self.driver = driver
        self.directory = directory
        self.violations: list[str] = []
        self.axe = AXE.read_text() if AXE.is_file() else None

    def check(self, name):
        for width in WIDTHS:
            self.driver.set_window_size(width, 1000)
            screenshot(self.driver, self.directory, f"{name}-{width}")
            wide = sideways(self.driver)
            assert wide["scrolls"] <= 0, f"{name} at {width} px scrolls sideways: {wide}"
            if self.axe is None:
                continue
            if not self.driver.execute_script("return Boolean(window.axe)"):
                self.driver.execute_script(self.axe)
            found = self.driver.execute_async_script(
                "const done = arguments[arguments.length - 1];"
                "axe.run(document, {resultTypes: ['violations']})"
                ".then((r) => done(r.violations.filter((v) => "
                "['serious', 'critical'].includes(v.impact)).map((v) => v.id + ': ' + "
                "v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', '))))"
            )
            self.violations.extend(f"{name} at {width} px: {v}" for v in found)
        self.driver.set_window_size(WIDTHS[0], 1000)


@pytest.fixture
def acme(workspace_served):
    """A tenant with an admin (Sam) and a storekeeper (Sue): a role the tenant defined with
    Inventory's permissions and none of Finance's."""
    tenant = make_tenant(
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
    api = workspace_served.client()
    inventory = [p.key for p in nexus_inventory.nexus_manifest().permissions]
    role = {"name": "storekeeper", "permissions": inventory}
    made = api.post("/api/v1/roles", headers=tenant.headers, json=role)
    assert made.status_code == 201, made.text
    sue = {
        "email": "sue@acme.example",
        "name": "Sue",
        "roles": ["storekeeper"],
        "password": PASSWORD,
    }
    made = api.post("/api/v1/users", headers=tenant.headers, json=sue)
    assert made.status_code == 201, made.text
    return tenant


@pytest.fixture
def shots(tmp_path):
    """Where the screenshots go: ``NEXUS_SCREENSHOTS``, or the test's temporary directory."""
    kept = os.environ.get("NEXUS_SCREENSHOTS")
    if not kept:
        return tmp_path
    directory = Path(kept) / "workspace"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def sign_in(driver, base, email="sam@acme.example", language=None):
    driver.get(f"{base}/app/")
    if language:  # the catalog is chosen on the sign-in page (the page reloads in it)
        Select(css(driver, "#signin-language")).select_by_value(language)
        until(
            driver, lambda d: d.execute_script("return document.documentElement.lang") == language
        )
    css(driver, "#signin-tenant").send_keys("acme")
    css(driver, "#signin-email").send_keys(email)
    css(driver, "#signin-password").send_keys(PASSWORD)
    css(driver, "#signin-submit").click()
    css(driver, "#signout")


def open_view(driver, href, ready):
    css(driver, f'#nav a[href="{href}"]').click()
    return css(driver, f'{ready}[data-ready="1"]')


def rows(driver):
    return [row.text for row in driver.find_elements(By.CSS_SELECTOR, "#list tbody tr")]


def stocked_product(api, headers):
    """Ten analytical engines received into the default warehouse (set up over the API), and
    Inventory's delivery of posted invoices switched on (Finance drafts won deals by default)."""
    on = api.put(
        "/api/v1/features/inventory.deliver_on_invoice", headers=headers, json={"enabled": True}
    )
    assert on.status_code == 200, on.text
    made = api.post(
        "/api/v1/inventory/products",
        headers=headers,
        json={
            "sku": "ENGINE",
            "name": "Analytical engine",
            "currency": "EUR",
            "cost_price": "400.00",
            "sale_price": "1000.00",
        },
    )
    assert made.status_code == 201, made.text
    product = made.json()
    receipt = {
        "kind": "receipt",
        "product_id": product["id"],
        "quantity": "10",
        "unit_cost": "400.00",
        "validate": True,
    }
    received = api.post("/api/v1/inventory/moves", headers=headers, json=receipt)
    assert received.status_code == 201, received.text
    return product


def test_tenant_user_works_with_generated_crm_screens(
    workspace_served, workspace_events, browsers, acme, shots
):
    base = workspace_served.base
    api = workspace_served.client()
    product = stocked_product(api, acme.headers)
    browser = browsers()
    views = Views(browser, shots)
    views.check("signin")
    sign_in(browser, base)
    # The navigation: CRM's declared menu entries, from the plugins enabled for the tenant.
    css(browser, '#nav [data-plugin="crm"]')
    until(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '#view-home[data-ready="1"]'))
    views.check("home")
    # On a phone the menu folds behind its button; following a link folds it again.
    browser.set_window_size(360, 1000)
    assert not browser.find_element(By.ID, "nav").is_displayed()
    css(browser, "#menu").click()
    until(browser, lambda d: d.find_element(By.ID, "nav").is_displayed(), "the menu open")
    css(browser, '#nav a[href="#/crm/contacts"]').click()
    css(browser, '#view-crm-contacts[data-ready="1"]')
    assert not browser.find_element(By.ID, "nav").is_displayed()
    browser.set_window_size(1280, 1000)

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
    views.check("contact-form")
    css(browser, "#form-submit").click()
    until(browser, lambda d: "Ada" in css(d, "#record-title").text, "the contact's page")
    assert "ada@analytical.example" in css(browser, 'dd[data-field="email"]').text
    contact_id = browser.current_url.rsplit("/", 1)[-1]
    views.check("contact-detail")

    open_view(browser, "#/crm/contacts", "#view-crm-contacts")
    until(browser, lambda d: any("Lovelace" in row for row in rows(d)), "the contact listed")
    views.check("contacts-list")

    search = css(browser, "#search")
    search.send_keys("Lovelace")
    search.submit()
    css(browser, '#view-search[data-ready="1"]')
    until(browser, lambda d: "Ada" in css(d, "#search-results").text, "the contact found")
    views.check("search")

    # A plugin with no nexus_ui (the memos sample): list and form from its API alone.
    open_view(browser, "#/memos", "#view-memos")
    css(browser, "#new-record").click()
    css(browser, '[data-field="title"]').send_keys("Quarterly plan")
    views.check("memo-form")
    css(browser, "#form-submit").click()
    until(browser, lambda d: "Quarterly plan" in css(d, "#record-title").text, "the memo's page")
    open_view(browser, "#/memos", "#view-memos")
    until(browser, lambda d: any("Quarterly plan" in row for row in rows(d)), "the memo listed")
    views.check("memos-list")

    # A deal for Ada (1,000), then the board: dragged to won.
    open_view(browser, "#/crm/deals", "#view-crm-deals")
    css(browser, "#new-record").click()
    css(browser, '[data-field="title"]').send_keys("Engines for Ada")
    css(browser, '[data-field="contact_id"]').send_keys(contact_id)
    css(browser, '[data-field="amount"]').send_keys("1000")
    css(browser, "#form-submit").click()
    until(browser, lambda d: "Engines" in css(d, "#record-title").text, "the deal's page")
    # The home page's cards: CRM's open deals (a UiCard over the deals' list) shows it.
    css(browser, "#nav-home").click()
    css(browser, '#view-home[data-ready="1"]')
    assert "Engines for Ada" in css(browser, '.dashboard-card[aria-label="Open deals"]').text
    views.check("home-cards")
    browser.get(f"{base}/app/#/crm/deals/board")
    css(browser, '#view-crm-deals[data-ready="1"]')
    card = css(browser, ".kanban-card")
    assert "Engines for Ada" in card.text
    views.check("board")
    # Dragged onto the Won column (HTML5 drag and drop, the events a pointer drag fires).
    browser.execute_script(
        "const [card, column] = arguments; const data = new DataTransfer();"
        "card.dispatchEvent(new DragEvent('dragstart', {dataTransfer: data, bubbles: true}));"
        "column.dispatchEvent(new DragEvent('dragover', {dataTransfer: data, bubbles: true}));"
        "column.dispatchEvent(new DragEvent('drop', {dataTransfer: data, bubbles: true}));",
        card,
        css(browser, '.column[data-stage="Won"]'),
    )
    until(
        browser,
        lambda d: "Engines for Ada" in css(d, '.column[data-stage="Won"]').text,
        "the deal in the Won column",
    )
    screenshot(browser, shots, "board-won")

    # Finance drafted an invoice for the won deal (crm.deal.won.v1): open it, add a line for
    # the stocked product in the generated lines editor (saved by Finance's PUT of a draft).
    workspace_events.wait_handled_type("finance", "crm.deal.won.v1", 1)
    open_view(browser, "#/finance/invoices", "#view-finance-invoices")
    until(browser, lambda d: any("draft" in row for row in rows(d)), "the drafted invoice")
    css(browser, "#list tbody tr a").click()
    assert "Engines for Ada" in css(browser, 'dd[data-field="reference"]').text
    css(browser, "#edit-record").click()
    css(browser, '#view-finance-invoices form.record-form [data-lines="lines"]')
    css(browser, ".add-line").click()
    line = browser.find_elements(By.CSS_SELECTOR, '[data-lines="lines"] tr.line')[-1]
    for field, value in (
        ("description", "Analytical engine"),
        ("quantity", "3"),
        ("unit_price", "1000"),
        ("sku", "ENGINE"),
    ):
        line.find_element(By.CSS_SELECTOR, f'[data-line-field="{field}"]').send_keys(value)
    views.check("invoice-form")
    css(browser, "#form-submit").click()
    until(
        browser,
        lambda d: "4,000" in css(d, '[data-total="untaxed_total"]').text,
        "the invoice's new total (the deal's 1,000 and the engines' 3,000)",
    )
    views.check("invoice-draft")
    # Posted through its declared action, after the confirmation dialog.
    css(browser, '[data-action="Post"]').click()
    css(browser, "#confirm-ok").click()
    until(browser, lambda d: "posted" in css(d, 'dd[data-field="state"]').text, "posted")
    views.check("invoice-posted")
    # Invoices on a calendar by due date (Finance's UiCalendar): the posted one, by number.
    posted = api.get("/api/v1/finance/invoices?state=posted", headers=acme.headers).json()["items"]
    number, due = posted[0]["number"], posted[0]["due_date"]
    browser.get(f"{base}/app/#/finance/invoices/calendar?month={due[:7]}")
    css(browser, '#view-finance-invoices[data-ready="1"]')
    assert number in css(browser, f'#calendar [data-date="{due}"]').text
    views.check("invoices-calendar")

    # Inventory delivered the line (finance.invoice.posted.v1): the product's stock panel.
    workspace_events.wait_handled_type("inventory", "finance.invoice.posted.v1", 1)
    browser.get(f"{base}/app/#/inventory/products/{product['id']}")
    until(
        browser,
        lambda d: css(d, '[data-panel="stock"] dd[data-field="on_hand"]').text == "7",
        "the stock down from 10 to 7",
    )
    assert "7" in css(browser, '[data-panel="stock"] table tbody').text
    views.check("stock")

    # The third-party example (contrib/loyalty: no nexus_ui, no front-end code) credited Ada
    # with the deal's points (crm.deal.won.v1): its list, its record, and its "Redeem points"
    # route (a POST under the record with a body) as a generated form.
    workspace_events.wait_handled_type("loyalty", "crm.deal.won.v1", 1)
    open_view(browser, "#/loyalty/members", "#view-loyalty-members")
    until(browser, lambda d: any("1000" in row or "1,000" in row for row in rows(d)), "Ada listed")
    views.check("loyalty-list")
    css(browser, "#list tbody tr a").click()
    until(browser, lambda d: css(d, 'dd[data-field="balance"]').text in ("1000", "1,000"), "1,000")
    css(browser, '[data-action="Redeem points"]').click()
    css(browser, '#view-loyalty-members form.record-form [data-field="points"]').send_keys("250")
    css(browser, '[data-field="reason"]').send_keys("Gift card")
    views.check("loyalty-redeem")
    css(browser, "#form-submit").click()
    until(browser, lambda d: css(d, 'dd[data-field="balance"]').text == "750", "750 points left")
    assert css(browser, "#record-title").text == "ada@analytical.example"
    assert "Gift card" in css(browser, '#view-loyalty-members [aria-label="History"]').text
    views.check("loyalty-member")

    # A storekeeper (a role of the tenant's: Inventory's permissions, none of Finance's),
    # in French and the dark theme, sees Inventory, no Finance menu, and the 403 page on
    # Finance's URL.
    keeper = browsers()
    sign_in(keeper, base, email="sue@acme.example", language="fr")
    css(keeper, '#nav [data-plugin="inventory"]')
    assert css(keeper, "#nav-home").text == "Accueil"
    assert not keeper.find_elements(By.CSS_SELECTOR, '#nav [data-plugin="finance"]')
    assert not keeper.find_elements(By.CSS_SELECTOR, '#nav [data-plugin="crm"]')
    # Nor may she read Notifications' feed: no link to it.
    assert not keeper.find_element(By.ID, "notifications").is_displayed()
    css(keeper, "#theme").click()
    assert keeper.execute_script("return document.documentElement.dataset.theme") == "dark"
    keeper_views = Views(keeper, shots)
    open_view(keeper, "#/inventory/products", "#view-inventory-products")
    until(keeper, lambda d: any("ENGINE" in row for row in rows(d)), "the product listed")
    keeper_views.check("products-fr-dark")
    keeper.get(f"{base}/app/#/finance/invoices")
    assert css(keeper, "#view-title").text.startswith("403 — Vous ne pouvez pas")
    css(keeper, "#forbidden")
    keeper_views.check("forbidden-fr-dark")
    views.violations.extend(keeper_views.violations)

    # A notification for Sam (Notifications' in-app channel, delivered by the event worker):
    # the header's unread count, live; the feed; the item marked read.
    users = api.get("/api/v1/users", headers=acme.headers).json()["items"]
    sam = next(user["id"] for user in users if user["email"] == "sam@acme.example")
    message = {
        "to": {"user_id": sam},
        "category": "inventory.stock",
        "subject": "Engines running low",
        "text": "7 analytical engines left.",
        "channels": ["in_app"],
    }
    sent = api.post("/api/v1/notify/messages", headers=acme.headers, json=message)
    assert sent.status_code == 201, sent.text
    until(browser, lambda d: css(d, "#unread-count").text == "1", "one unread notification")
    css(browser, "#notifications").click()
    css(browser, '#view-notifications[data-ready="1"]')
    assert "Engines running low" in css(browser, "#feed").text
    views.check("notifications")
    css(browser, "#feed .mark-read").click()
    until(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, "#unread-count"), "all read")

    # CRM switched off in the console (another browser, Sam's admin session): its menu leaves
    # the open workspace. The time from the confirmation to the menu's removal (both
    # browsers' clocks are this machine's) is kept beside the screenshots: timings.json.
    browser.execute_script(
        "window.crmGone = null; new MutationObserver(() => { if (!window.crmGone && "
        "!document.querySelector('#nav [data-plugin=\"crm\"]')) window.crmGone = Date.now(); })"
        ".observe(document.getElementById('nav'), {childList: true, subtree: true});"
    )
    console = browsers()
    sign_in_with_password(console, base, tenant="acme", email="sam@acme.example", password=PASSWORD)
    css(console, '[id="switch-crm"]').click()
    reason = css(console, "#confirm-reason")
    reason.send_keys("workspace test")
    started = console.execute_script("return Date.now()")
    reason.send_keys(Keys.ENTER)
    until(
        browser,
        lambda d: not d.find_elements(By.CSS_SELECTOR, '#nav [data-plugin="crm"]'),
        "the CRM menu gone",
    )
    gone = browser.execute_script("return window.crmGone")
    timing = {"crm_menu_gone_s": round((gone - started) / 1000, 3)}
    (shots / "timings.json").write_text(json.dumps(timing) + "\n")
    screenshot(browser, shots, "crm-off")
    assert not page_errors(browser)
    assert not views.violations, "\n".join(views.violations)
    if views.axe is None:
        pytest.skip(
            f"every step passed but axe-core was not checked: no {AXE} (.ci/run installs it)"
        )
