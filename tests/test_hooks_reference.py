"""The hooks references document every hook specification, with its exact signature.

Two references: the hand-written one in ``hookspecs/README.md`` and the generated one in
``docs/plugins/hooks.md`` (``nexus plugins hooks-reference``), which also needs, for each
hook, a docstring saying when it is called, every parameter's meaning and an example.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import msgspec
import pytest
from nexus.plugins._reference import HookDoc, hook_docs, render_reference
from nexus_hookspecs import specs

ROOT = Path(__file__).parents[1]
REFERENCE = ROOT / "hookspecs" / "README.md"
GENERATED = ROOT / "docs" / "plugins" / "hooks.md"
HOOKS = sorted(
    name
    for name, function in inspect.getmembers(specs, inspect.isfunction)
    if name.startswith("nexus_")
)
DOCS = {doc.name: doc for doc in hook_docs()}


def _signature(name: str) -> str:
    return f"def {name}{inspect.signature(getattr(specs, name))}".replace("'", "")


def _section(text: str, name: str) -> str | None:
    match = re.search(rf"^### `{name}`\n(.*?)(?=^### |\Z)", text, re.M | re.S)
    return match.group(1) if match else None


def reference_problems(doc: HookDoc, reference: str) -> list[str]:
    """Why ``doc`` is not properly documented in ``reference`` (empty when it is)."""
    problems = []
    section = _section(reference, doc.name)
    if section is None:
        problems.append(f"{doc.name} has no '### `{doc.name}`' section")
    elif doc.signature not in section:
        problems.append(f"the signature of {doc.name} is stale")
    if not doc.summary or "Called" not in doc.description:
        problems.append(f"{doc.name}'s docstring does not say when it is called")
    problems.extend(
        f"{doc.name}'s docstring does not explain the parameter {name}"
        for name, (_, meaning) in doc.arguments.items()
        if not meaning
    )
    returns_nothing = re.search(r"-> (Awaitable\[None\] \| )?None$", doc.signature)
    if not returns_nothing and not doc.returns:
        problems.append(f"{doc.name}'s docstring has no Returns section")
    if not doc.example:
        problems.append(f"{doc.name} has no example (docstring Example:: or _hook_examples.py)")
    else:
        try:
            compile(doc.example, doc.name, "exec")
        except SyntaxError as exc:
            problems.append(f"{doc.name}'s example does not compile: {exc}")
    return problems


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


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_fully_documented_in_the_generated_reference(hook):
    assert hook in DOCS, f"{hook} is not a hook specification"
    assert reference_problems(DOCS[hook], GENERATED.read_text()) == []
    assert _signature(hook) == DOCS[hook].signature


def test_generated_reference_is_up_to_date():
    assert GENERATED.read_text() == render_reference(), (
        f"{GENERATED} is stale: regenerate it with "
        "`uv run nexus plugins hooks-reference > docs/plugins/hooks.md`"
    )


def test_an_undocumented_hook_fails_the_reference_check():
    # What a new hook specification without docs, example or reference entry looks like.
    bare = HookDoc(
        name="nexus_new_thing",
        signature="def nexus_new_thing(tenant: TenantRef) -> int",
        firstresult=True,
        historic=False,
        summary="",
        description="",
        arguments={"tenant": ("TenantRef", "")},
        returns="",
        example="",
    )
    assert reference_problems(bare, render_reference()) == [
        "nexus_new_thing has no '### `nexus_new_thing`' section",
        "nexus_new_thing's docstring does not say when it is called",
        "nexus_new_thing's docstring does not explain the parameter tenant",
        "nexus_new_thing's docstring has no Returns section",
        "nexus_new_thing has no example (docstring Example:: or _hook_examples.py)",
    ]
    broken = msgspec.structs.replace(DOCS["nexus_routes"], example="def broken(:\n")
    assert reference_problems(broken, render_reference()) == [
        "nexus_routes's example does not compile: invalid syntax (nexus_routes, line 1)"
    ]
