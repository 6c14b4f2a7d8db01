"""CSV import with a per-row error report, and CSV export that imports back."""

from __future__ import annotations

import csv
import io

from crm_support import API, outbox

CSV = """first_name,last_name,email,phone,company,tags,notes,shoe_size
Ada,Lovelace,ada@example.com,+44 20 7946 0958,Analytical Ltd,vip;uk,"Likes engines, and poetry",38
Bad,Email,not-an-email,,,,,
,,,,,,,
Grace,Hopper,grace@example.com,+1 202-555-0143,Navy,vip,,
No,Phone,no.phone@example.com,12,,,,
,,missing@example.com,,,,,
"""


def _import(crm, tenant, text, **params):
    return crm.post(
        f"{API}/contacts/import",
        content=text.encode(),
        params=params,
        headers={**tenant.headers, "Content-Type": "text/csv"},
    )


def test_import_keeps_valid_rows_and_reports_the_others(crm, crm_db, tenant):
    response = _import(crm, tenant, CSV)

    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["created"], report["updated"], report["failed"]) == (2, 0, 3)
    assert report["ignored_columns"] == ["shoe_size"]
    assert [(e["row"], e["field"]) for e in report["errors"]] == [
        (3, "email"),
        (6, "phone"),
        (7, "last_name"),
    ]
    contacts = crm.get(f"{API}/contacts", headers=tenant.headers).json()["items"]
    assert [(c["last_name"], c["phone"]) for c in contacts] == [
        ("Lovelace", "+442079460958"),
        ("Hopper", "+12025550143"),
    ]
    assert contacts[0]["notes"] == "Likes engines, and poetry"
    tags = crm.get(f"{API}/tags", headers=tenant.headers).json()["items"]
    assert sorted(t["name"] for t in tags) == ["uk", "vip"]
    companies = crm.get(f"{API}/companies", headers=tenant.headers).json()["items"]
    assert sorted(c["name"] for c in companies) == ["Analytical Ltd", "Navy"]
    assert len(outbox(crm_db, tenant, "crm.contact.created.v1")) == 2
    assert len(outbox(crm_db, tenant, "crm.company.created.v1")) == 2


def test_dry_run_keeps_nothing(crm, crm_db, tenant):
    report = _import(crm, tenant, CSV, dry_run="true").json()

    assert (report["created"], report["failed"], report["dry_run"]) == (2, 3, True)
    assert crm.get(f"{API}/contacts", headers=tenant.headers).json()["items"] == []
    assert crm.get(f"{API}/companies", headers=tenant.headers).json()["items"] == []
    assert outbox(crm_db, tenant, "crm.contact.created.v1") == []


def test_multipart_upload(crm, tenant):
    response = crm.post(
        f"{API}/contacts/import",
        files={"file": ("contacts.csv", b"last_name,email\nCurie,marie@example.com\n", "text/csv")},
        headers=tenant.headers,
    )

    assert response.status_code == 200, response.text
    assert response.json()["created"] == 1


def test_a_file_without_last_name_is_refused_whole(crm, tenant):
    response = _import(crm, tenant, "name,email\nAda,ada@example.com\n")

    assert response.status_code == 422
    assert response.json()["errors"][0]["key"] == "last_name"
    wrong_type = crm.post(f"{API}/contacts/import", json={"last_name": "X"}, headers=tenant.headers)
    assert wrong_type.status_code == 415


def test_export_round_trip(crm, tenant, other):
    _import(crm, tenant, CSV)
    crm.post(f"{API}/contacts", json={"last_name": "=HYPERLINK()"}, headers=tenant.headers)

    exported = crm.get(f"{API}/contacts/export", headers=tenant.headers)

    assert exported.status_code == 200, exported.text
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [r["last_name"] for r in rows] == ["Lovelace", "Hopper", "'=HYPERLINK()"]
    assert rows[0]["company"] == "Analytical Ltd"
    assert rows[0]["tags"] == "uk;vip"
    assert rows[0]["phone"] == "+442079460958"

    # Into another tenant: every row creates a contact with the same fields.
    report = _import(crm, other, exported.text).json()
    assert (report["created"], report["updated"], report["failed"]) == (3, 0, 0)
    again = list(
        csv.DictReader(io.StringIO(crm.get(f"{API}/contacts/export", headers=other.headers).text))
    )
    fields = [k for k in rows[0] if k not in {"id", "company_id"}]
    assert [[r[k] for k in fields] for r in again] == [[r[k] for k in fields] for r in rows]

    # Back into the same tenant: rows with known ids update, nothing is duplicated.
    edited = exported.text.replace("Hopper", "Hopper-Murray")
    report = _import(crm, tenant, edited).json()
    assert (report["created"], report["updated"], report["failed"]) == (0, 3, 0)
    names = [
        c["last_name"] for c in crm.get(f"{API}/contacts", headers=tenant.headers).json()["items"]
    ]
    assert names == ["Lovelace", "Hopper-Murray", "=HYPERLINK()"]


def test_import_feature_off_answers_404(crm, tenant):
    switched = crm.put(
        "/api/v1/features/crm.import", json={"enabled": False}, headers=tenant.headers
    )
    assert switched.status_code == 200, switched.text

    assert _import(crm, tenant, "last_name\nX\n").status_code == 404
    assert crm.get(f"{API}/contacts/export", headers=tenant.headers).status_code == 200


def test_a_failed_row_leaves_no_company_or_tag_behind(crm, crm_db, tenant):
    text = "last_name,email,company,tags\nBroken,nope,Ghost Corp,ghost\n"

    report = _import(crm, tenant, text).json()

    assert (report["created"], report["failed"]) == (0, 1)
    assert crm.get(f"{API}/companies", headers=tenant.headers).json()["items"] == []
    assert crm.get(f"{API}/tags", headers=tenant.headers).json()["items"] == []
    assert outbox(crm_db, tenant, "crm.company.created.v1") == []


def test_rows_count_as_a_spreadsheet_does(crm, tenant):
    text = 'last_name,notes\nOne,"two\nlines"\nTwo,x\n,bad\n'

    report = _import(crm, tenant, text).json()

    assert report["created"] == 2
    assert [(e["row"], e["field"]) for e in report["errors"]] == [(4, "last_name")]


def test_nul_characters_fail_the_row_not_the_file(crm, tenant):
    report = _import(crm, tenant, "last_name\nGood\nBad\x00Name\n").json()

    assert (report["created"], report["failed"]) == (1, 1)
    assert report["errors"][0]["row"] == 3
