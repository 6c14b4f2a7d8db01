"""A posted invoice ends up as a document: Finance → files store → Drive → Documents.

Finance renders the posted invoice's PDF into the tenant's files store on its own
``finance.invoice.posted.v1`` and publishes ``finance.invoice.rendered.v1``; Documents
adopts the object into Drive (``drive.files.adopt``) and files an ``invoice`` document
linked to the invoice and its customer. The plugins only meet through their contracts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import nexus_documents
import nexus_drive
import nexus_finance
import pytest
from nexus.testing import (
    EventWorkerHarness,
    create_test_client,
    kernel_settings,
    make_tenant,
    migrated_database,
    outbox_events,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [nexus_finance, nexus_drive, nexus_documents]


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
