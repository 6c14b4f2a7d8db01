"""Rendered invoices and payslips are filed as documents over Drive files, once per record."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from documents_fakes import FILES
from documents_helpers import API, get, publish
from nexus.testing import EventWorkerHarness

CONSUMER = "documents"


def _invoice(record_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "record_type": "finance.invoice",
        "record_id": record_id,
        "label": "INV-2026-0001",
        "blob_key": f"finance/invoices/{record_id}.pdf",
        "filename": "INV-2026-0001.pdf",
        "content_type": "application/pdf",
        "size": 48213,
        "partner_id": fields.pop("partner_id", str(uuid.uuid4())),
        "employee_id": None,
        "occurred_on": "2026-03-16",
        **fields,
    }


def test_a_rendered_invoice_becomes_a_document_linked_to_it_once(client: Any, tenant: Any) -> None:
    invoice = str(uuid.uuid4())
    partner = str(uuid.uuid4())
    data = _invoice(invoice, partner_id=partner)
    with EventWorkerHarness(client) as worker:
        publish(client, tenant, "finance", "finance.invoice.rendered.v1", data)
        publish(client, tenant, "finance", "finance.invoice.rendered.v1", data)  # again
        worker.wait_handled(CONSUMER, 2)
    [doc] = get(client, tenant, f"/records/finance.invoice/{invoice}/documents")["items"]
    assert (doc["type"], doc["title"], doc["tags"]) == ("invoice", "INV-2026-0001", ["invoice"])
    assert doc["metadata"] == {"number": "INV-2026-0001", "issued_on": "2026-03-16"}
    assert doc["retain_until"] == "2036-03-16"
    assert doc["source_ref"] == f"finance.invoice:{invoice}"
    assert {(link["record_type"], link["record_id"]) for link in doc["links"]} == {
        ("finance.invoice", invoice),
        ("finance.partner", partner),
    }
    assert doc["file"]["path"] == "/Documents/Finance/Invoices/INV-2026-0001.pdf"
    file = FILES[tenant.id][UUID(doc["file"]["id"])]
    assert (file.blob_key, file.source_ref) == (data["blob_key"], doc["source_ref"])
    assert get(client, tenant, f"/records/finance.partner/{partner}/documents")["items"]

    # Rendered again into another object: a new version of the same file and document.
    with EventWorkerHarness(client) as worker:
        again = {**data, "blob_key": f"finance/invoices/{invoice}-2.pdf", "size": 50000}
        publish(client, tenant, "finance", "finance.invoice.rendered.v1", again)
        worker.wait_handled(CONSUMER, 1)
    [same] = get(client, tenant, "/documents", type="invoice")["items"]
    assert same["id"] == doc["id"] and same["file"]["size"] == 50000
    assert file.versions == 2


def test_a_rendered_payslip_is_filed_under_hr(client: Any, tenant: Any) -> None:
    payslip, employee = str(uuid.uuid4()), str(uuid.uuid4())
    data = {
        "record_type": "hr.payslip",
        "record_id": payslip,
        "label": "Payslip 2026-11 — Ada Lovelace",
        "blob_key": f"hr/payslips/{payslip}.pdf",
        "filename": "payslip-2026-11-ada-lovelace.pdf",
        "content_type": "application/pdf",
        "size": 30211,
        "partner_id": None,
        "employee_id": employee,
        "occurred_on": "2026-11-30",
    }
    with EventWorkerHarness(client) as worker:
        publish(client, tenant, "hr", "hr.payslip.rendered.v1", data)
        worker.wait_handled(CONSUMER, 1)
    [doc] = get(client, tenant, f"/records/hr.employee/{employee}/documents")["items"]
    assert doc["type"] == "payslip"
    assert doc["metadata"] == {"label": data["label"], "issued_on": "2026-11-30"}
    assert doc["file"]["path"].startswith("/Documents/HR/Payslips/")


def test_filing_remakes_a_deleted_type_and_can_be_switched_off(client: Any, tenant: Any) -> None:
    invoice_type = get(client, tenant, "/documents", type="invoice")
    assert invoice_type["items"] == []
    [row] = [t for t in get(client, tenant, "/types")["items"] if t["key"] == "invoice"]
    assert client.delete(f"{API}/types/{row['id']}", headers=tenant.headers).status_code == 204
    with EventWorkerHarness(client) as worker:
        publish(
            client, tenant, "finance", "finance.invoice.rendered.v1", _invoice(str(uuid.uuid4()))
        )
        worker.wait_handled(CONSUMER, 1)
    assert len(get(client, tenant, "/documents", type="invoice")["items"]) == 1

    switched = client.put(
        "/api/v1/features/documents.filing", json={"enabled": False}, headers=tenant.headers
    )
    assert switched.status_code == 200, switched.text
    with EventWorkerHarness(client) as worker:
        publish(
            client, tenant, "finance", "finance.invoice.rendered.v1", _invoice(str(uuid.uuid4()))
        )
        worker.wait_handled(CONSUMER, 1)
    assert len(get(client, tenant, "/documents", type="invoice")["items"]) == 1
