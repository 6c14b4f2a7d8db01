"""The events catalogue: every event type the kernel and the loaded plugins publish.

Its one source is what each publisher declares: a plugin's ``Manifest.events``
(:class:`~nexus_hookspecs.EventType` items, or bare type names) and the kernel's
:data:`KERNEL_EVENTS`. ``nexus events catalog`` prints it; ``scripts/gen_docs.py`` writes
:func:`render_catalog` over the first-party plugins to ``docs/plugins/events.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec

from nexus.events import KERNEL_SOURCE
from nexus.features import FEATURE_EVENTS
from nexus.identity import IDENTITY_EVENTS, USER_PROVISIONED_EVENT
from nexus.plans import USAGE_PERIOD_CLOSED_EVENT
from nexus.plugins import PluginState
from nexus.provisioning import TENANT_PROVISIONED_EVENT

if TYPE_CHECKING:
    from nexus_hookspecs import EventType

    from nexus.plugins import PluginRegistry

__all__ = ("KERNEL_EVENTS", "CatalogEntry", "event_catalog", "render_catalog")

NO_SCHEMA = "no payload schema declared"


KERNEL_EVENTS: tuple[EventType, ...] = (
    *FEATURE_EVENTS,
    TENANT_PROVISIONED_EVENT,
    USER_PROVISIONED_EVENT,
    *IDENTITY_EVENTS,
    USAGE_PERIOD_CLOSED_EVENT,
)
"""The event types the kernel itself publishes (source ``/nexus/nexus``)."""


class CatalogEntry(msgspec.Struct, frozen=True, kw_only=True):
    """One event type in the catalogue.

    Attributes:
        plugin: The publishing plugin, or ``nexus`` for the kernel.
        type: The versioned event type (``crm.deal.won.v1``).
        description: When it is emitted ("" when the publisher did not say).
        payload: The name of the payload's Struct, or ``None`` when undeclared.
        schema: The payload's JSON Schema (``msgspec.json.schema``), or ``None``.
    """

    plugin: str
    type: str
    description: str
    payload: str | None
    schema: dict[str, Any] | None


def _entry(plugin: str, event: EventType) -> CatalogEntry:
    payload = event.payload
    return CatalogEntry(
        plugin=plugin,
        type=event.type,
        description=event.description,
        payload=payload.__name__ if payload is not None else None,
        schema=msgspec.json.schema(payload) if payload is not None else None,
    )


def event_catalog(registry: PluginRegistry, *, kernel: bool = True) -> list[CatalogEntry]:
    """Every event type the loaded plugins (and, with ``kernel``, the kernel) declare.

    Ordered by publisher (the kernel first), then in the order each declares them.
    """
    entries = [_entry(KERNEL_SOURCE, event) for event in KERNEL_EVENTS] if kernel else []
    for record in registry.records:
        if record.state is PluginState.LOADED and record.manifest is not None:
            entries += [_entry(record.name, e) for e in record.manifest.event_types()]
    return entries


_HEADER = """\
# Events catalogue

<!-- Generated from the manifests of the first-party plugins and the kernel's own event
     types: do not edit by hand. Regenerate with `uv run python scripts/gen_docs.py`;
     tests/test_docs_generated.py fails when this file is stale. -->

Every event type the kernel and the first-party plugins publish: who publishes it, when,
and the JSON Schema of its `data`. Each is a CloudEvent (`nexus_hookspecs.CloudEvent`) whose
`type` is `<plugin>.<thing>.<what happened>.v<N>`; a change to a payload that breaks its
readers gets a new `v<N>`. `nexus events catalog` prints the same for whatever is installed
(`--json` for tools), third-party plugins included. A plugin declares its events in its
manifest (`events=(EventType(type=..., description=..., payload=SomeStruct),)`); a bare type
name there shows here as "{no_schema}".

| type | publisher | when |
|---|---|---|
"""


def _anchor(event_type: str) -> str:
    return event_type.replace(".", "")


def _ref_name(schema: dict[str, Any]) -> str:
    return str(schema["$ref"]).rsplit("/", 1)[-1]


def _type_of(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return _ref_name(schema)
    if "anyOf" in schema:
        return " or ".join(_type_of(option) for option in schema["anyOf"])
    kind = str(schema.get("type", "any"))
    if kind == "array" and "items" in schema:
        return f"array of {_type_of(schema['items'])}"
    return f"{kind} ({schema['format']})" if "format" in schema else kind


def _fields(schema: dict[str, Any]) -> list[str]:
    """A table of the payload's top-level fields, from its JSON Schema."""
    target = schema
    if "$ref" in schema:
        target = schema.get("$defs", {}).get(_ref_name(schema), {})
    properties: dict[str, Any] = target.get("properties", {})
    if not properties:
        return []
    required = set(target.get("required", ()))
    lines = ["| field | type | required | meaning |", "|---|---|---|---|"]
    for name, field in properties.items():
        meaning = str(field.get("description", "")).replace("|", "\\|").replace("\n", " ")
        yes = "yes" if name in required else "no"
        lines.append(f"| `{name}` | {_type_of(field)} | {yes} | {meaning} |")
    return lines


def _section(entry: CatalogEntry) -> str:
    lines = [f"## `{entry.type}`", "", f"Published by `{entry.plugin}`."]
    if entry.description:
        lines += ["", entry.description]
    if entry.schema is None:
        lines += ["", f"Payload: {NO_SCHEMA}."]
    else:
        schema = msgspec.json.format(msgspec.json.encode(entry.schema), indent=2).decode()
        lines += ["", f"Payload: `{entry.payload}`.", "", *_fields(entry.schema)]
        lines += ["", "<details><summary>JSON Schema</summary>", "", "```json", schema]
        lines += ["```", "", "</details>"]
    return "\n".join(lines) + "\n"


def render_catalog(entries: list[CatalogEntry]) -> str:
    """Return the catalogue as a Markdown page (``docs/plugins/events.md``)."""
    table = "".join(
        f"| [`{e.type}`](#{_anchor(e.type)}) | `{e.plugin}` | {e.description or '—'} |\n"
        for e in entries
    )
    header = _HEADER.format(no_schema=NO_SCHEMA)
    return header + table + "\n" + "\n".join(_section(entry) for entry in entries)
