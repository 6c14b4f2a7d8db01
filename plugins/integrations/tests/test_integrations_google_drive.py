"""Issue #30's Google Drive import: My Drive's files (Google's documents exported as .docx)
into the shared drive "Documents", then only Drive's changes (``changes.list`` from the page
token): a new content is a new version, a re-run downloads and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from google_drive_fake import DOC
from google_fake import FakeGoogle
from google_steps import CONTACTS, DRIVE_SCOPE, authorize, connect, ok, run
from nexus.testing import run_sync, tenant_transaction

DRIVE = "/api/v1/drive"


@pytest.fixture
def google() -> Any:
    with FakeGoogle() as fake:
        fake.drive.add("Plan.pdf", b"%PDF-1.4 the plan")
        fake.drive.add("Minutes", b"PK docx of the minutes", DOC)
        fake.drive.add("Flyer.pdf", b"%PDF-1.4 old flyer")
        fake.drive.trash(next(iter(fake.drive.by_name("Flyer.pdf"))))
        yield fake


async def _documents_drive(database_url: str, tenant: Any) -> Any:
    async with tenant_transaction(database_url, tenant) as conn:
        return await conn.fetchval("select id from drive_drive where purpose = 'documents'")


def imported(client: Any, tenant: Any, database_url: str) -> dict[str, Any]:
    """The files in Documents/Google Drive by name (none when the folder is not there).

    The caller joins the shared drive "Documents" first: it has no members of its own.
    """
    documents = run_sync(_documents_drive(database_url, tenant))
    if documents is None:
        return {}
    me = ok(client.get(f"{DRIVE}/drives", headers=tenant.headers))[0]["owner"]
    member = {"principal": me, "role": "viewer"}
    ok(client.put(f"{DRIVE}/drives/{documents}/members", json=member, headers=tenant.headers))
    top = ok(client.get(f"{DRIVE}/drives/{documents}/items", headers=tenant.headers))
    folder = [i for i in top if i["name"] == "Google Drive"]
    if not folder:
        return {}
    url = f"{DRIVE}/items/{folder[0]['id']}/children"
    return {i["name"]: i for i in ok(client.get(url, headers=tenant.headers))}


def content(client: Any, tenant: Any, item: dict[str, Any]) -> bytes:
    answer = client.get(f"{DRIVE}/items/{item['id']}/content", headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    return bytes(answer.content)


def test_google_drive_files_are_imported_then_only_changes_follow(
    client: Any, tenant: Any, google: FakeGoogle, integrations_db: str
) -> None:
    connection = connect(
        client, tenant, google, drive=True, drive_api_url=f"{google.base_url}/drive/v3/"
    )
    authorize(client, tenant, connection, scopes=(CONTACTS, DRIVE_SCOPE))

    dry = run(client, tenant, connection, dry_run=True)
    assert dry["files"]["create"] == 2
    assert imported(client, tenant, integrations_db) == {}

    first = run(client, tenant, connection)
    assert first["files"] == {"create": 2, "update": 0, "unchanged": 0, "conflict": 0}
    files = imported(client, tenant, integrations_db)
    assert set(files) == {"Plan.pdf", "Minutes.docx"}  # the trashed flyer is left out
    assert content(client, tenant, files["Plan.pdf"]) == b"%PDF-1.4 the plan"
    assert content(client, tenant, files["Minutes.docx"]) == b"PK docx of the minutes"

    # Only what changed since the page token is read, and downloaded.
    downloads = google.drive.downloads
    assert all(c["create"] == c["update"] == 0 for c in run(client, tenant, connection).values())
    assert google.drive.downloads == downloads

    [plan] = google.drive.by_name("Plan.pdf")
    google.drive.write(plan, b"%PDF-1.4 the plan, second edition")
    google.drive.add("Budget.pdf", b"%PDF-1.4 numbers")
    later = run(client, tenant, connection)
    assert later["files"] == {"create": 1, "update": 1, "unchanged": 0, "conflict": 0}
    assert google.drive.downloads == downloads + 2
    files = imported(client, tenant, integrations_db)
    assert set(files) == {"Plan.pdf", "Minutes.docx", "Budget.pdf"}
    assert content(client, tenant, files["Plan.pdf"]) == b"%PDF-1.4 the plan, second edition"
    versions = ok(
        client.get(f"{DRIVE}/items/{files['Plan.pdf']['id']}/versions", headers=tenant.headers)
    )
    assert len(versions) == 2

    # A full re-import (no cursor) downloads again, and changes nothing.
    url = f"/api/v1/integrations/connections/{connection}/imports"
    full = ok(client.post(url, json={"full": True}, headers=tenant.headers), 201)
    counts = full["report"]["counts"]["files"]
    assert counts == {"create": 0, "update": 0, "unchanged": 3, "conflict": 0}
    assert len(imported(client, tenant, integrations_db)) == 3
