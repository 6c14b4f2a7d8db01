"""docs/plugins/testing.md documents every public helper and fixture of ``nexus.testing``."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import nexus.testing
import pytest
from nexus.testing import EventWorkerHarness, pytest_plugin

PAGE = Path(__file__).parents[1] / "docs" / "plugins" / "testing.md"


def _fixtures() -> list[str]:
    """The fixtures ``nexus.testing.pytest_plugin`` defines (under ``@pytest.fixture``)."""
    tree = ast.parse(inspect.getsource(pytest_plugin))
    return sorted(
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any("fixture" in ast.unparse(decorator) for decorator in node.decorator_list)
    )


# Constructor arguments kept as attributes, and the kernel's runtime (not for plugin tests).
_NOT_MEMBERS = {"client", "settings", "relay", "runtime"}


def _harness_members() -> list[str]:
    """Public methods of ``EventWorkerHarness`` and the attributes its ``__init__`` sets."""
    methods = {name for name, _ in inspect.getmembers(EventWorkerHarness)}
    init = ast.parse(inspect.cleandoc("\n" + inspect.getsource(EventWorkerHarness.__init__)))
    attributes = {
        node.attr
        for node in ast.walk(init)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    }
    return sorted(
        n for n in methods | attributes if not n.startswith("_") and n not in _NOT_MEMBERS
    )


PUBLIC = [f"nexus.testing.{name}" for name in nexus.testing.__all__]
FIXTURES = [f"fixture {name}" for name in _fixtures()]
MEMBERS = [f"EventWorkerHarness.{name}" for name in _harness_members()]


@pytest.mark.parametrize("what", PUBLIC + FIXTURES + MEMBERS)
def test_the_testing_page_documents_it(what):
    name = what.rsplit(".", 1)[-1].rsplit(" ", 1)[-1]
    text = PAGE.read_text()
    assert f"`{name}" in text, f"{what} is not documented in {PAGE.relative_to(PAGE.parents[2])}"


def test_the_fixture_list_is_found():
    assert {"fixture nexus_database_url", "fixture nexus_postgres_server"} <= set(FIXTURES)
    assert "EventWorkerHarness.deliveries" in MEMBERS
    assert "EventWorkerHarness.kernel_events" in MEMBERS
