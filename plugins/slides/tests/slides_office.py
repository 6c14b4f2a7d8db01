"""LibreOffice headless and a small picture for the Slides tests."""

from __future__ import annotations

import shutil
import subprocess
from io import BytesIO
from typing import TYPE_CHECKING

import pytest
from PIL import Image

if TYPE_CHECKING:
    from pathlib import Path


def png(colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A 32 × 24 PNG of one colour."""
    out = BytesIO()
    Image.new("RGB", (32, 24), colour).save(out, format="PNG")
    return out.getvalue()


def soffice_to_pdf(source: Path) -> Path:
    """Convert ``source`` to PDF with ``soffice --headless``; skip when soffice is missing."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("soffice (Debian's libreoffice-nogui, installed by .ci/run) is not on PATH")
    done = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{source.parent / 'lo-profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(source.parent / "pdf"),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    target = source.parent / "pdf" / f"{source.stem}.pdf"
    assert done.returncode == 0, done.stderr
    assert target.exists(), f"soffice wrote no PDF: {done.stdout} {done.stderr}"
    return target
