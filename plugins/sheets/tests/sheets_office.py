"""LibreOffice headless for the Sheets tests: convert a file to PDF, or skip saying why."""

from __future__ import annotations

import shutil
import subprocess
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pathlib import Path


def convert_to_pdf(source: Path) -> Path:
    """Convert ``source`` to PDF with ``soffice --headless``; skip when soffice is missing."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("soffice (Debian's libreoffice-nogui, installed by .ci/run) is not on PATH")
    profile = source.parent / "lo-profile"
    done = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
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
