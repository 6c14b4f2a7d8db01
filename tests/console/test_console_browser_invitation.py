"""An invitation and a password reset in the console, in headless Chromium (issue #21).

The served kernel has no Notifications: the admin's invitation answers with its link,
which the console shows to pass on; the invited user opens it, chooses a password and
signs in. A reset link (issued as the kernel issues one) sets a new password once.
"""

from __future__ import annotations

from datetime import timedelta

from nexus.identity._tokens import issue_token
from nexus.testing import make_tenant, run_sync, tenant_transaction

from tests.console._pages import css, go, page_errors, screenshot, sign_in_with_password, until

PASSWORD = "correct horse battery"


def _sign_in(api, slug: str, email: str, password: str) -> int:
    body = {"grant_type": "password", "tenant": slug, "email": email, "password": password}
    return int(api.post("/api/v1/auth/token", json=body).status_code)


def test_an_invited_user_accepts_the_link_the_admin_passed_on(served, browsers, tmp_path):
    make_tenant(
        served.database_url,
        slug="initech",
        users=(
            {
                "email": "bill@initech.example",
                "name": "Bill",
                "roles": ["tenant_admin"],
                "password": PASSWORD,
            },
        ),
    )
    admin = browsers()
    sign_in_with_password(
        admin, served.base, tenant="initech", email="bill@initech.example", password=PASSWORD
    )
    go(admin, "users")
    css(admin, "#invite-email").send_keys("milton@initech.example")
    css(admin, "#invite-name").send_keys("Milton")
    css(admin, "#invite-name").submit()
    link = css(admin, "#invite-link").get_attribute("value")
    assert link.startswith(f"{served.base}/console/#/accept?token=nxt_")
    screenshot(admin, tmp_path, "invitation-link")

    invited = browsers()
    invited.get(link)
    css(invited, "#token-password").send_keys("red stapler forever")
    css(invited, "#token-password-again").send_keys("red stapler forever")
    css(invited, "#token-submit").click()
    done = css(invited, "#token-done").text
    assert "initech" in done and "milton@initech.example" in done
    assert page_errors(invited) == []
    with served.client() as api:
        assert _sign_in(api, "initech", "milton@initech.example", "red stapler forever") == 200
    invited.get("about:blank")  # the same address again would not reload the page
    invited.get(link)  # the link works once
    css(invited, "#token-password").send_keys("another password!")
    css(invited, "#token-password-again").send_keys("another password!")
    css(invited, "#token-submit").click()
    until(invited, lambda d: "invalid" in d.find_element("id", "status").text, "refused")


def test_a_reset_link_sets_a_new_password(served, browser, tmp_path):
    tenant = make_tenant(
        served.database_url,
        slug="hooli",
        users=({"email": "gavin@hooli.example", "name": "Gavin", "password": PASSWORD},),
    )

    async def issue() -> str:
        async with tenant_transaction(served.database_url, tenant) as conn:
            user_id = await conn.fetchval("select id from nexus_user")
            token, _id, _expires = await issue_token(
                conn,
                tenant_id=tenant.id,
                user_id=user_id,
                purpose="password_reset",
                ttl=timedelta(minutes=5),
            )
            return token

    browser.get(f"{served.base}/console/#/reset")
    css(browser, "#reset-tenant").send_keys("hooli")
    css(browser, "#reset-email").send_keys("gavin@hooli.example")
    css(browser, "#reset-submit").click()
    css(browser, "#reset-asked")
    browser.get(f"{served.base}/console/#/reset?token={run_sync(issue())}")
    css(browser, "#token-password").send_keys("pied piper is mine")
    css(browser, "#token-password-again").send_keys("pied piper is mine")
    css(browser, "#token-submit").click()
    css(browser, "#token-done")
    screenshot(browser, tmp_path, "password-changed")
    with served.client() as api:
        assert _sign_in(api, "hooli", "gavin@hooli.example", "pied piper is mine") == 200
        assert _sign_in(api, "hooli", "gavin@hooli.example", PASSWORD) == 401
