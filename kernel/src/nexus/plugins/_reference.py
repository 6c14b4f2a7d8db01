"""The hooks reference, generated from the hook specifications' docstrings.

The docstrings in ``nexus_hookspecs._specs`` are the one source: ``scripts/gen_docs.py``
writes :func:`render_reference` to ``docs/plugins/hooks.md`` and :func:`render_readme_block`
between the ``hooks`` markers of ``hookspecs/README.md``; ``nexus plugins hooks-reference``
prints the former. ``tests/test_hooks_reference.py`` fails when either file is stale, when
a hook lacks a docstring section, or when a hook has no ``Example::``.
"""

from __future__ import annotations

import inspect
import re
import textwrap
from typing import Any

import msgspec
from nexus_hookspecs import specs

__all__ = (
    "EXAMPLE_IMPORTS",
    "EXAMPLE_STAND_INS",
    "HookDoc",
    "hook_docs",
    "render_readme_block",
    "render_reference",
)

_SECTION = re.compile(r"^(Args|Arguments|Returns|Example|Examples|Raises):{1,2}\s*$")
_ROLE = re.compile(r":(?:class|func|meth|data|attr|mod|exc):`~?([\w.]+)`")

EXAMPLE_IMPORTS = """\
import asyncio
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from litestar import Controller, Litestar, get
from litestar.types import ControllerRouterHandler
from nexus_hookspecs import (
    Background,
    CloudEvent,
    Connection,
    EventContext,
    EventHandler,
    EventType,
    Feature,
    Manifest,
    Permission,
    Prompt,
    PurgeReport,
    Resource,
    Service,
    ServiceContext,
    TenantRef,
    Tool,
    UiCard,
    UiKanban,
    UiResource,
    hookimpl,
    new_id,
)
from nexus_hookspecs.http import Db, route_opt
"""
"""The imports every example in the reference assumes (shown at the top of the reference)."""

EXAMPLE_STAND_INS = """\
from uuid import UUID

import msgspec
import structlog

log = structlog.get_logger()


class LoyaltySettings(msgspec.Struct, frozen=True, kw_only=True):
    points_per_unit: Decimal = Decimal("0.1")
    gold_threshold: int = 1000


class PointsAwarded(msgspec.Struct, frozen=True, kw_only=True):
    member_id: UUID
    points: int


class Member(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    name: str


class Redeem(msgspec.Struct, frozen=True, kw_only=True):
    member_id: UUID
    points: int


class Redeemed(msgspec.Struct, frozen=True, kw_only=True):
    value: Decimal


async def delete_card_images(tenant_id: UUID, keys: list[str]) -> None: ...
async def create_card_printer_queue(tenant_id: UUID, *, exist_ok: bool) -> None: ...
async def delete_card_printer_queue(tenant_id: UUID, *, missing_ok: bool) -> None: ...
async def expire_points_nightly() -> None: ...


class _Members:
    async def search(self, conn: Connection, query: str) -> list[Member]: ...


members = _Members()
"""
"""The example plugin's own names the examples use, for the docs' sample check only."""


