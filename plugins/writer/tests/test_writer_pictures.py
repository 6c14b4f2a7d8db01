"""Pictures in the pure conversions: DOCX, ODT and PDF embed them; DOCX import reads them."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile

import docx
import pytest
from nexus_writer._docx import docx_pictures, from_docx, to_docx
from nexus_writer._odt import to_odt
from nexus_writer._pdf import to_pdf
from nexus_writer._picture import Picture, read_picture
from writer_pictures import digest, docx_with_picture, png

FILE_ID = "0190f0b2-7c1a-7000-8000-000000000001"
DOC = {
    "type": "doc",
    "content": [
        {"type": "paragraph", "content": [{"type": "text", "text": "Before"}]},
        {"type": "image", "attrs": {"src": FILE_ID, "alt": "Floor plan"}},
        {"type": "paragraph", "content": [{"type": "text", "text": "After"}]},
    ],
}


def picture(blob: bytes) -> Picture:
    found = read_picture(blob)
    assert found is not None
    return found


def test_read_picture_takes_png_jpeg_gif_only():
    picture = read_picture(png(30, 20))
    assert picture is not None
    assert (picture.content_type, picture.extension, picture.width, picture.height) == (
        "image/png",
        "png",
        30,
        20,
    )
    buffer = io.BytesIO()
    from PIL import Image  # noqa: PLC0415 - only this test writes a BMP

    Image.new("RGB", (4, 4)).save(buffer, format="BMP")
    assert read_picture(buffer.getvalue()) is None
    assert read_picture(b"not a picture") is None


def test_docx_embeds_the_picture_and_reads_it_back():
    blob = png()
    data = to_docx(DOC, {FILE_ID: picture(blob)})
    shapes = docx.Document(io.BytesIO(data)).inline_shapes
    assert len(shapes) == 1
    back = from_docx(data)
    assert back["content"][1] == {
        "type": "image",
        "attrs": {"src": f"sha256:{digest(blob)}", "alt": "Floor plan"},
    }
    assert [node["type"] for node in back["content"]] == ["paragraph", "image", "paragraph"]
    assert docx_pictures(data)[digest(blob)].blob == blob


def test_a_wide_picture_is_no_wider_than_the_text():
    data = to_docx(DOC, {FILE_ID: picture(png(4000, 1000))})
    document = docx.Document(io.BytesIO(data))
    section = document.sections[0]
    room = section.page_width - section.left_margin - section.right_margin
    shape = document.inline_shapes[0]
    assert shape.width == room
    assert abs(shape.height * 4 - room) < 8  # the ratio kept


def test_without_its_picture_an_image_is_a_line_naming_its_file():
    data = to_docx(DOC)
    assert len(docx.Document(io.BytesIO(data)).inline_shapes) == 0
    assert from_docx(data)["content"][1] == {
        "type": "paragraph",
        "content": [{"type": "text", "text": f"[Floor plan: Drive file {FILE_ID}]"}],
    }
    assert b"/Subtype /Image" not in to_pdf(DOC)
    assert "Pictures/" not in "".join(zipfile.ZipFile(io.BytesIO(to_odt(DOC))).namelist())


def test_odt_stores_the_picture_in_the_package_and_draws_it():
    blob = png()
    data = to_odt(DOC, {FILE_ID: picture(blob)})
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.read(f"Pictures/{digest(blob)}.png") == blob
        content = package.read("content.xml").decode()
        manifest = package.read("META-INF/manifest.xml").decode()
    assert f'xlink:href="Pictures/{digest(blob)}.png"' in content
    assert 'svg:width="6.350cm"' in content  # 240 px at 96 dpi
    assert f"Pictures/{digest(blob)}.png" in manifest


def test_pdf_draws_the_picture_between_the_text():
    data = to_pdf(DOC, {FILE_ID: picture(png())})
    assert data.startswith(b"%PDF-")
    assert data.count(b"/Subtype /Image") == 1


def test_docx_import_reads_a_picture_word_wrote():
    blob = png(50, 50, "orange")
    data = docx_with_picture(blob)
    document = from_docx(data)
    assert [node["type"] for node in document["content"]] == ["heading", "image", "paragraph"]
    assert document["content"][1]["attrs"]["src"] == f"sha256:{digest(blob)}"
    assert list(docx_pictures(data)) == [digest(blob)]


def test_libreoffice_converts_an_exported_docx_with_its_picture_to_pdf(tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    data = to_docx(DOC, {FILE_ID: picture(png())})
    (tmp_path / "plan.docx").write_bytes(data)
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "plan.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = (tmp_path / "plan.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert b"/Subtype/Image" in pdf or b"/Subtype /Image" in pdf
