"""Retention: documents past their type's period expire and their files go to the trash,
unless on legal hold."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import partial
from typing import Any
from uuid import UUID

import msgspec
import nexus_documents
from documents_fakes import FILES
from documents_helpers import API, document, drive_file, get, ok, post, problem
from nexus.testing import outbox_events
from nexus_documents._events import DOCUMENT_EXPIRED
from nexus_documents._sweep import sweep

RULE = {"period": 30, "unit": "days", "after": "signed_on"}


def _short_lived(client: Any, tenant: Any) -> str:
    made = post(
        client,
        tenant,
        "/types",
        {
            "name": "Visitor log",
            "fields": [{"name": "signed_on", "kind": "date"}],
            "retention": RULE,
        },
    )
    key: str = made["key"]
    return key


def _sweep(client: Any, tenant: Any) -> dict[str, Any]:
    result: dict[str, Any] = post(client, tenant, "/retention/sweep", status=200)
    return result


def test_retain_until_follows_the_date_field_or_the_creation(client: Any, tenant: Any) -> None:
    key = _short_lived(client, tenant)
    dated = document(client, tenant, type=key, metadata={"signed_on": "2024-02-29"})
    undated = document(client, tenant, type=key, metadata={})
    assert dated["retain_until"] == "2024-03-30"
    created = datetime.fromisoformat(undated["created_at"]).astimezone(UTC).date()
    assert date.fromisoformat(undated["retain_until"]) == created.fromordinal(
        created.toordinal() + 30
    )
    # Changing the rule recomputes every document of the type; years keep the day.
    type_id = dated["type_id"]
    ok(
        client.patch(
            f"{API}/types/{type_id}",
            json={"retention": {"period": 1, "unit": "years", "after": "signed_on"}},
            headers=tenant.headers,
        )
    )
    assert get(client, tenant, f"/documents/{dated['id']}")["retain_until"] == "2025-02-28"
    ok(client.patch(f"{API}/types/{type_id}", json={"retention": None}, headers=tenant.headers))
    assert get(client, tenant, f"/documents/{dated['id']}")["retain_until"] is None


def test_the_sweep_expires_and_trashes_but_spares_legal_holds(
    client: Any, tenant: Any, documents_db: str
) -> None:
    key = _short_lived(client, tenant)
    old = {"signed_on": "2020-01-01"}
    gone = document(
        client, tenant, type=key, metadata=old, drive_file_id=drive_file(client, tenant)
    )
    held = document(
        client, tenant, type=key, metadata=old, drive_file_id=drive_file(client, tenant)
    )
    young = document(client, tenant, type=key, metadata={"signed_on": date.today().isoformat()})
    ok(
        client.put(
            f"{API}/documents/{held['id']}/hold",
            json={"legal_hold": True, "reason": "Litigation 2026-117"},
            headers=tenant.headers,
        )
    )
    problem(client.delete(f"{API}/documents/{held['id']}", headers=tenant.headers), 409)

    result = _sweep(client, tenant)
    assert (result["expired"], result["files_trashed"], result["held"]) == (1, 1, 1)
    files = FILES[tenant.id]
    assert files[UUID(gone["file"]["id"])].trashed
    assert not files[UUID(held["file"]["id"])].trashed
    expired = get(client, tenant, f"/documents/{gone['id']}")
    assert expired["status"] == "expired" and expired["expired_at"] is not None
    assert get(client, tenant, f"/documents/{held['id']}")["status"] == "active"
    assert get(client, tenant, f"/documents/{young['id']}")["status"] == "active"
    problem(
        client.patch(f"{API}/documents/{gone['id']}", json={"title": "x"}, headers=tenant.headers),
        409,
    )
    [event] = outbox_events(documents_db, tenant, DOCUMENT_EXPIRED.type)
    assert event.data == {
        "document_id": gone["id"],
        "retain_until": "2020-01-31",
        "drive_file_id": gone["file"]["id"],
        "file_trashed": True,
    }
    msgspec.convert(event.data, DOCUMENT_EXPIRED.payload, strict=False)
    assert _sweep(client, tenant)["expired"] == 0  # each document expires once

    # Released, the hold no longer protects it.
    released = ok(
        client.put(
            f"{API}/documents/{held['id']}/hold", json={"legal_hold": False}, headers=tenant.headers
        )
    )
    assert released["legal_hold"] is False and released["hold_reason"] is None
    assert _sweep(client, tenant)["expired"] == 1
    assert files[UUID(held["file"]["id"])].trashed


def test_the_background_sweep_covers_every_tenant(client: Any, tenant: Any, other: Any) -> None:
    mine = document(
        client, tenant, type=_short_lived(client, tenant), metadata={"signed_on": "2020-01-01"}
    )
    theirs = document(
        client, other, type=_short_lived(client, other), metadata={"signed_on": "2020-01-01"}
    )
    work = nexus_documents.SWEEPER.work
    assert work is not None  # nexus_background handed the plugin its port
    expired = client.blocking_portal.call(partial(sweep, work, date.today()))
    assert expired >= 2
    assert get(client, tenant, f"/documents/{mine['id']}")["status"] == "expired"
    assert get(client, other, f"/documents/{theirs['id']}")["status"] == "expired"


def test_a_type_with_documents_cannot_be_deleted(client: Any, tenant: Any) -> None:
    key = _short_lived(client, tenant)
    made = document(client, tenant, type=key, metadata={})
    problem(client.delete(f"{API}/types/{made['type_id']}", headers=tenant.headers), 409)
    ok(client.delete(f"{API}/documents/{made['id']}", headers=tenant.headers), 204)
    ok(client.delete(f"{API}/types/{made['type_id']}", headers=tenant.headers), 204)
