"""Write the generated documentation pages from their one source in the code.

- ``docs/plugins/hooks.md`` and the part of ``hookspecs/README.md`` between
  ``<!-- hooks:start -->`` and ``<!-- hooks:end -->``: the hooks reference, from the hook
  specifications' docstrings in ``nexus_hookspecs``;
- ``docs/plugins/events.md``: the events catalogue, from the manifests of the first-party
  plugins (``plugins/<name>/``) and the kernel's own event types;
- ``docs/plugins/services.md``: the services catalogue, from the services the first-party
  plugins register (``nexus_services``).

Run ``uv run python scripts/gen_docs.py`` after changing any of them; ``--check`` only
reports stale pages (exit 1). ``tests/test_hooks_reference.py`` and
``tests/test_docs_generated.py`` fail when a page differs from what this writes.
"""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOOKS_PAGE = ROOT / "docs" / "plugins" / "hooks.md"
EVENTS_PAGE = ROOT / "docs" / "plugins" / "events.md"
SERVICES_PAGE = ROOT / "docs" / "plugins" / "services.md"
CONTRACT_README = ROOT / "hookspecs" / "README.md"
PAGES = (HOOKS_PAGE, CONTRACT_README, EVENTS_PAGE, SERVICES_PAGE)
START, END = "<!-- hooks:start -->", "<!-- hooks:end -->"
COMMAND = "uv run python scripts/gen_docs.py"


def between_markers(text: str, block: str) -> str:
    """Return ``text`` with what lies between the hooks markers replaced by ``block``."""
    head, start, rest = text.partition(START)
    _, end, tail = rest.partition(END)
    if not start or not end:
        raise ValueError(f"{CONTRACT_README} lacks the {START} … {END} markers")
    return f"{head}{START}\n{block}{END}{tail}"


def first_party_plugins() -> list[object]:
    """Import every plugin under ``plugins/``, as the workspace installs them."""
    names = sorted(path.name for path in (ROOT / "plugins").iterdir() if path.is_dir())
    return [importlib.import_module(f"nexus_{name}") for name in names]


def ruff_formatted(path: Path, text: str) -> str:
    """``text`` with its Python blocks as ``ruff format`` (and so ``tox -e lint``) wants them."""
    return subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--stdin-filename", str(path), "-"],
        input=text,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout


def generated() -> dict[Path, str]:
    """Every generated page, path → the text it must have."""
    from nexus.cli._catalog import event_catalog, render_catalog  # noqa: PLC0415
    from nexus.cli._services import render_service_catalog, service_catalog  # noqa: PLC0415
    from nexus.plugins._reference import render_readme_block, render_reference  # noqa: PLC0415
    from nexus.testing import load_test_plugins  # noqa: PLC0415

    registry = load_test_plugins(first_party_plugins())
    pages = {
        HOOKS_PAGE: render_reference(),
        CONTRACT_README: between_markers(CONTRACT_README.read_text(), render_readme_block()),
        EVENTS_PAGE: render_catalog(event_catalog(registry)),
        SERVICES_PAGE: render_service_catalog(service_catalog(registry)),
    }
    return {path: ruff_formatted(path, text) for path, text in pages.items()}


def stale() -> list[Path]:
    """The generated pages whose text differs from what :func:`generated` gives."""
    return [
        path for path, text in generated().items() if not path.exists() or path.read_text() != text
    ]


def main() -> int:
    """Write the pages (or, with ``--check``, list the stale ones); return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="Write nothing; exit 1 if stale.")
    args = parser.parse_args()
    if args.check:
        paths = stale()
        for path in paths:
            print(f"{path.relative_to(ROOT)} is stale: run `{COMMAND}`", file=sys.stderr)
        return 1 if paths else 0
    for path, text in generated().items():
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
