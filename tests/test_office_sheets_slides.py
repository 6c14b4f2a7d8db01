"""Sheets and Slides on the real Drive and Collab: a formula chain recalculated after an edit.

The edit comes as an editor's client sends it: a Yjs update of the workbook, persisted by
collab (here through ``collab.documents.apply``, called by a stand-in editor plugin as the
caller), which publishes ``collab.document.changed.v1``; Sheets' handler, run by the event
worker, reads the state, recalculates and applies only the changed values.
"""

from __future__ import annotations

import base64
import sys
from io import BytesIO
from typing import Any
from uuid import UUID

import asyncpg
import msgspec
import nexus_collab
import nexus_drive
import nexus_sheets
import nexus_slides
import pytest
from litestar import post
from litestar.params import JSONBody
from nexus.services import kernel_of
from nexus.testing import (
    EventWorkerHarness,
    create_test_client,
    make_tenant,
    migrated_database,
    outbox_events,
    run_sync,
)
from nexus_hookspecs import Manifest, Permission, hookimpl
from nexus_hookspecs.http import Context, Db, Services, route_opt
from nexus_sheets._model import decode_doc, set_cell
from nexus_slides._model import ElementView, add_element, slides_of
from nexus_slides._model import decode_doc as slides_doc
from openpyxl import Workbook, load_workbook
from PIL import Image
from pptx import Presentation
from pptx.util import Pt


