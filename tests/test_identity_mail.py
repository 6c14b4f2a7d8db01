"""Invitations and password resets go out by email: kernel → Notification → Mail → SMTP.

The kernel calls the ``notify.send`` service as plugins do; the link in the email that
reaches the local SMTP server sets a password once, and a reset link stops working when
it expired.
"""

from __future__ import annotations

import re
import socket
import threading
import uuid
from email import message_from_bytes, policy
from typing import TYPE_CHECKING, Any

import nexus_mail
import nexus_notify
import pytest
from aiosmtpd.controller import Controller
from nexus.testing import (
    EventWorkerHarness,
    create_test_client,
    kernel_settings,
    make_tenant,
    migrated_database,
    run_sync,
    set_plugin_settings,
    tenant_transaction,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [nexus_mail, nexus_notify]
PASSWORD = "correct horse battery"
TOKEN = re.compile(r"#/(accept|reset)\?token=(nxt_[A-Za-z0-9_-]+)")


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.arrived:
            self.messages.append((list(envelope.rcpt_tos), bytes(envelope.original_content)))
            self.arrived.notify_all()
        return "250 OK"

    def wait_for(self, count: int) -> list[tuple[list[str], bytes]]:
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.messages) >= count, 30)
            return list(self.messages)


@pytest.fixture(scope="module")
def relay() -> Iterator[tuple[_Inbox, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture(scope="module")
def world(nexus_postgres_server: str) -> Iterator[tuple[Any, str]]:
    settings = kernel_settings(public_url="https://nexus.example")
    with (
        migrated_database(nexus_postgres_server, PLUGINS) as url,
        create_test_client(PLUGINS, database_url=url, settings=settings) as client,
    ):
        yield client, url


def _link(raw: bytes) -> tuple[str, str]:
    body = message_from_bytes(raw, policy=policy.default).get_body(("plain",)).get_content()
    found = TOKEN.search(body)
    assert found is not None, body
    return found.group(1), found.group(2)


def _sign_in(client: Any, slug: str, email: str, password: str) -> int:
    body = {"grant_type": "password", "tenant": slug, "email": email, "password": password}
    return int(client.post("/api/v1/auth/token", json=body).status_code)


def test_an_invitation_and_a_reset_arrive_by_email_and_each_link_works_once(
    world: tuple[Any, str], relay: tuple[_Inbox, int]
) -> None:
    client, url = world
    inbox, port = relay
    tenant = make_tenant(url)
    domain = f"id{uuid.uuid4().hex[:8]}.example"
    set_plugin_settings(url, tenant, "mail", {"relay_port": port})
    set_plugin_settings(url, tenant, "notify", {"email_from": f"accounts@{domain}"})
    created = client.post("/api/v1/mail/domains", json={"domain": domain}, headers=tenant.headers)
    assert created.status_code == 201, created.text
    email = f"ada-{uuid.uuid4().hex[:6]}@example.org"

    with EventWorkerHarness(client) as worker:
        invited = client.post(
            "/api/v1/users", json={"email": email, "name": "Ada"}, headers=tenant.headers
        )
        assert invited.status_code == 201, invited.text
        invitation = invited.json()["invitation"]
        assert invitation["delivery"] == "queued" and invitation["url"] is None
        worker.wait_handled("mail", 1)
        [(recipients, raw)] = inbox.wait_for(1)
        assert recipients == [email]
        page, token = _link(raw)
        assert page == "accept"
        assert "https://nexus.example/console/#/accept?token=" in raw.decode()
        accept = {"token": token, "password": PASSWORD}
        assert client.post("/api/v1/auth/invitations/accept", json=accept).status_code == 200
        assert client.post("/api/v1/auth/invitations/accept", json=accept).status_code == 422
        assert _sign_in(client, tenant.slug, email, PASSWORD) == 200

        asked = client.post(
            "/api/v1/auth/password-reset", json={"tenant": tenant.slug, "email": email}
        )
        assert asked.status_code == 202, asked.text
        worker.wait_handled("mail", 2)
        (recipients, raw) = inbox.wait_for(2)[1]
        assert recipients == [email]
        page, reset = _link(raw)
        assert page == "reset"
        confirm = {"token": reset, "password": "a brand new password"}
        done = client.post("/api/v1/auth/password-reset/confirm", json=confirm)
        assert done.status_code == 200, done.text
        assert done.json() == {"tenant": tenant.slug, "email": email}
        assert client.post("/api/v1/auth/password-reset/confirm", json=confirm).status_code == 422
        assert _sign_in(client, tenant.slug, email, "a brand new password") == 200
        assert _sign_in(client, tenant.slug, email, PASSWORD) == 401

        client.post("/api/v1/auth/password-reset", json={"tenant": tenant.slug, "email": email})
        worker.wait_handled("mail", 3)
        _page, late = _link(inbox.wait_for(3)[2][1])

    async def expire() -> None:
        async with tenant_transaction(url, tenant) as conn:
            await conn.execute(
                "update nexus_user_token set expires_at = now() - interval '1 second' "
                "where used_at is null"
            )

    run_sync(expire())
    expired = {"token": late, "password": "too late a password"}
    assert client.post("/api/v1/auth/password-reset/confirm", json=expired).status_code == 422
    assert _sign_in(client, tenant.slug, email, "a brand new password") == 200
