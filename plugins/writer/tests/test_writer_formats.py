"""The pure conversions: Yjs state, Markdown and DOCX round trips; ODT and PDF exports."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile

import pytest
from nexus_writer._docx import from_docx, to_docx
from nexus_writer._markdown import from_markdown, to_markdown
from nexus_writer._odt import to_odt
from nexus_writer._odt_in import from_odt
from nexus_writer._pdf import to_pdf
from nexus_writer._ydoc import from_state, to_state
from writer_samples import SAMPLE


def test_yjs_state_round_trips_every_node_and_mark():
    assert from_state(to_state(SAMPLE)) == SAMPLE


def test_markdown_round_trips_every_node_and_mark():
    text = to_markdown(SAMPLE)
    assert text.startswith("# Quarterly plan\n")
    assert "**fast**" in text
    assert "[the report](https://example.com/r)" in text
    assert "| Region | Revenue |" in text
    assert from_markdown(text) == SAMPLE


def test_docx_round_trips_every_node_and_mark():
    data = to_docx(SAMPLE)
    assert data[:2] == b"PK"
    assert from_docx(data) == SAMPLE


def test_odt_holds_the_text_and_structure():
    data = to_odt(SAMPLE)
    with zipfile.ZipFile(io.BytesIO(data)) as odt:
        assert odt.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        content = odt.read("content.xml").decode()
    for fragment in (
        "Quarterly plan",
        "text:h",
        "text:list",
        "table:table",
        "https://example.com/r",
    ):
        assert fragment in content


def test_pdf_is_a_pdf_with_the_text():
    pypdf = pytest.importorskip("pypdf", reason="pypdf reads the PDF back")
    data = to_pdf(SAMPLE)
    assert data.startswith(b"%PDF-")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert "Quarterly plan" in text
    assert "Open the Lagos office" in text


def test_odt_round_trips_every_node_and_mark():
    assert from_odt(to_odt(SAMPLE)) == SAMPLE


def test_an_odt_libreoffice_wrote_reads_back_as_the_document(tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    (tmp_path / "plan.docx").write_bytes(to_docx(SAMPLE))
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--convert-to",
            "odt",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "plan.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    assert from_odt((tmp_path / "plan.odt").read_bytes()) == SAMPLE
