"""Nothing in the repository points at files outside it: its conventions live in CONTRIBUTING.md."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
# Spelled in pieces, so this file does not match itself.
OUTSIDE = re.compile("|".join([r"\.\./" + "shared", "STYLE" + r"\.md", "ARCHITECTURE" + r"\.md"]))


def _tracked() -> list[Path]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout
    return [ROOT / name for name in listed.decode().split("\0") if name]


def _mentions(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
        return []
    return [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for number, line in enumerate(text.splitlines(), 1)
        if OUTSIDE.search(line)
    ]


def test_no_file_refers_to_files_outside_the_repository():
    found = [mention for path in _tracked() for mention in _mentions(path)]
    assert found == [], "point these at CONTRIBUTING.md instead:\n" + "\n".join(found)


def test_the_check_finds_a_reference_outside(tmp_path):
    path = ROOT / "pyproject.toml"
    assert OUTSIDE.search("see ../" + "shared/notes") and OUTSIDE.search("(STYLE" + ".md)")
    assert _mentions(path) == [] or all("pyproject.toml" in m for m in _mentions(path))
