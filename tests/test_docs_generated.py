"""The generated pages are what ``scripts/gen_docs.py`` writes from their one source.

``docs/plugins/hooks.md`` and the hooks part of ``hookspecs/README.md`` come from the hook
specifications' docstrings, ``docs/plugins/events.md`` from the first-party plugins'
manifests and the kernel's own event types, ``docs/plugins/services.md`` from the services
the first-party plugins register.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def _gen_docs():
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("gen_docs", module)
    spec.loader.exec_module(module)
    return module


GEN_DOCS = _gen_docs()
PAGES = [path.relative_to(ROOT).as_posix() for path in GEN_DOCS.PAGES]


@pytest.fixture(scope="module")
def generated():
    return {path.relative_to(ROOT).as_posix(): text for path, text in GEN_DOCS.generated().items()}


@pytest.mark.parametrize("page", PAGES)
def test_generated_page_is_up_to_date(page, generated):
    assert (ROOT / page).read_text() == generated[page], (
        f"{page} is stale: run `{GEN_DOCS.COMMAND}` to regenerate it"
    )


def test_hand_written_prose_outside_the_markers_is_kept():
    text = "intro\n<!-- hooks:start -->\nold\n<!-- hooks:end -->\noutro\n"
    assert GEN_DOCS.between_markers(text, "new\n") == (
        "intro\n<!-- hooks:start -->\nnew\n<!-- hooks:end -->\noutro\n"
    )
    with pytest.raises(ValueError, match="markers"):
        GEN_DOCS.between_markers("no markers here\n", "new\n")


def test_every_first_party_event_is_in_the_catalogue(generated):
    from nexus.testing import load_test_plugins

    catalogue = generated["docs/plugins/events.md"]
    registry = load_test_plugins(GEN_DOCS.first_party_plugins())
    declared = [e for r in registry.loaded for e in r.manifest.event_names()]
    assert declared, "no first-party plugin declares an event"
    missing = [event for event in declared if f"## `{event}`" not in catalogue]
    assert missing == []
    assert "## `nexus.feature.changed.v1`" in catalogue
