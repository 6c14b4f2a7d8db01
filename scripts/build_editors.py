"""Rebuild the workspace editors' bundle from ``kernel/editors`` (Tiptap, Yjs, y-websocket).

The bundle is committed (``kernel/src/nexus/workspace/static/vendor/editors.js``) so that the
kernel serves it as one of the workspace's own files: no CDN, nothing built at start-up.
Its first line records the sha256 of the lock and of the entry module it was built from;
``tests/test_editors_bundle.py`` fails when they no longer match. The licences of every
package that went into it are written beside it (``editors.LICENSES.txt``).

Usage::

    uv run python scripts/build_editors.py          # npm ci, esbuild, licences, lock tidied
    uv run python scripts/build_editors.py --check  # exit 1 when the bundle is stale
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "kernel" / "editors"
LOCK = SOURCES / "package-lock.json"
ENTRY = SOURCES / "src" / "editors.js"
VENDOR = ROOT / "kernel" / "src" / "nexus" / "workspace" / "static" / "vendor"
BUNDLE = VENDOR / "editors.js"
LICENSES = VENDOR / "editors.LICENSES.txt"
HEADER = "/*! nexus workspace editors: lock sha256 {lock}, entry sha256 {entry}. {note} */\n"
NOTE = "Built by scripts/build_editors.py; third-party licences in editors.LICENSES.txt"
_LICENCE_NAMES = ("LICENSE", "LICENSE.md", "LICENSE.txt", "LICENCE", "license", "license.md")
# Tiptap's packages ship no licence file, only ``"license": "MIT"``: its text is given here.
_MIT = """Copyright (c) {holder}

Permission is hereby granted, free of charge, to any person obtaining a copy of this
software and associated documentation files (the "Software"), to deal in the Software
without restriction, including without limitation the rights to use, copy, modify, merge,
publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons
to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED,
INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR
PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE
FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR
OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER
DEALINGS IN THE SOFTWARE.
"""


def fingerprint() -> str:
    """The header line the bundle of the current sources starts with."""
    lock = hashlib.sha256(LOCK.read_bytes()).hexdigest()
    entry = hashlib.sha256(ENTRY.read_bytes()).hexdigest()
    return HEADER.format(lock=lock, entry=entry, note=NOTE)


def strip_resolved() -> None:
    """Drop the download addresses npm writes into the lock (``npm ci`` does without them)."""
    lock = json.loads(LOCK.read_text(encoding="utf-8"))
    for entry in lock.get("packages", {}).values():
        entry.pop("resolved", None)
    LOCK.write_text(json.dumps(lock, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _package_of(path: str) -> Path | None:
    if "node_modules/" not in path:
        return None
    parts = path.rsplit("node_modules/", 1)[1].split("/")
    name = "/".join(parts[:2]) if parts[0].startswith("@") else parts[0]
    return SOURCES / "node_modules" / name


def _licence_text(package: Path, meta: dict[str, object]) -> str:
    for name in _LICENCE_NAMES:
        if (package / name).is_file():
            return (package / name).read_text(encoding="utf-8")
    author = meta.get("author")
    holder = author.get("name") if isinstance(author, dict) else author
    if meta.get("license") != "MIT":
        raise SystemExit(f"{meta['name']}: no licence file and not MIT; add its text")
    if not holder and str(meta["name"]).startswith("@tiptap/"):
        holder = "Tiptap GmbH"  # the holder its repository's LICENSE.md names
    return _MIT.format(holder=holder or f"the authors of {meta['name']}")


def licences(metafile: Path) -> str:
    """Every bundled package's name, version and licence text, in name order."""
    inputs = json.loads(metafile.read_text(encoding="utf-8"))["inputs"]
    packages = sorted({p for p in map(_package_of, inputs) if p is not None})
    out: list[str] = []
    for package in packages:
        meta = json.loads((package / "package.json").read_text(encoding="utf-8"))
        text = _licence_text(package, meta)
        out.append(f"{meta['name']} {meta['version']} ({meta.get('license', '?')})\n\n{text}")
    return ("\n" + "-" * 72 + "\n\n").join(out)


def build() -> None:
    """Install the locked packages, bundle them, and write the bundle and its licences."""
    subprocess.run(
        ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=SOURCES, check=True
    )
    VENDOR.mkdir(parents=True, exist_ok=True)
    metafile = SOURCES / "node_modules" / ".editors-meta.json"
    built = SOURCES / "node_modules" / ".editors.js"
    esbuild = SOURCES / "node_modules" / ".bin" / "esbuild"
    subprocess.run(
        [
            str(esbuild),
            str(ENTRY),
            "--bundle",
            "--format=esm",
            "--minify",
            "--target=es2020",
            "--legal-comments=none",
            f"--metafile={metafile}",
            f"--outfile={built}",
        ],
        cwd=SOURCES,
        check=True,
    )
    BUNDLE.write_text(fingerprint() + built.read_text(encoding="utf-8"), encoding="utf-8")
    LICENSES.write_text(licences(metafile), encoding="utf-8")


def main() -> int:
    """Build, or with ``--check`` say whether the committed bundle matches its sources."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare the header")
    args = parser.parse_args()
    if args.check:
        current = BUNDLE.read_text(encoding="utf-8").splitlines(keepends=True)[:1]
        if current != [fingerprint()]:
            print("the editors' bundle is stale: run scripts/build_editors.py", file=sys.stderr)
            return 1
        return 0
    strip_resolved()
    build()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
