"""The committed editors' bundle is the one its sources build (``scripts/build_editors.py``).

The bundle's first line records the sha256 of ``kernel/editors/package-lock.json`` and of
its entry module: a changed dependency or entry without a rebuild fails here.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def _build_editors():
    path = ROOT / "scripts" / "build_editors.py"
    spec = importlib.util.spec_from_file_location("build_editors", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_editors", module)
    spec.loader.exec_module(module)
    return module


BUILD = _build_editors()


def test_bundle_header_names_the_current_lock_and_entry() -> None:
    first = BUILD.BUNDLE.read_text(encoding="utf-8").splitlines(keepends=True)[0]
    assert first == BUILD.fingerprint(), "stale bundle: run uv run python scripts/build_editors.py"


def test_lock_pins_every_dependency_without_download_addresses() -> None:
    manifest = json.loads((BUILD.SOURCES / "package.json").read_text(encoding="utf-8"))
    lock = json.loads(BUILD.LOCK.read_text(encoding="utf-8"))
    wanted = {**manifest["dependencies"], **manifest["devDependencies"]}
    for name, version in wanted.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} is not pinned exactly"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
    assert all("resolved" not in entry for entry in lock["packages"].values())


def test_licences_name_each_bundled_editor_library() -> None:
    text = BUILD.LICENSES.read_text(encoding="utf-8")
    lock = json.loads(BUILD.LOCK.read_text(encoding="utf-8"))
    for name in ("@tiptap/core", "@tiptap/extension-collaboration-cursor", "yjs", "y-websocket"):
        version = lock["packages"][f"node_modules/{name}"]["version"]
        assert f"{name} {version} (MIT)" in text
