"""Refresh the exact pins in ``[tool.uv] constraint-dependencies`` of the root pyproject.

uv.lock records download addresses, so it stays out of git; the exact versions it chose are
copied here instead, which makes a fresh clone resolve to the same versions.

Usage::

    uv run python scripts/refresh_pins.py            # pin what uv.lock holds now
    uv run python scripts/refresh_pins.py --upgrade  # re-resolve to the newest, then pin
"""

from __future__ import annotations

import argparse
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
BLOCK = re.compile(r"^constraint-dependencies = \[.*?^\]", re.M | re.S)


def exported_pins() -> list[str]:
    """Return ``name==version`` (with environment markers) for every locked package."""
    output = subprocess.run(
        [
            "uv",
            "export",
            "--no-hashes",
            "--all-groups",
            "--all-packages",
            "--no-emit-workspace",
            "--no-header",
            "--no-annotate",
            "--format",
            "requirements-txt",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pins = [
        line.strip() for line in output.splitlines() if "==" in line and not line.startswith("#")
    ]
    return sorted(set(pins), key=str.lower)


def main() -> None:
    """Re-lock if asked, then rewrite the constraint block."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upgrade", action="store_true", help="re-resolve to newest versions")
    args = parser.parse_args()
    if args.upgrade:
        text = BLOCK.sub("constraint-dependencies = [\n]", PYPROJECT.read_text())
        PYPROJECT.write_text(text)
        subprocess.run(["uv", "lock", "--upgrade"], cwd=ROOT, check=True)
    else:
        subprocess.run(["uv", "lock"], cwd=ROOT, check=True)
    lines = "".join(f'    "{pin}",\n' for pin in exported_pins())
    text = BLOCK.sub(lambda _: f"constraint-dependencies = [\n{lines}]", PYPROJECT.read_text())
    PYPROJECT.write_text(text)
    print(f"pinned {len(lines.splitlines())} packages in {PYPROJECT.name}")


if __name__ == "__main__":
    main()
