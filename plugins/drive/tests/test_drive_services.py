"""``drive.files.adopt`` and ``drive.files.get``: the services other plugins file documents with."""

from __future__ import annotations

import uuid
from typing import Any

from drive_helpers import adopt, call


def test_adopt_files_into_documents_and_get_answers_it(client: Any, tenant: Any) -> None:
    adopted = adopt(client, tenant)
    assert adopted["path"] == "/Finance/Invoices/INV-2026-0001.pdf"
    got = call(
        client, tenant, "drive.files.get", {"file_ids": [adopted["file_id"], str(uuid.uuid4())]}
    )
    [file] = got["files"]
    assert file["id"] == adopted["file_id"]
    assert file["version_id"] == adopted["version_id"]
    assert file["name"] == "INV-2026-0001.pdf"
    assert file["path"] == "/Finance/Invoices/INV-2026-0001.pdf"
    assert file["size"] == 5
    assert file["content_type"] == "application/pdf"
    assert file["trashed"] is False


def test_adopt_is_idempotent_per_source_ref_and_versions_a_new_blob(
    client: Any, tenant: Any
) -> None:
    first = adopt(client, tenant)
    again = adopt(client, tenant)
    assert again == first
    changed = adopt(client, tenant, blob_key="finance/invoices/1-v2.pdf", size=9)
    assert changed["file_id"] == first["file_id"]
    assert changed["version_id"] != first["version_id"]
    [file] = call(client, tenant, "drive.files.get", {"file_ids": [first["file_id"]]})["files"]
    assert file["version_id"] == changed["version_id"]
    assert file["size"] == 9


def test_a_second_document_with_the_same_name_gets_a_free_one(client: Any, tenant: Any) -> None:
    adopt(client, tenant)
    other = adopt(client, tenant, source_ref="finance.invoice:2", blob_key="finance/invoices/2.pdf")
    assert other["path"] == "/Finance/Invoices/INV-2026-0001 (2).pdf"


def test_a_free_name_stays_within_255_characters(client: Any, tenant: Any) -> None:
    long = "n" * 250 + ".pdf"  # 254 characters: " (2)" would take it past 255
    adopt(client, tenant, name=long)
    other = adopt(
        client, tenant, name=long, source_ref="finance.invoice:2", blob_key="finance/invoices/2.pdf"
    )
    assert other["path"].rsplit("/", 1)[1] == "n" * 247 + " (2).pdf"


def test_adopt_refuses_drive_keys_and_bad_names(client: Any, tenant: Any) -> None:
    refused = call(
        client,
        tenant,
        "drive.files.adopt",
        {
            "blob_key": "drive/x/y",
            "name": "a.pdf",
            "folder": "",
            "content_type": "application/pdf",
            "size": 1,
            "source_ref": "x",
        },
        status=409,
    )
    assert "Drive" in refused["detail"]
    bad = call(
        client,
        tenant,
        "drive.files.adopt",
        {
            "blob_key": "finance/x.pdf",
            "name": "a/b.pdf",
            "folder": "",
            "content_type": "application/pdf",
            "size": 1,
            "source_ref": "y",
        },
        status=422,
    )
    assert bad["status"] == 422


def test_another_tenant_gets_none_of_the_files(client: Any, tenant: Any, other: Any) -> None:
    adopted = adopt(client, tenant)
    got = call(client, other, "drive.files.get", {"file_ids": [adopted["file_id"]]})
    assert got == {"files": []}
    mine = adopt(client, other)
    assert mine["file_id"] != adopted["file_id"]