class HookDoc(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the reference says about one hook.

    Attributes:
        name: The hook's name (``nexus_…``).
        signature: ``def name(params) -> returns``, as in the specification.
        firstresult: Whether one answer per plugin is taken (a deciding hook).
        historic: Whether late registrations are called with past calls.
        summary: The docstring's first line.
        description: The rest of the docstring before its sections (when it is called).
        arguments: Parameter → (annotation, meaning).
        returns: What the hook returns, or an empty string for nothing.
        example: The docstring's ``Example::`` section: a short implementation.
    """

    name: str
    signature: str
    firstresult: bool
    historic: bool
    summary: str
    description: str
    arguments: dict[str, tuple[str, str]]
    returns: str
    example: str


def _markdown(text: str) -> str:
    text = _ROLE.sub(lambda match: f"`{match.group(1).rsplit('.', 1)[-1]}`", text)
    return text.replace("``", "`")


def _sections(doc: str) -> tuple[str, dict[str, str]]:
    """Split a Google-style docstring into its free text and its named sections."""
    free: list[str] = []
    sections: dict[str, list[str]] = {}
    current: list[str] = free
    for line in doc.splitlines():
        match = _SECTION.match(line)
        if match:
            name = {"Arguments": "Args", "Examples": "Example"}.get(match[1], match[1])
            current = sections.setdefault(name, [])
        else:
            current.append(line)
    return "\n".join(free).strip(), {
        k: textwrap.dedent("\n".join(v)).strip() for k, v in sections.items()
    }


def _arguments(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    name = None
    for line in text.splitlines():
        match = re.match(r"^(\w+)(?: \([^)]*\))?: (.*)$", line)
        if match:
            name = match[1]
            found[name] = match[2].strip()
        elif name and line.strip():
            found[name] += " " + line.strip()
    return found


def hook_docs() -> list[HookDoc]:
    """Describe every hook specification, in the order the specifications define them."""
    docs = []
    functions = inspect.getmembers(specs, inspect.isfunction)
    for name, function in sorted(functions, key=lambda item: item[1].__code__.co_firstlineno):
        options: dict[str, Any] | None = getattr(function, "nexus_spec", None)
        if options is None:
            continue
        signature = inspect.signature(function)
        free, sections = _sections(inspect.getdoc(function) or "")
        summary, _, description = free.partition("\n")
        meanings = _arguments(sections.get("Args", ""))
        arguments = {
            parameter.name: (
                str(parameter.annotation).replace("'", ""),
                _markdown(" ".join(meanings.get(parameter.name, "").split())),
            )
            for parameter in signature.parameters.values()
        }
        docs.append(
            HookDoc(
                name=name,
                signature=f"def {name}{signature}".replace("'", ""),
                firstresult=bool(options.get("firstresult")),
                historic=bool(options.get("historic")),
                summary=_markdown(summary.strip()),
                description=_markdown(" ".join(description.split())),
                arguments=arguments,
                returns=_markdown(" ".join(sections.get("Returns", "").split())),
                example=sections.get("Example", ""),
            )
        )
    return docs


_HEADER = """\
# Hooks reference

<!-- Generated from the hook specifications' docstrings in nexus_hookspecs: do not edit by
     hand. Regenerate with `uv run python scripts/gen_docs.py`;
     tests/test_hooks_reference.py fails when this file is stale. -->

Every hook a plugin may implement, with its exact signature, when the kernel calls it,
what it receives and returns, and a short example. Implement a hook by defining a function
of the same name marked with `@hookimpl` (from `nexus_hookspecs`) in the module your
`nexus.plugins` entry point names; implement only the hooks you need (`nexus_manifest` is
required). Parameters may be left out of an implementation: pluggy passes only those it
names.

The kernel calls each plugin's implementation on its own, in start order (a plugin after
the plugins it `requires`), so every contribution is attributed to the plugin that made it.
Hooks that *contribute* take a `register` callback; hooks that *decide* are `firstresult`
(one answer per plugin). Where it says so, a hook may return an awaitable; the kernel
awaits it. `NEXUS_TRACE_HOOKS=1` logs every hook call with its plugins and duration.

"""

_BLOCK_INTRO = """\
The examples assume these imports; `LoyaltySettings`, `PointsAwarded`, `Member`, `log` and
the helpers they call are the example plugin's own.

<!-- sample: context -->
```python
{imports}```

<!-- sample-context
{stand_ins}-->

| hook | kind | summary |
|---|---|---|
"""


def _kind(doc: HookDoc) -> str:
    if doc.firstresult:
        return "decides (`firstresult`)"
    if "register" in doc.arguments:
        return "contributes (`register`)"
    return "reacts"


def _nothing(doc: HookDoc) -> str:
    if doc.signature.endswith("-> Awaitable[None] | None"):
        return "nothing, or an awaitable of nothing (the kernel awaits it)."
    return "nothing (the return value is ignored)."


def _section(doc: HookDoc) -> str:
    lines = [f"### `{doc.name}`", "", "```python", f"{doc.signature}: ...", "```"]
    lines += ["", doc.summary]
    if doc.description:
        lines += ["", doc.description]
    lines += ["", f"**Kind:** {_kind(doc)}" + (", `historic`" if doc.historic else "") + "."]
    if doc.arguments:
        lines += ["", "| parameter | type | meaning |", "|---|---|---|"]
        for parameter, (annotation, meaning) in doc.arguments.items():
            cell = annotation.replace("|", "\\|")
            lines.append(f"| `{parameter}` | `{cell}` | {meaning} |")
    lines += ["", f"**Returns:** {doc.returns or _nothing(doc)}"]
    if doc.example:
        lines += ["", "```python", doc.example, "```"]
    return "\n".join(lines) + "\n"


def render_readme_block() -> str:
    """Return the reference without its page header: the examples' imports, table, hooks."""
    docs = hook_docs()
    intro = _BLOCK_INTRO.format(imports=EXAMPLE_IMPORTS, stand_ins=EXAMPLE_STAND_INS)
    table = "".join(f"| [`{d.name}`](#{d.name}) | {_kind(d)} | {d.summary} |\n" for d in docs)
    return intro + table + "\n" + "\n".join(_section(doc) for doc in docs)


def render_reference() -> str:
    """Return the whole reference as a Markdown page (``docs/plugins/hooks.md``)."""
    return _HEADER + render_readme_block()
