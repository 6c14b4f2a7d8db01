"""Documents over Drive files: types, metadata checked per field, tags, links, filters."""

from __future__ import annotations

import uuid
from typing import Any

from documents_helpers import (
    API,
    document,
    drive_file,
    error_keys,
    get,
    ok,
    post,
    problem,
)
from nexus.testing import outbox_events
from nexus_documents._events import DOCUMENT_CREATED


def test_a_tenant_starts_with_the_default_types(client: Any, tenant: Any) -> None:
    keys = [t["key"] for t in get(client, tenant, "/types")["items"]]
    assert keys == ["general", "contract", "invoice", "payslip"]


def test_a_document_over_a_drive_file_keeps_what_drive_said(
    client: Any, tenant: Any, documents_db: str
) -> None:
    file_id = drive_file(client, tenant, "lease.pdf")
    deal = str(uuid.uuid4())
    made = document(
        client,
        tenant,
        drive_file_id=file_id,
        tags=["Lease", "office", "lease"],
        links=[{"record_type": "crm.deal", "record_id": deal}],
        metadata={
            "counterparty": "Harbour Estates Ltd",
            "ends_on": "2030-12-31",
            "value": {"amount": "48000.00", "currency": "EUR"},
        },
    )
    assert made["file"] == {
        "id": file_id,
        "name": "lease.pdf",
        "path": "/My Drive/lease.pdf",
        "content_type": "application/pdf",
        "size": 1024,
        "trashed": False,
    }
    assert made["tags"] == ["lease", "office"]
    assert made["retain_until"] == "2036-12-31"  # 6 years after ends_on
    assert [(link["record_type"], link["record_id"]) for link in made["links"]] == [
        ("crm.deal", deal)
    ]
    assert made["metadata"]["value"] == {"amount": "48000.00", "currency": "EUR"}
    [event] = outbox_events(documents_db, tenant, DOCUMENT_CREATED.type)
    assert event.data["document_id"] == made["id"]
    assert event.data["links"] == [{"record_type": "crm.deal", "record_id": deal}]
    assert (
        get(client, tenant, f"/records/crm.deal/{deal}/documents")["items"][0]["id"] == made["id"]
    )


def test_an_unknown_or_trashed_drive_file_is_refused(client: Any, tenant: Any, other: Any) -> None:
    theirs = drive_file(client, other)
    refused = problem(
        client.post(
            f"{API}/documents",
            json={"type": "general", "title": "Not mine", "drive_file_id": theirs},
            headers=tenant.headers,
        ),
        422,
    )
    assert error_keys(refused) == {"drive_file_id"}


def test_metadata_is_checked_against_the_type_naming_every_field(client: Any, tenant: Any) -> None:
    made = post(
        client,
        tenant,
        "/types",
        {
            "name": "Non-disclosure agreement",
            "fields": [
                {"name": "counterparty", "kind": "text", "required": True},
                {"name": "signed_on", "kind": "date", "required": True},
                {"name": "scope", "kind": "choice", "choices": ["mutual", "one-way"]},
                {"name": "penalty", "kind": "money"},
                {"name": "term_years", "kind": "number"},
                {"name": "auto_renews", "kind": "bool"},
            ],
        },
    )
    assert made["key"] == "non_disclosure_agreement"
    bad = {
        "signed_on": "31/12/2026",
        "scope": "both",
        "penalty": {"amount": "1e3", "currency": "EUR"},
        "term_years": "two",
        "auto_renews": "yes",
        "colour": "blue",
    }
    refused = problem(
        client.post(
            f"{API}/documents",
            json={"type": made["key"], "title": "NDA", "metadata": bad},
            headers=tenant.headers,
        ),
        422,
    )
    assert error_keys(refused) == {
        "metadata.counterparty",
        "metadata.signed_on",
        "metadata.scope",
        "metadata.penalty",
        "metadata.term_years",
        "metadata.auto_renews",
        "metadata.colour",
    }
    currency = problem(
        client.post(
            f"{API}/documents",
            json={
                "type": made["key"],
                "title": "NDA",
                "metadata": {
                    "counterparty": "Acme",
                    "signed_on": "2026-03-01",
                    "penalty": {"amount": "1000", "currency": "XXY"},
                },
            },
            headers=tenant.headers,
        ),
        422,
    )
    assert error_keys(currency) == {"metadata.penalty"}
    good = document(
        client,
        tenant,
        type=made["key"],
        metadata={
            "counterparty": "Acme",
            "signed_on": "2026-03-01",
            "scope": "mutual",
            "term_years": 2,
            "auto_renews": False,
        },
    )
    assert good["metadata"] == {
        "counterparty": "Acme",
        "signed_on": "2026-03-01",
        "scope": "mutual",
        "term_years": "2",
        "auto_renews": False,
    }
    assert good["file"] is None


