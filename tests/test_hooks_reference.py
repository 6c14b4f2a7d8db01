"""The hooks reference documents every hook specification, with its exact signature."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from nexus_hookspecs import specs

REFERENCE = Path(__file__).parents[1] / "hookspecs" / "README.md"
HOOKS = sorted(
    name
    for name, function in inspect.getmembers(specs, inspect.isfunction)
    if name.startswith("nexus_")
)


def _signature(name: str) -> str:
    return f"def {name}{inspect.signature(getattr(specs, name))}".replace("'", "")


def _section(text: str, name: str) -> str | None:
    match = re.search(rf"^### `{name}`\n(.*?)(?=^### |\Z)", text, re.M | re.S)
    return match.group(1) if match else None


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_reference_section_with_its_signature(hook):
    section = _section(REFERENCE.read_text(), hook)
    assert section is not None, f"{hook} has no '### `{hook}`' section in {REFERENCE}"
    assert _signature(hook) in section, f"the signature of {hook} in {REFERENCE} is stale"
    assert inspect.getdoc(getattr(specs, hook)), f"{hook} has no docstring"


def test_reference_documents_no_hook_that_does_not_exist():
    documented = re.findall(r"^### `(nexus_\w+)`", REFERENCE.read_text(), re.M)
    assert sorted(documented) == HOOKS


def test_every_hook_has_the_nexus_prefix():
    names = [
        n for n, f in inspect.getmembers(specs, inspect.isfunction) if hasattr(f, "nexus_spec")
    ]
    assert names and all(name.startswith("nexus_") for name in names)
