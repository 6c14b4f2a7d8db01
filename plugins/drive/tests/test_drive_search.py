"""After commit, Drive's handler extracts text (PDF, DOCX, XLSX, PPTX, plain text) into
full-text search, makes previews, and runs the virus scanners (EICAR quarantined)."""

from __future__ import annotations

import io
import sys
from typing import Any

import docx
import drive_scanner
import openpyxl
from drive_helpers import API, adopt, call, folder, me, member, ok, problem, put_blob, upload
from nexus.testing import EventWorkerHarness
from nexus_drive.hooks import plugin_manager
from PIL import Image
from pptx import Presentation
from pptx.util import Inches

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def _docx(text: str) -> bytes:
    document = docx.Document()
    document.add_heading("Quarterly memo", level=1)
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _xlsx(text: str) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["Item", text])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _pptx(text: str) -> bytes:
    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    box = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(4), Inches(1))
    box.text_frame.text = text
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def _pdf(text: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(text=text)
    return bytes(pdf.output())


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 400), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def settle(worker: Any, done: Any) -> None:
    """Let the worker handle Drive's events until ``done()`` holds.

    Other tests' events (other tenants') may be delivered first, so counting this test's
    own events is not enough: wait for one more delivery at a time until the state is there.
    """
    count = worker.handled["drive"]
    while not done():
        count += 1
        worker.wait_handled("drive", count)


def _previewed(client: Any, who: Any, item_id: str) -> bool:
    shown: bool = ok(client.get(f"{API}/items/{item_id}", headers=who.headers))["has_thumbnail"]
    return shown


def _hits(client: Any, who: Any, q: str) -> list[str]:
    return [
        hit["item"]["name"]
        for hit in ok(client.get(f"{API}/search", params={"q": q}, headers=who.headers))
    ]


def test_find_documents_by_words_in_their_body(client: Any, tenant: Any) -> None:
    ada = member(client, tenant, "ada")
    with EventWorkerHarness(client) as worker:
        upload(client, ada, "memo.docx", _docx("The zeppelin budget doubles next year."), DOCX)
        upload(client, ada, "sheet.xlsx", _xlsx("marzipan"), XLSX)
        upload(client, ada, "deck.pptx", _pptx("Quokka roadmap"), PPTX)
        pdf = upload(client, ada, "scan.pdf", _pdf("Invoice for tangerines"), "application/pdf")
        upload(client, ada, "notes.txt", b"a wombat walked by", "text/plain")
        picture = upload(client, ada, "red.png", _png(), "image/png")
        settle(
            worker,
            lambda: (
                all(
                    _hits(client, ada, q)
                    for q in ("zeppelin", "marzipan", "quokka", "tangerines", "wombat")
                )
                and _previewed(client, ada, picture["id"])
                and _previewed(client, ada, pdf["id"])
            ),
        )
    assert _hits(client, ada, "zeppelin") == ["memo.docx"]
    assert _hits(client, ada, "marzipan") == ["sheet.xlsx"]
    assert _hits(client, ada, "quokka") == ["deck.pptx"]
    assert _hits(client, ada, "tangerines") == ["scan.pdf"]
    assert _hits(client, ada, "wombat") == ["notes.txt"]
    [hit] = ok(client.get(f"{API}/search", params={"q": "zeppelin budget"}, headers=ada.headers))
    assert "zeppelin" in hit["snippet"].lower()
    # Search respects permissions: another member finds none of Ada's files.
    bob = member(client, tenant, "bob")
    assert _hits(client, bob, "zeppelin") == []
    # Previews of the image and of the PDF's first page.
    shown = ok(client.get(f"{API}/items/{picture['id']}", headers=ada.headers))
    assert shown["has_thumbnail"]
    thumb = client.get(f"{API}/items/{picture['id']}/thumbnail", headers=ada.headers)
    with Image.open(io.BytesIO(thumb.content)) as image:
        assert max(image.size) <= 256


def test_adopted_documents_are_indexed_too(client: Any, tenant: Any) -> None:
    with EventWorkerHarness(client) as worker:
        put_blob(client, tenant, "finance/invoices/9.txt", "payable to Narwhal Ltd")
        adopted = adopt(
            client,
            tenant,
            blob_key="finance/invoices/9.txt",
            name="INV-9.txt",
            content_type="text/plain",
            size=22,
            source_ref="inv:9",
        )
        [filed] = call(client, tenant, "drive.files.get", {"file_ids": [adopted["file_id"]]})[
            "files"
        ]
        # Nobody is a member of "Documents" yet: found by no one.
        assert _hits(client, tenant, "narwhal") == []
        me_ = me(client, tenant)
        ok(
            client.put(
                f"{API}/drives/{filed['drive_id']}/members",
                json={"principal": me_.actor, "role": "viewer"},
                headers=tenant.headers,
            )
        )
        settle(worker, lambda: _hits(client, tenant, "narwhal") == ["INV-9.txt"])


def test_a_scanner_quarantines_eicar_before_it_is_shared(client: Any, tenant: Any) -> None:
    ada = member(client, tenant, "ada")
    bob = member(client, tenant, "bob")
    manager = plugin_manager()
    manager.register(drive_scanner, name="test-eicar")
    try:
        box = folder(client, ada, "Inbox")
        bad = upload(
            client,
            ada,
            "eicar.txt",
            b"header " + drive_scanner.EICAR + b" trailer",
            parent_id=box["id"],
        )
        good = upload(client, ada, "fine.txt", b"nothing to see")
        # Not scanned yet: cannot be shared.
        problem(
            client.put(
                f"{API}/items/{good['id']}/shares",
                json={"principal": bob.actor, "role": "viewer"},
                headers=ada.headers,
            ),
            409,
        )
        with EventWorkerHarness(client) as worker:
            settle(
                worker,
                lambda: (
                    ok(client.get(f"{API}/items/{bad['id']}", headers=ada.headers))["quarantined"]
                    and client.put(
                        f"{API}/items/{good['id']}/shares",
                        json={"principal": bob.actor, "role": "viewer"},
                        headers=ada.headers,
                    ).status_code
                    == 200
                ),
            )
        ok(
            client.put(
                f"{API}/items/{good['id']}/shares",
                json={"principal": bob.actor, "role": "viewer"},
                headers=ada.headers,
            )
        )
        flagged = ok(client.get(f"{API}/items/{bad['id']}", headers=ada.headers))
        assert flagged["quarantined"]
        assert "Eicar" in flagged["quarantine_reason"]
        problem(client.get(f"{API}/items/{bad['id']}/content", headers=ada.headers), 403)
        problem(
            client.put(
                f"{API}/items/{bad['id']}/shares",
                json={"principal": bob.actor, "role": "viewer"},
                headers=ada.headers,
            ),
            403,
        )
        problem(
            client.post(
                f"{API}/items/{bad['id']}/links", json={"access": "download"}, headers=ada.headers
            ),
            403,
        )
    finally:
        manager.unregister(name="test-eicar")
    del sys.modules["drive_scanner"]
