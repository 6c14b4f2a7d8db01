"""With the real Drive: a rendered invoice becomes a Drive file and a document over it."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import nexus_documents
import nexus_drive
import pytest
from documents_fakes import finance
from documents_helpers import API, get, ok, post, problem, publish
from nexus.testing import (
    EventWorkerHarness,
    create_test_client,
    make_tenant,
    migrated_database,
    outbox_events,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [nexus_documents, nexus_drive, finance]
PDF = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(scope="module")
def with_drive(nexus_postgres_server: str) -> Iterator[tuple[Any, str]]:
    with (
        migrated_database(nexus_postgres_server, PLUGINS) as url,
        create_test_client(PLUGINS, database_url=url) as client,
    ):
        yield client, url


def test_an_invoice_is_adopted_by_drive_and_filed_once(with_drive: tuple[Any, str]) -> None:
    client, url = with_drive
    tenant, other = make_tenant(url), make_tenant(url)
    invoice = str(uuid.uuid4())
    data = {
        "record_type": "finance.invoice",
        "record_id": invoice,
        "label": "INV-2026-0042",
        "blob_key": f"finance/invoices/{invoice}.pdf",
        "filename": "INV-2026-0042.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
        "partner_id": None,
        "employee_id": None,
        "occurred_on": "2026-12-01",
    }
    with EventWorkerHarness(client) as worker:
        publish(client, tenant, "finance", "finance.invoice.rendered.v1", data, pdf=PDF)
        publish(client, tenant, "finance", "finance.invoice.rendered.v1", data, pdf=PDF)
        worker.wait_handled("documents", 2)
    [doc] = get(client, tenant, f"/records/finance.invoice/{invoice}/documents")["items"]
    assert doc["file"]["name"] == "INV-2026-0042.pdf"
    assert doc["file"]["path"].endswith("Finance/Invoices/INV-2026-0042.pdf")
    assert doc["file"]["size"] == len(PDF)

    # Drive knows the file: another document may describe it, in this tenant only.
    again = post(
        client,
        tenant,
        "/documents",
        {"type": "general", "title": "Copy for the auditor", "drive_file_id": doc["file"]["id"]},
    )
    assert again["file"]["id"] == doc["file"]["id"]
    refused = problem(
        client.post(
            f"{API}/documents",
            json={"type": "general", "title": "Theirs", "drive_file_id": doc["file"]["id"]},
            headers=other.headers,
        ),
        422,
    )
    assert [e["key"] for e in refused["errors"]] == ["drive_file_id"]
    assert get(client, other, "/documents")["items"] == []

    # Kept one day after its issue date, the sweep expires it and Drive trashes its file.
    ok(
        client.patch(
            f"{API}/types/{doc['type_id']}",
            json={"retention": {"period": 1, "unit": "days", "after": "issued_on"}},
            headers=tenant.headers,
        )
    )
    swept = post(client, tenant, "/retention/sweep", status=200)
    assert (swept["expired"], swept["files_trashed"], swept["held"]) == (1, 1, 0)
    assert get(client, tenant, f"/documents/{doc['id']}")["status"] == "expired"
    trashed = problem(
        client.post(
            f"{API}/documents",
            json={"type": "general", "title": "Late", "drive_file_id": doc["file"]["id"]},
            headers=tenant.headers,
        ),
        422,
    )
    assert "trash" in trashed["errors"][0]["message"]
    [event] = outbox_events(url, tenant, "drive.file.trashed.v1")
    assert event.data["file_id"] == doc["file"]["id"]


def test_documents_go_off_with_drive(with_drive: tuple[Any, str]) -> None:
    client, url = with_drive
    tenant = make_tenant(url)
    refused = problem(
        client.put("/api/v1/features/drive", json={"enabled": False}, headers=tenant.headers),
        409,
    )
    assert "documents" in refused["features"]
    ok(
        client.put(
            "/api/v1/features/drive",
            json={"enabled": False, "cascade": True},
            headers=tenant.headers,
        )
    )
    problem(client.get(f"{API}/documents", headers=tenant.headers), 404)


def test_a_rendering_drive_refuses_is_dropped_not_retried(with_drive: tuple[Any, str]) -> None:
    client, url = with_drive
    tenant = make_tenant(url)
    record = str(uuid.uuid4())
    refused = {
        "record_type": "finance.invoice",
        "record_id": record,
        "label": "INV-2026-0099",
        "blob_key": f"drive/{record}.pdf",  # one of Drive's own keys: Drive answers 409
        "filename": "INV-2026-0099.pdf",
        "content_type": "application/pdf",
        "size": 10,
        "partner_id": None,
        "employee_id": None,
        "occurred_on": "2026-12-01",
    }
    with EventWorkerHarness(client) as worker:
        publish(client, tenant, "finance", "finance.invoice.rendered.v1", refused)
        worker.wait_handled("documents", 1)
    assert get(client, tenant, "/documents", type="invoice")["items"] == []
