"""Pictures through Writer's routes: a DOCX import files them into Drive, exports embed the
ones the caller may open there, and a line names any other."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import docx
from writer_pictures import digest, docx_with_picture, png

BASE = "/api/v1/writer/documents"


def _member(client: Any, tenant: Any) -> tuple[str, dict[str, str]]:
    made = client.post(
        "/api/v1/api-keys", json={"name": "reader", "roles": ["member"]}, headers=tenant.headers
    ).json()
    return f"api_key:{made['api_key']['id']}", {"Authorization": f"Bearer {made['key']}"}


def _share(client: Any, tenant: Any, item_id: str, principal: str) -> None:
    answer = client.put(
        f"/api/v1/drive/items/{item_id}/shares",
        json={"principal": principal, "role": "viewer"},
        headers=tenant.headers,
    )
    assert answer.status_code < 300, answer.text


def _export(client: Any, headers: dict[str, str], file_id: str, kind: str) -> bytes:
    answer = client.get(f"{BASE}/{file_id}/export", params={"format": kind}, headers=headers)
    assert answer.status_code == 200, answer.text
    return bytes(answer.content)


def _pictures(docx_bytes: bytes) -> list[bytes]:
    document = docx.Document(io.BytesIO(docx_bytes))
    return [
        document.part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed].blob  # noqa: SLF001
        for shape in document.inline_shapes
    ]


def test_a_docx_import_files_its_picture_and_every_export_embeds_it(client, tenant):
    blob = png()
    made = client.post(
        f"{BASE}/import",
        files={"file": ("visit.docx", docx_with_picture(blob))},
        headers=tenant.headers,
    )
    assert made.status_code == 201, made.text
    file_id = made.json()["file_id"]

    markdown = _export(client, tenant.headers, file_id, "md").decode()
    picture_id = re.search(r"nexus-drive:([0-9a-f-]{36})", markdown)
    assert picture_id is not None, markdown
    content = client.get(f"/api/v1/drive/items/{picture_id[1]}/content", headers=tenant.headers)
    assert content.status_code == 200
    assert content.content == blob

    assert _pictures(_export(client, tenant.headers, file_id, "docx")) == [blob]
    odt = zipfile.ZipFile(io.BytesIO(_export(client, tenant.headers, file_id, "odt")))
    assert odt.read(f"Pictures/{digest(blob)}.png") == blob
    assert b"/Subtype /Image" in _export(client, tenant.headers, file_id, "pdf")


def test_a_reader_without_a_role_on_the_picture_gets_a_line_naming_it(client, tenant):
    blob = png(64, 64, "navy")
    made = client.post(
        f"{BASE}/import",
        files={"file": ("visit.docx", docx_with_picture(blob))},
        headers=tenant.headers,
    ).json()
    markdown = _export(client, tenant.headers, made["file_id"], "md").decode()
    picture_id = re.search(r"nexus-drive:([0-9a-f-]{36})", markdown)
    assert picture_id is not None
    principal, headers = _member(client, tenant)
    _share(client, tenant, made["file_id"], principal)

    shared = _export(client, headers, made["file_id"], "docx")
    assert _pictures(shared) == []
    assert f"Drive file {picture_id[1]}" in "\n".join(
        p.text for p in docx.Document(io.BytesIO(shared)).paragraphs
    )
    assert b"/Subtype /Image" not in _export(client, headers, made["file_id"], "pdf")

    _share(client, tenant, picture_id[1], principal)
    assert _pictures(_export(client, headers, made["file_id"], "docx")) == [blob]


def test_import_drive_files_a_docx_pictures_too(client, tenant):
    blob = png(32, 48, "olive")
    uploaded = client.post(
        "/api/v1/drive/files",
        params={"name": "visit.docx"},
        content=docx_with_picture(blob),
        headers={**tenant.headers, "Content-Type": "application/octet-stream"},
    )
    assert uploaded.status_code == 201, uploaded.text
    made = client.post(
        f"{BASE}/import-drive", json={"file_id": uploaded.json()["id"]}, headers=tenant.headers
    )
    assert made.status_code == 201, made.text
    assert _pictures(_export(client, tenant.headers, made.json()["file_id"], "docx")) == [blob]