def test_a_type_refuses_bad_field_definitions(client: Any, tenant: Any) -> None:
    refused = problem(
        client.post(
            f"{API}/types",
            json={
                "name": "Odd",
                "fields": [
                    {"name": "a", "kind": "choice"},
                    {"name": "a", "kind": "text", "choices": ["x"]},
                ],
                "retention": {"period": 1, "unit": "years", "after": "a"},
            },
            headers=tenant.headers,
        ),
        422,
    )
    assert error_keys(refused) == {
        "fields[0].choices",
        "fields[1].name",
        "fields[1].choices",
        "retention.after",
    }
    problem(
        client.post(
            f"{API}/types", json={"name": "Again", "key": "contract"}, headers=tenant.headers
        ),
        409,
    )


def test_patch_merges_metadata_and_unknown_type_is_named(client: Any, tenant: Any) -> None:
    made = document(client, tenant, metadata={"counterparty": "Acme", "ends_on": "2027-01-31"})
    changed = ok(
        client.patch(
            f"{API}/documents/{made['id']}",
            json={"metadata": {"ends_on": None, "starts_on": "2026-02-01"}, "tags": ["x"]},
            headers=tenant.headers,
        )
    )
    assert changed["metadata"] == {"counterparty": "Acme", "starts_on": "2026-02-01"}
    assert changed["tags"] == ["x"]
    refused = problem(
        client.patch(
            f"{API}/documents/{made['id']}",
            json={"metadata": {"counterparty": None}},
            headers=tenant.headers,
        ),
        422,
    )
    assert error_keys(refused) == {"metadata.counterparty"}
    unknown = problem(
        client.post(
            f"{API}/documents", json={"type": "nope", "title": "X"}, headers=tenant.headers
        ),
        422,
    )
    assert error_keys(unknown) == {"type"}


def test_filters_links_and_tags(client: Any, tenant: Any) -> None:
    employee = str(uuid.uuid4())
    first = document(client, tenant, title="Employment contract Ada", tags=["hr"])
    second = document(client, tenant, title="Lease", tags=["office"])
    link = post(
        client,
        tenant,
        f"/documents/{first['id']}/links",
        {"record_type": "hr.employee", "record_id": employee},
    )
    again = post(
        client,
        tenant,
        f"/documents/{first['id']}/links",
        {"record_type": "hr.employee", "record_id": employee},
    )
    assert again["id"] == link["id"]
    of_employee = get(client, tenant, "/documents", record_type="hr.employee", record_id=employee)
    assert [d["id"] for d in of_employee["items"]] == [first["id"]]
    assert [d["id"] for d in get(client, tenant, "/documents", tag="office")["items"]] == [
        second["id"]
    ]
    assert [d["id"] for d in get(client, tenant, "/documents", q="ada")["items"]] == [first["id"]]
    assert get(client, tenant, "/tags") == [
        {"tag": "hr", "documents": 1},
        {"tag": "office", "documents": 1},
    ]
    ok(
        client.delete(f"{API}/documents/{first['id']}/links/{link['id']}", headers=tenant.headers),
        204,
    )
    assert get(client, tenant, f"/records/hr.employee/{employee}/documents")["items"] == []


def test_another_tenant_sees_none_of_it(client: Any, tenant: Any, other: Any) -> None:
    made = document(client, tenant)
    assert client.get(f"{API}/documents/{made['id']}", headers=other.headers).status_code == 404
    assert get(client, other, "/documents")["items"] == []
    link = {"record_type": "crm.deal", "record_id": str(uuid.uuid4())}
    problem(
        client.post(f"{API}/documents/{made['id']}/links", json=link, headers=other.headers), 404
    )
    assert get(client, tenant, f"/documents/{made['id']}")["links"] == []


def test_search_words_are_literal_and_metadata_text_is_clean(client: Any, tenant: Any) -> None:
    made = document(client, tenant, title="50% off_season \\ lease")
    for q in ("50%", "off_season", "\\", "%"):
        found = get(client, tenant, "/documents", q=q)["items"]
        assert [d["id"] for d in found] == [made["id"]], q
    assert get(client, tenant, "/documents", q="5_%")["items"] == []
    refused = problem(
        client.post(
            f"{API}/documents",
            json={"type": "contract", "title": "X", "metadata": {"counterparty": "Acme\u202e"}},
            headers=tenant.headers,
        ),
        422,
    )
    assert error_keys(refused) == {"metadata.counterparty"}