class Call(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: str
    data: dict[str, Any]


@post("/call", opt=route_opt(permission="officeeditor.calls:write"), status_code=200)
async def call(data: JSONBody[Call], db: Db, services: Services, context: Context) -> Any:
    """Call a collab service as the caller, as an editor's client reaches collab."""
    async with db.transaction() as conn:
        body = {**data.data, "actor": context.actor}
        return await services.call(conn, data.name, body, result=dict[str, Any])


# The stand-in editor plugin is this module itself (its two hooks below): a module is what
# the kernel can name to the child process that migrates placed tenants' databases.
@hookimpl
def nexus_manifest() -> Manifest:
    return Manifest(
        name="officeeditor",
        version="0.0.1",
        title="Office editor stand-in",
        hookspecs=">=0.1.2,<0.2",
        permissions=(Permission(key="officeeditor.calls:write", roles=("tenant_admin", "member")),),
    )


@hookimpl
def nexus_routes(register: Any) -> None:
    register(call)


PLUGINS = [nexus_drive, nexus_collab, nexus_sheets, nexus_slides, sys.modules[__name__]]
WORKBOOKS = "/api/v1/sheets/workbooks"
DECKS = "/api/v1/slides/decks"


@pytest.fixture(scope="module")
def office_db(nexus_postgres_server: str):
    with migrated_database(nexus_postgres_server, PLUGINS) as url:
        yield url


@pytest.fixture(scope="module")
def client(office_db: str):
    with create_test_client(PLUGINS, database_url=office_db) as test_client:
        yield test_client


@pytest.fixture
def tenant(client, office_db):
    return make_tenant(office_db)


def _collab(client, tenant, name: str, **data: Any) -> dict[str, Any]:
    answer = client.post(
        "/api/v1/officeeditor/call", json={"name": name, "data": data}, headers=tenant.headers
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def _cells(client, tenant, file_id: str) -> dict[str, Any]:
    answer = client.get(f"{WORKBOOKS}/{file_id}", headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    return {ref: cell["value"] for ref, cell in answer.json()["sheets"][0]["cells"].items()}


def test_a_formula_chain_recalculates_after_an_edit_and_survives_xlsx(client, tenant, office_db):
    made = client.post(
        f"{WORKBOOKS}/import?name=Chain.csv",
        content=b"3,=A1*2,=B1+1,=C1*10\n",
        headers={**tenant.headers, "Content-Type": "text/csv"},
    )
    assert made.status_code == 201, made.text
    file_id = made.json()["id"]
    assert _cells(client, tenant, file_id) == {"A1": 3, "B1": 6, "C1": 7, "D1": 70}

    # an editor changes A1: a Yjs update of the document, persisted by collab
    state = _collab(client, tenant, "collab.documents.state", file_id=file_id)
    assert state["kind"] == "sheets"
    doc = decode_doc(state["state"])
    before = doc.get_state()
    set_cell(doc, "Sheet1", "A1", value=5)
    update = base64.b64encode(doc.get_update(before)).decode()
    with EventWorkerHarness(client) as worker:
        start = worker.handled["sheets"]
        _collab(client, tenant, "collab.documents.apply", file_id=file_id, update=update)
        worker.wait_handled("sheets", start + 1)
    assert _cells(client, tenant, file_id) == {"A1": 5, "B1": 10, "C1": 11, "D1": 110}
    [recalculated] = outbox_events(office_db, tenant, "sheets.workbook.recalculated.v1")
    assert recalculated.data == {"file_id": file_id, "changed": 3}

    # nothing left to change: a second pass applies nothing and announces nothing
    again = client.post(f"{WORKBOOKS}/{file_id}/recalculate", headers=tenant.headers)
    assert again.json() == {"file_id": file_id, "changed": 0}
    assert len(outbox_events(office_db, tenant, "sheets.workbook.recalculated.v1")) == 1

    exported = client.get(f"{WORKBOOKS}/{file_id}/export?format=xlsx", headers=tenant.headers)
    assert exported.status_code == 200
    sheet = load_workbook(BytesIO(exported.content))["Sheet1"]
    assert [sheet[ref].value for ref in ("A1", "B1", "C1", "D1")] == [5, "=A1*2", "=B1+1", "=C1*10"]
    back = client.post(
        f"{WORKBOOKS}/import?name=Chain.xlsx",
        content=exported.content,
        headers={**tenant.headers, "Content-Type": "application/octet-stream"},
    )
    assert _cells(client, tenant, back.json()["id"]) == {"A1": 5, "B1": 10, "C1": 11, "D1": 110}
    csv = client.get(f"{WORKBOOKS}/{file_id}/export?format=csv", headers=tenant.headers)
    assert csv.text == "5,10,11,110\r\n"


def test_another_tenants_workbook_is_404(client, tenant, office_db):
    made = client.post(
        WORKBOOKS, json={"name": "Mine", "sheets": ["A", "B"]}, headers=tenant.headers
    )
    assert made.status_code == 201, made.text
    assert made.json()["sheets"] == ["A", "B"]
    stranger = make_tenant(office_db)
    file_id = made.json()["id"]
    assert client.get(f"{WORKBOOKS}/{file_id}", headers=stranger.headers).status_code == 404
    listed = client.get(WORKBOOKS, headers=tenant.headers).json()
    assert [item["name"] for item in listed["items"]] == ["Mine"]
    assert client.get(WORKBOOKS, headers=stranger.headers).json()["items"] == []
    missing = client.get(
        f"{WORKBOOKS}/{file_id}/export?format=csv&sheet=Nope", headers=tenant.headers
    )
    assert missing.status_code == 422 and "sheet" in missing.text


def _pptx() -> bytes:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    box = slide.shapes.add_textbox(Pt(40), Pt(30), Pt(400), Pt(60))
    box.text_frame.text = "Quarterly review"
    picture = BytesIO()
    Image.new("RGB", (32, 24), (10, 120, 200)).save(picture, format="PNG")
    slide.shapes.add_picture(BytesIO(picture.getvalue()), Pt(100), Pt(120), Pt(160), Pt(120))
    slide.notes_slide.notes_text_frame.text = "Start with the numbers"
    second = prs.slides.add_slide(prs.slide_layouts[6])
    second.shapes.add_textbox(Pt(40), Pt(30), Pt(400), Pt(60)).text_frame.text = "Thanks"
    out = BytesIO()
    prs.save(out)
    return out.getvalue()


def test_a_deck_imported_from_pptx_presents_and_exports_its_picture(client, tenant, office_db):
    made = client.post(
        f"{DECKS}/import?name=Review",
        content=_pptx(),
        headers={**tenant.headers, "Content-Type": "application/octet-stream"},
    )
    assert made.status_code == 201, made.text
    file_id = made.json()["id"]
    present = client.get(f"{DECKS}/{file_id}/present", headers=tenant.headers).json()
    assert [(s["number"], s["notes"]) for s in present["slides"]] == [
        (1, "Start with the numbers"),
        (2, ""),
    ]
    text, image = present["slides"][0]["elements"]
    assert text["text"] == "Quarterly review" and image["type"] == "image"
    filed = client.get(f"/api/v1/drive/items/{image['image']}", headers=tenant.headers)
    assert filed.status_code == 200, filed.text  # the picture is filed in Drive
    assert filed.json()["name"].endswith(".png")
    exported = client.get(f"{DECKS}/{file_id}/export?format=pptx", headers=tenant.headers)
    pictures = [
        s for s in Presentation(BytesIO(exported.content)).slides[0].shapes if hasattr(s, "image")
    ]
    assert len(pictures) == 1
    pdf = client.get(f"{DECKS}/{file_id}/export?format=pdf", headers=tenant.headers)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    stranger = make_tenant(office_db)
    assert client.get(f"{DECKS}/{file_id}/present", headers=stranger.headers).status_code == 404
    assert [d["id"] for d in client.get(DECKS, headers=tenant.headers).json()["items"]] == [file_id]

    # an editor points the picture at an object Slides did not store (another plugin's,
    # which exists): exports never hand it over — they read the element's Drive file as
    # the caller instead (here the importer's own picture)
    original = client.get(f"/api/v1/drive/items/{image['image']}/content", headers=tenant.headers)
    picture = BytesIO()
    Image.new("RGB", (8, 8), (0, 0, 0)).save(picture, format="PNG")
    store = kernel_of(client.app).blobs.for_tenant(tenant.id)
    run_sync(store.put("finance/invoices/secret.png", picture.getvalue(), content_type="image/png"))
    state = _collab(client, tenant, "collab.documents.state", file_id=file_id)
    doc = slides_doc(state["state"])
    before = doc.get_state()
    with doc.transaction():
        slides_of(doc)[0]["elements"][1]["image_key"] = "finance/invoices/secret.png"
    update = base64.b64encode(doc.get_update(before)).decode()
    _collab(client, tenant, "collab.documents.apply", file_id=file_id, update=update)
    exported = client.get(f"{DECKS}/{file_id}/export?format=pptx", headers=tenant.headers)
    shapes = Presentation(BytesIO(exported.content)).slides[0].shapes
    assert [s.image.blob for s in shapes if hasattr(s, "image")] == [original.content]


def test_a_picture_placed_from_drive_exports_only_for_who_may_open_it(client, tenant, office_db):
    picture = BytesIO()
    Image.new("RGB", (40, 30), (200, 40, 40)).save(picture, format="PNG")
    uploaded = client.post(
        "/api/v1/drive/files",
        params={"name": "logo.png"},
        content=picture.getvalue(),
        headers={**tenant.headers, "Content-Type": "image/png"},
    )
    assert uploaded.status_code == 201, uploaded.text
    made = client.post(DECKS, json={"name": "Pitch"}, headers=tenant.headers).json()
    state = _collab(client, tenant, "collab.documents.state", file_id=made["id"])
    doc = slides_doc(state["state"])
    before = doc.get_state()
    element = ElementView(id="p1", type="image", image=uploaded.json()["id"],
                          x=10, y=10, w=200, h=150)  # fmt: skip
    add_element(doc, 0, element)
    update = base64.b64encode(doc.get_update(before)).decode()
    _collab(client, tenant, "collab.documents.apply", file_id=made["id"], update=update)

    exported = client.get(f"{DECKS}/{made['id']}/export?format=pptx", headers=tenant.headers)
    shapes = Presentation(BytesIO(exported.content)).slides[0].shapes
    assert [s.image.blob for s in shapes if hasattr(s, "image")] == [picture.getvalue()]
    pdf = client.get(f"{DECKS}/{made['id']}/export?format=pdf", headers=tenant.headers)
    assert b"/Subtype /Image" in pdf.content

    key = client.post(
        "/api/v1/api-keys", json={"name": "v", "roles": ["member"]}, headers=tenant.headers
    ).json()
    shared = client.put(
        f"/api/v1/drive/items/{made['id']}/shares",
        json={"principal": f"api_key:{key['api_key']['id']}", "role": "viewer"},
        headers=tenant.headers,
    )
    assert shared.status_code < 300, shared.text
    viewer = {"Authorization": f"Bearer {key['key']}"}
    exported = client.get(f"{DECKS}/{made['id']}/export?format=pptx", headers=viewer)
    assert exported.status_code == 200, exported.text
    shapes = Presentation(BytesIO(exported.content)).slides[0].shapes
    assert not [s for s in shapes if hasattr(s, "image")]  # no role on the picture itself


def _in_drive(client, tenant, name: str, content: bytes) -> str:
    made = client.post(
        "/api/v1/drive/files",
        params={"name": name},
        content=content,
        headers={**tenant.headers, "Content-Type": "application/octet-stream"},
    )
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def _quarantine(office_db: str, file_id: str) -> None:
    async def run() -> None:
        conn = await asyncpg.connect(office_db)
        try:
            await conn.execute(
                "update drive_item set quarantined_at = now(), quarantine_reason = 'test' "
                "where id = $1",
                UUID(file_id),
            )
        finally:
            await conn.close()

    run_sync(run())


def test_sheets_import_xlsx_and_csv_from_drive_by_id(client, tenant, office_db):
    book = Workbook()
    book.active.title = "Budget"
    book.active["A1"], book.active["A2"], book.active["A3"] = 2, 3, "=A1*A2"
    xlsx = BytesIO()
    book.save(xlsx)
    xlsx_id = _in_drive(client, tenant, "Budget 2027.xlsx", xlsx.getvalue())
    into = f"{WORKBOOKS}/import-drive"
    made = client.post(into, json={"file_id": xlsx_id}, headers=tenant.headers)
    assert made.status_code == 201, made.text
    assert made.json()["name"] == "Budget 2027" and made.json()["sheets"] == ["Budget"]
    assert _cells(client, tenant, made.json()["id"])["A3"] == 6

    csv_id = _in_drive(client, tenant, "numbers.csv", b"a,b\n1,2\n")
    named = client.post(into, json={"file_id": csv_id, "name": "N"}, headers=tenant.headers)
    assert named.status_code == 201, named.text
    assert named.json()["name"] == "N"
    assert _cells(client, tenant, named.json()["id"])["B2"] == 2

    for name, content in (("notes.txt", b"hi"), ("broken.xlsx", b"PK not a zip")):
        refused = client.post(
            into, json={"file_id": _in_drive(client, tenant, name, content)},
            headers=tenant.headers,
        )  # fmt: skip
        assert refused.status_code == 422, refused.text
        assert "file_id" in refused.text
    stranger = make_tenant(office_db)
    assert client.post(into, json={"file_id": xlsx_id}, headers=stranger.headers).status_code == 404
    _quarantine(office_db, csv_id)
    assert client.post(into, json={"file_id": csv_id}, headers=tenant.headers).status_code == 409


def test_slides_import_pptx_from_drive_by_id(client, tenant, office_db):
    pptx_id = _in_drive(client, tenant, "Review.pptx", _pptx())
    into = f"{DECKS}/import-drive"
    made = client.post(into, json={"file_id": pptx_id}, headers=tenant.headers)
    assert made.status_code == 201, made.text
    assert made.json()["name"] == "Review" and made.json()["slides"] == 2
    exported = client.get(f"{DECKS}/{made.json()['id']}/export", headers=tenant.headers)
    shapes = Presentation(BytesIO(exported.content)).slides[0].shapes
    assert len([s for s in shapes if hasattr(s, "image")]) == 1

    for name, content in (("deck.xlsx", b"PK"), ("broken.pptx", b"PK not a zip")):
        refused = client.post(
            into, json={"file_id": _in_drive(client, tenant, name, content)},
            headers=tenant.headers,
        )  # fmt: skip
        assert refused.status_code == 422, refused.text
        assert "file_id" in refused.text
    key = client.post(
        "/api/v1/api-keys", json={"name": "m", "roles": ["member"]}, headers=tenant.headers
    ).json()
    member = {"Authorization": f"Bearer {key['key']}"}
    assert client.post(into, json={"file_id": pptx_id}, headers=member).status_code == 404
    stranger = make_tenant(office_db)
    assert client.post(into, json={"file_id": pptx_id}, headers=stranger.headers).status_code == 404
    _quarantine(office_db, pptx_id)
    assert client.post(into, json={"file_id": pptx_id}, headers=tenant.headers).status_code == 409
