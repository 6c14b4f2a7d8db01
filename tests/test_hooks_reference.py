"""Every hook specification is fully documented in its docstring, the reference's one source.

The docstring says when the hook is called, what each parameter means, what it returns, and
gives an ``Example::``; ``scripts/gen_docs.py`` turns the docstrings into
``docs/plugins/hooks.md`` and the reference part of ``hookspecs/README.md``, each with a
section per hook carrying its exact signature (``tests/test_docs_generated.py`` keeps the
files current).
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
REFERENCES = [ROOT / "hookspecs" / "README.md", ROOT / "docs" / "plugins" / "hooks.md"]
HOOKS = sorted(
    name
    for name, function in inspect.getmembers(specs, inspect.isfunction)
    if name.startswith("nexus_")
)
DOCS = {doc.name: doc for doc in hook_docs()}


def _signature(name: str) -> str:
    return f"def {name}{inspect.signature(getattr(specs, name))}".replace("'", "")


def _flat(text: str) -> str:
    """``text`` on one line, as a signature reads before ``ruff format`` wraps it."""
    text = " ".join(text.split())
    return re.sub(r",? \)", ")", re.sub(r"\( ", "(", text))


def _section(text: str, name: str) -> str | None:
    match = re.search(rf"^### `{name}`\n(.*?)(?=^### |\Z)", text, re.M | re.S)
    return match.group(1) if match else None


def reference_problems(doc: HookDoc, reference: str) -> list[str]:
    """Why ``doc`` is not properly documented in ``reference`` (empty when it is)."""
    problems = []
    section = _section(reference, doc.name)
    if section is None:
        problems.append(f"{doc.name} has no '### `{doc.name}`' section")
    elif _flat(doc.signature) not in _flat(section):
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
        problems.append(f"{doc.name}'s docstring has no Example:: section")
    else:
        try:
            compile(doc.example, doc.name, "exec")
        except SyntaxError as exc:
            problems.append(f"{doc.name}'s example does not compile: {exc}")
    return problems


@pytest.mark.parametrize("reference", REFERENCES, ids=lambda path: path.parent.name)
@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_reference_section_with_its_signature(hook, reference):
    section = _section(reference.read_text(), hook)
    assert section is not None, f"{hook} has no '### `{hook}`' section in {reference}"
    assert _flat(_signature(hook)) in _flat(section), f"the signature of {hook} is stale"


@pytest.mark.parametrize("reference", REFERENCES, ids=lambda path: path.parent.name)
def test_reference_documents_no_hook_that_does_not_exist(reference):
    documented = re.findall(r"^### `(nexus_\w+)`", reference.read_text(), re.M)
    assert sorted(documented) == HOOKS


def test_every_hook_has_the_nexus_prefix():
    names = [
        n for n, f in inspect.getmembers(specs, inspect.isfunction) if hasattr(f, "nexus_spec")
    ]
    assert names and all(name.startswith("nexus_") for name in names)


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_fully_documented_in_its_docstring(hook):
    assert hook in DOCS, f"{hook} is not a hook specification"
    assert reference_problems(DOCS[hook], render_reference()) == []
    assert _signature(hook) == DOCS[hook].signature


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
        "nexus_new_thing's docstring has no Example:: section",
    ]
    broken = msgspec.structs.replace(DOCS["nexus_routes"], example="def broken(:\n")
    assert reference_problems(broken, render_reference()) == [
        "nexus_routes's example does not compile: invalid syntax (nexus_routes, line 1)"
    ]
