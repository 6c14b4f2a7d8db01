"""Writer's routes: create, list, import and export, with Drive's roles and tenants."""

from __future__ import annotations

from typing import Any

from nexus.testing import make_tenant
from nexus_writer._docx import from_docx, to_docx
from nexus_writer._markdown import from_markdown, to_markdown
from nexus_writer._odt import to_odt
from nexus_writer._odt_in import from_odt
from writer_samples import SAMPLE

BASE = "/api/v1/writer/documents"


def _import(client: Any, headers: dict[str, str], filename: str, data: bytes) -> Any:
    return client.post(
        f"{BASE}/import", files={"file": (filename, data)}, data={"name": "Plan"}, headers=headers
    )


def test_import_markdown_then_export_every_format(client, tenant):
    made = _import(client, tenant.headers, "plan.md", to_markdown(SAMPLE).encode())
    assert made.status_code == 201, made.text
    file_id = made.json()["file_id"]
    assert made.json()["name"] == "Plan"

    md = client.get(f"{BASE}/{file_id}/export", params={"format": "md"}, headers=tenant.headers)
    assert md.status_code == 200
    assert md.headers["content-type"].startswith("text/markdown")
    assert from_markdown(md.text) == SAMPLE

    docx = client.get(f"{BASE}/{file_id}/export", headers=tenant.headers)
    assert docx.headers["content-disposition"] == (
        "attachment; filename=\"Plan.docx\"; filename*=UTF-8''Plan.docx"
    )
    assert from_docx(docx.content) == SAMPLE
    odt = client.get(f"{BASE}/{file_id}/export", params={"format": "odt"}, headers=tenant.headers)
    assert from_odt(odt.content) == SAMPLE
    pdf = client.get(f"{BASE}/{file_id}/export", params={"format": "pdf"}, headers=tenant.headers)
    assert pdf.content.startswith(b"%PDF-")
    bad = client.get(f"{BASE}/{file_id}/export", params={"format": "rtf"}, headers=tenant.headers)
    assert bad.status_code in (400, 422)


def test_a_name_in_any_script_exports_with_its_name_encoded(client, tenant):
    made = client.post(BASE, json={"name": "Plan d’été 计划"}, headers=tenant.headers)
    assert made.status_code == 201, made.text
    docx = client.get(f"{BASE}/{made.json()['file_id']}/export", headers=tenant.headers)
    assert docx.status_code == 200
    assert docx.headers["content-disposition"] == (
        'attachment; filename="Plan d__t_ __.docx"; '
        "filename*=UTF-8''Plan%20d%E2%80%99%C3%A9t%C3%A9%20%E8%AE%A1%E5%88%92.docx"
    )


def test_import_docx_and_list(client, tenant):
    made = _import(client, tenant.headers, "report.docx", to_docx(SAMPLE))
    assert made.status_code == 201, made.text
    empty = client.post(BASE, json={"name": "Blank"}, headers=tenant.headers)
    assert empty.status_code == 201
    listed = client.get(BASE, headers=tenant.headers).json()
    assert {d["file_id"] for d in listed} >= {made.json()["file_id"], empty.json()["file_id"]}
    blank = client.get(
        f"{BASE}/{empty.json()['file_id']}/export", params={"format": "md"}, headers=tenant.headers
    )
    assert blank.text == "\n"


def test_unreadable_or_unknown_files_are_422_naming_the_file(client, tenant):
    unknown = _import(client, tenant.headers, "notes.txt", b"hello")
    assert unknown.status_code == 422
    assert "file" in unknown.text
    broken = _import(client, tenant.headers, "broken.docx", b"not a zip")
    assert broken.status_code == 422
    assert "file" in broken.text
    missing = client.post(f"{BASE}/import", data={"name": "x"}, headers=tenant.headers)
    assert missing.status_code in (400, 415, 422)


def test_another_tenants_document_is_404_and_not_listed(client, tenant, writer_db):
    other = make_tenant(writer_db)
    made = client.post(BASE, json={"name": "Secret"}, headers=tenant.headers).json()
    answer = client.get(f"{BASE}/{made['file_id']}/export", headers=other.headers)
    assert answer.status_code == 404
    assert client.get(BASE, headers=other.headers).json() == []


def test_a_member_without_a_share_neither_lists_nor_exports(client, tenant):
    made = client.post(BASE, json={"name": "Mine"}, headers=tenant.headers).json()
    key = client.post(
        "/api/v1/api-keys", json={"name": "m", "roles": ["member"]}, headers=tenant.headers
    ).json()
    headers = {"Authorization": f"Bearer {key['key']}"}
    assert made["file_id"] not in {d["file_id"] for d in client.get(BASE, headers=headers).json()}
    assert client.get(f"{BASE}/{made['file_id']}/export", headers=headers).status_code == 404


def test_import_odt_gives_the_document_and_a_broken_one_is_422(client, tenant):
    made = _import(client, tenant.headers, "plan.odt", to_odt(SAMPLE))
    assert made.status_code == 201, made.text
    file_id = made.json()["file_id"]
    docx = client.get(f"{BASE}/{file_id}/export", headers=tenant.headers)
    assert from_docx(docx.content) == SAMPLE
    broken = _import(client, tenant.headers, "plan.odt", b"PK not a zip")
    assert broken.status_code == 422
    assert "file" in broken.text


def _in_drive(client: Any, tenant: Any, name: str, content: bytes) -> str:
    made = client.post(
        "/api/v1/drive/files",
        params={"name": name},
        content=content,
        headers={**tenant.headers, "Content-Type": "application/octet-stream"},
    )
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def test_import_a_drive_file_by_id_and_another_tenant_gets_404(client, tenant, writer_db):
    odt_id = _in_drive(client, tenant, "Board notes.odt", to_odt(SAMPLE))
    made = client.post(f"{BASE}/import-drive", json={"file_id": odt_id}, headers=tenant.headers)
    assert made.status_code == 201, made.text
    assert made.json()["name"] == "Board notes"
    docx = client.get(f"{BASE}/{made.json()['file_id']}/export", headers=tenant.headers)
    assert from_docx(docx.content) == SAMPLE

    md_id = _in_drive(client, tenant, "plan.md", to_markdown(SAMPLE).encode())
    named = client.post(
        f"{BASE}/import-drive", json={"file_id": md_id, "name": "Plan B"}, headers=tenant.headers
    )
    assert named.status_code == 201, named.text
    assert named.json()["name"] == "Plan B"

    text_id = _in_drive(client, tenant, "notes.txt", b"hello")
    refused = client.post(f"{BASE}/import-drive", json={"file_id": text_id}, headers=tenant.headers)
    assert refused.status_code == 422
    assert "file_id" in refused.text
    other = make_tenant(writer_db)
    hidden = client.post(f"{BASE}/import-drive", json={"file_id": odt_id}, headers=other.headers)
    assert hidden.status_code == 404
