"""Driving the console page: sign-in, waits on what the page shows, screenshots."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.console.conftest import WAIT_S

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.remote.webelement import WebElement


def until(driver: WebDriver, condition: Callable[[WebDriver], Any], message: str = "") -> Any:
    """Wait (bounded) until ``condition`` holds; fail with the page's status line if not."""

    def check(d: WebDriver) -> Any:
        return condition(d)

    try:
        # A view re-renders its rows on each change: a row read mid-render is read again.
        return WebDriverWait(
            driver, WAIT_S, ignored_exceptions=[StaleElementReferenceException]
        ).until(check)
    except Exception as exc:
        status = driver.find_element(By.ID, "status").text
        raise AssertionError(f"{message or condition} did not happen; status: {status!r}") from exc


def css(driver: WebDriver, selector: str) -> WebElement:
    """The element ``selector`` names, once it is on the page and visible."""
    return until(
        driver,
        ec.visibility_of_element_located((By.CSS_SELECTOR, selector)),
        f"{selector} visible",
    )


def sign_in_with_password(
    driver: WebDriver, base: str, *, tenant: str, email: str, password: str
) -> None:
    driver.get(f"{base}/console")
    Select(css(driver, "#signin-method")).select_by_value("password")
    css(driver, "#signin-tenant").send_keys(tenant)
    css(driver, "#signin-email").send_keys(email)
    css(driver, "#signin-password").send_keys(password)
    css(driver, "#signin-submit").click()
    css(driver, "#signout")


def sign_in_with_key(driver: WebDriver, base: str, key: str) -> None:
    driver.get(f"{base}/console")
    Select(css(driver, "#signin-method")).select_by_value("api_key")
    css(driver, "#signin-key").send_keys(key)
    css(driver, "#signin-submit").click()
    css(driver, "#signout")


def go(driver: WebDriver, view: str) -> None:
    """Open a view through its navigation link, as a user would."""
    css(driver, f'#nav a[href="#/{view}"]').click()
    css(driver, f"#view-{view}")


def stored(driver: WebDriver) -> str:
    """Everything the page keeps in the browser's storage, as one string."""
    return str(
        driver.execute_script(
            "return JSON.stringify(sessionStorage) + JSON.stringify(localStorage) + document.cookie"
        )
    )


def page_errors(driver: WebDriver) -> list[str]:
    """Errors the page logged (script errors, CSP violations, failed loads)."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


# Controls with no accessible name, judged as the issue asks: a label with text, a non-empty
# aria-label, aria-labelledby naming elements with text, or (buttons) their own text. Hidden
# controls count too: they show up as the page changes state.
_UNNAMED_CONTROLS = """
const text = (el) => (el ? el.textContent.replace(/\\s+/g, " ").trim() : "");
const named = (el) =>
    Boolean((el.getAttribute("aria-label") || "").trim()) ||
    (el.getAttribute("aria-labelledby") || "").split(/\\s+/).some(
        (id) => id && text(document.getElementById(id))) ||
    [...(el.labels || [])].some((label) => text(label)) ||
    (el.tagName === "BUTTON" && Boolean(text(el)));
return [...document.querySelectorAll("input, select, textarea, button")]
    .filter((el) => el.type !== "hidden" && !named(el))
    .map((el) => el.outerHTML.slice(0, 160));
"""

# How far the page scrolls sideways, and the elements reaching past the window's right edge
# that no scrolling or clipping box of theirs contains (the culprits).
_SIDEWAYS = """
const width = document.documentElement.clientWidth;
const contained = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
        if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
};
const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (typeof el.className === "string" && el.className.trim()
        ? "." + el.className.trim().split(/\\s+/).join(".") : "");
const wide = [...document.body.querySelectorAll("*")].filter((el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > width + 0.5 && !contained(el);
});
return {
    window: window.innerWidth,
    width: width,
    scrolls: document.documentElement.scrollWidth - width,
    wide: wide.slice(0, 8).map((el) => `${describe(el)} (right edge ${
        Math.round(el.getBoundingClientRect().right)} px)`),
};
"""


def unnamed_controls(driver: WebDriver) -> list[str]:
    """Every input, select, textarea and button on the page that has no accessible name."""
    return list(driver.execute_script(_UNNAMED_CONTROLS))


def sideways(driver: WebDriver) -> dict[str, Any]:
    """The ``window``'s width and its content ``width`` (less a scrollbar), how far the page
    ``scrolls`` sideways, and the ``wide`` culprits."""
    return dict(driver.execute_script(_SIDEWAYS))


def screenshot(driver: WebDriver, directory: Path, name: str) -> Path:
    path = directory / f"{name}.png"
    assert driver.save_screenshot(str(path)), f"no screenshot at {path}"
    return path
