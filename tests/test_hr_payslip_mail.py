"""An approved payslip reaches its employee's inbox with its PDF: HR → Notification → Mail.

HR renders each payslip's PDF into the tenant's files store on its own
``hr.payrun.posted.v1`` (``hr.payslip.rendered.v1`` says where); ``POST
/payruns/{id}/payslips/{employee_id}/send`` calls ``notify.send`` with the file attached;
Mail reads it from the same store, signs and relays the message to a local SMTP server.
"""

from __future__ import annotations

import socket
import threading
import uuid
from datetime import date
from decimal import Decimal
from email import message_from_bytes, policy
from typing import TYPE_CHECKING, Any

import msgspec
import nexus_hr
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
    outbox_events,
    run_sync,
    set_plugin_settings,
    tenant_transaction,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [nexus_hr, nexus_mail, nexus_notify]
API = "/api/v1/hr"
NOVEMBER = {"period_start": "2026-11-01", "period_end": "2026-11-30", "pay_date": "2026-11-30"}


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.arrived:
            self.messages.append(
                (envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content))
            )
            self.arrived.notify_all()
        return "250 OK"

    def wait_for(self, count: int) -> list[tuple[str, list[str], bytes]]:
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
def world(
    nexus_postgres_server: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Any, str]]:
    settings = kernel_settings(data_dir=tmp_path_factory.mktemp("hr-mail"))
    with (
        migrated_database(nexus_postgres_server, PLUGINS) as url,
        create_test_client(PLUGINS, database_url=url, settings=settings) as client,
    ):
        yield client, url


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _hire(url: str, tenant: Any, name: str, email: str) -> str:
    employee_id = uuid.uuid4()

    async def write() -> None:
        async with tenant_transaction(url, tenant) as conn:
            await conn.execute(
                "insert into hr_employee (id, name, work_email, hire_date) values ($1, $2, $3, $4)",
                employee_id,
                name,
                email,
                date(2026, 1, 1),
            )
            await conn.execute(
                "insert into hr_contract (id, employee_id, start_date, wage, currency, "
                "wage_type) values ($1, $2, $3, $4, 'EUR', 'monthly')",
                uuid.uuid4(),
                employee_id,
                date(2026, 1, 1),
                Decimal("3000.00"),
            )

    run_sync(write())
    return str(employee_id)


def test_an_approved_payslip_is_rendered_and_emailed_with_its_pdf(
    world: tuple[Any, str], relay: tuple[_Inbox, int]
) -> None:
    client, url = world
    inbox, port = relay
    tenant = make_tenant(url)
    domain_name = f"pay{uuid.uuid4().hex[:8]}.example"
    set_plugin_settings(url, tenant, "mail", {"relay_port": port})
    set_plugin_settings(url, tenant, "notify", {"email_from": f"payroll@{domain_name}"})
    _ok(
        client.post("/api/v1/mail/domains", json={"domain": domain_name}, headers=tenant.headers),
        201,
    )
    ada = _hire(url, tenant, "Ada Lovelace", "ada@work.example")
    run = _ok(client.post(f"{API}/payruns", json=NOVEMBER, headers=tenant.headers), 201)
    send = f"{API}/payruns/{run['id']}/payslips/{ada}/send"
    draft = client.post(send, json={}, headers=tenant.headers)
    assert draft.status_code == 409, draft.text  # a draft run's payslip is not final

    with EventWorkerHarness(client) as worker:
        _ok(client.post(f"{API}/payruns/{run['id']}/approve", headers=tenant.headers))
        worker.wait_handled("hr", 1)  # its own posted event: the payslips are rendered
        [rendered] = outbox_events(url, tenant, "hr.payslip.rendered.v1")
        sent = _ok(client.post(send, json={}, headers=tenant.headers))
        worker.wait_handled("mail", 1)

    [slip] = run["payslips"]
    declared = {e.type: e.payload for e in nexus_hr.nexus_manifest().events}
    msgspec.convert(rendered.data, declared["hr.payslip.rendered.v1"])  # the declared payload
    assert rendered.data["record_type"] == "hr.payslip"
    assert rendered.data["record_id"] == slip["id"] == sent["payslip_id"]
    assert rendered.data["label"] == "Payslip 2026-11 — Ada Lovelace"
    assert rendered.data["blob_key"] == f"hr/payslips/{slip['id']}.pdf"
    assert rendered.data["employee_id"] == ada
    assert rendered.data["occurred_on"] == "2026-11-30"
    assert sent["sent_to"] == "ada@work.example"
    [(_sender, recipients, raw)] = inbox.wait_for(1)
    assert recipients == ["ada@work.example"]
    email = message_from_bytes(raw, policy=policy.default)
    assert email["Subject"] == "Your payslip for 2026-11"
    [pdf] = list(email.iter_attachments())
    assert pdf.get_filename() == rendered.data["filename"]
    content = pdf.get_content()
    assert content.startswith(b"%PDF-") and len(content) == rendered.data["size"]

    _ok(client.put("/api/v1/features/notify", json={"enabled": False}, headers=tenant.headers))
    off = client.post(send, json={}, headers=tenant.headers)
    assert off.status_code == 409 and off.json()["blocking"] == ["notify"]
