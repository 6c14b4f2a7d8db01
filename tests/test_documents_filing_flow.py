"""Posted invoices and payslips end up as documents: Finance/HR → files store → Drive → Documents.

Finance renders the posted invoice's PDF into the tenant's files store on its own
``finance.invoice.posted.v1`` and publishes ``finance.invoice.rendered.v1``; Documents
adopts the object into Drive (``drive.files.adopt``) and files an ``invoice`` document
linked to the invoice and its customer. HR does the same for each payslip of an approved
payrun (``hr.payslip.rendered.v1``): a ``payslip`` document linked to the payslip and the
employee. The plugins only meet through their contracts.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import nexus_documents
import nexus_drive
import nexus_finance
import nexus_hr
import pytest
from nexus.testing import (
    EventWorkerHarness,
    create_test_client,
    kernel_settings,
    make_tenant,
    migrated_database,
    outbox_events,
    run_sync,
    tenant_transaction,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [nexus_finance, nexus_hr, nexus_drive, nexus_documents]


@pytest.fixture(scope="module")
def world(
    nexus_postgres_server: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Any, str]]:
    settings = kernel_settings(data_dir=tmp_path_factory.mktemp("documents-filing"))
    with (
        migrated_database(nexus_postgres_server, PLUGINS) as url,
        create_test_client(PLUGINS, database_url=url, settings=settings) as client,
    ):
        yield client, url


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def test_a_posted_invoice_is_filed_as_a_document_over_a_drive_file(
    world: tuple[Any, str],
) -> None:
    client, url = world
    tenant = make_tenant(url)
    partner = _ok(
        client.post(
            "/api/v1/finance/partners",
            json={"name": "Ada Lovelace Ltd", "kind": "customer", "email": "ada@example.org"},
            headers=tenant.headers,
        ),
        201,
    )
    draft = _ok(
        client.post(
            "/api/v1/finance/invoices",
            json={
                "partner_id": partner["id"],
                "lines": [
                    {"description": "Analytical engine", "quantity": "1", "unit_price": "250"}
                ],
            },
            headers=tenant.headers,
        ),
        201,
    )
    with EventWorkerHarness(client) as worker:
        posted = _ok(
            client.post(f"/api/v1/finance/invoices/{draft['id']}/post", headers=tenant.headers)
        )
        worker.wait_handled("documents", 1)  # finance.invoice.rendered.v1
    [rendered] = outbox_events(url, tenant, "finance.invoice.rendered.v1")
    found = _ok(
        client.get(
            f"/api/v1/documents/records/finance.invoice/{draft['id']}/documents",
            headers=tenant.headers,
        )
    )
    [doc] = found["items"]
    assert (doc["type"], doc["title"]) == ("invoice", posted["number"])
    assert doc["metadata"]["number"] == posted["number"]
    assert doc["source_ref"] == f"finance.invoice:{draft['id']}"
    assert {(link["record_type"], link["record_id"]) for link in doc["links"]} == {
        ("finance.invoice", draft["id"]),
        ("finance.partner", partner["id"]),
    }
    assert doc["file"]["name"] == rendered.data["filename"]
    assert doc["file"]["size"] == rendered.data["size"]
    assert doc["file"]["path"].endswith(f"Finance/Invoices/{rendered.data['filename']}")
    [added] = outbox_events(url, tenant, "drive.file.added.v1")
    assert added.data["file_id"] == doc["file"]["id"]
    [created] = outbox_events(url, tenant, "documents.document.created.v1")
    assert created.data["document_id"] == doc["id"]


def _hire(url: str, tenant: Any, name: str) -> str:
    """An employee with a monthly contract (written as HR's own tests write one)."""
    employee_id = uuid.uuid4()

    async def write() -> None:
        async with tenant_transaction(url, tenant) as conn:
            await conn.execute(
                "insert into hr_employee (id, name, work_email, hire_date) values ($1, $2, $3, $4)",
                employee_id,
                name,
                "ada@work.example",
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


def test_an_approved_payslip_is_filed_under_its_employee(world: tuple[Any, str]) -> None:
    client, url = world
    tenant = make_tenant(url)
    ada = _hire(url, tenant, "Ada Lovelace")
    november = {"period_start": "2026-11-01", "period_end": "2026-11-30", "pay_date": "2026-11-30"}
    run = _ok(client.post("/api/v1/hr/payruns", json=november, headers=tenant.headers), 201)
    with EventWorkerHarness(client) as worker:
        _ok(client.post(f"/api/v1/hr/payruns/{run['id']}/approve", headers=tenant.headers))
        worker.wait_handled("documents", 1)  # hr.payslip.rendered.v1
    [rendered] = outbox_events(url, tenant, "hr.payslip.rendered.v1")
    found = _ok(
        client.get(f"/api/v1/documents/records/hr.employee/{ada}/documents", headers=tenant.headers)
    )
    [doc] = found["items"]
    assert doc["type"] == "payslip"
    assert doc["title"] == rendered.data["label"]
    assert doc["file"]["path"].endswith(f"HR/Payslips/{rendered.data['filename']}")
    assert ("hr.payslip", rendered.data["record_id"]) in {
        (link["record_type"], link["record_id"]) for link in doc["links"]
    }
