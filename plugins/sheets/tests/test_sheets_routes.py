"""The Sheets routes without collab loaded: what they check before asking it, and the 409."""

from __future__ import annotations

import nexus_sheets
from nexus.testing import load_test_plugins, make_tenant, plugin_findings

WORKBOOKS = "/api/v1/sheets/workbooks"


def test_the_doctor_finds_nothing():
    assert plugin_findings(load_test_plugins([nexus_sheets])) == []


def test_without_collab_creating_a_workbook_answers_409_naming_it(client, tenant):
    answer = client.post(WORKBOOKS, json={"name": "Budget"}, headers=tenant.headers)
    assert answer.status_code == 409, answer.text
    assert answer.json()["blocking"] == ["collab"]


def test_a_bad_sheet_name_answers_422_naming_it(client, tenant):
    answer = client.post(
        WORKBOOKS, json={"name": "Budget", "sheets": ["Ok", "no/slash"]}, headers=tenant.headers
    )
    assert answer.status_code == 422
    assert "sheets[1]" in answer.text


def test_an_import_that_is_not_a_workbook_answers_422_or_415(client, tenant):
    bad = client.post(
        f"{WORKBOOKS}/import?name=x",
        content=b"not a zip",
        headers={**tenant.headers, "Content-Type": "application/octet-stream"},
    )
    assert bad.status_code == 422 and "not an XLSX" in bad.text
    other = client.post(
        f"{WORKBOOKS}/import?name=x",
        content=b"{}",
        headers={**tenant.headers, "Content-Type": "application/json"},
    )
    assert other.status_code == 415


def test_a_key_without_the_write_scope_cannot_create(client, sheets_db):
    reader = make_tenant(sheets_db, scopes=("sheets.workbooks:read",))
    answer = client.post(WORKBOOKS, json={"name": "Budget"}, headers=reader.headers)
    assert answer.status_code == 403
