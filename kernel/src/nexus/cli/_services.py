"""The services catalogue (``nexus services catalog``) and ``docs/plugins/services.md``.

Its one source is what each plugin registers from ``nexus_services``: every
:class:`~nexus_hookspecs.Service`'s name, description, request and response types.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec
import rich_click as click
from rich.console import Console
from rich.table import Column, Table

from nexus.cli._catalog import _fields
from nexus.cli._common import echo_json, friendly_errors, load_settings
from nexus.plugins import load_plugins

if TYPE_CHECKING:
    from nexus_hookspecs import Service

    from nexus.plugins import PluginRegistry

__all__ = ("ServiceEntry", "render_service_catalog", "service_catalog", "services")


class ServiceEntry(msgspec.Struct, frozen=True, kw_only=True):
    """One service in the catalogue.

    Attributes:
        name: ``<plugin>.<verb>``.
        plugin: The providing plugin.
        description: What it does and its side effects.
        request: The name of the request Struct.
        response: The name of what it answers (``null`` for nothing).
        request_schema: The request's JSON Schema (``msgspec.json.schema``).
        response_schema: The response's JSON Schema.
    """

    name: str
    plugin: str
    description: str
    request: str
    response: str
    request_schema: dict[str, Any]
    response_schema: dict[str, Any]


def _type_name(type_: Any) -> str:
    if type_ is None or type_ is type(None):
        return "null"
    args = getattr(type_, "__args__", None)
    origin = getattr(type_, "__origin__", None)
    if origin is not None and args:
        return f"{getattr(origin, '__name__', origin)}[{', '.join(map(_type_name, args))}]"
    return str(getattr(type_, "__name__", type_))


def _entry(service: Service) -> ServiceEntry:
    response = None if service.response is None else service.response
    return ServiceEntry(
        name=service.name,
        plugin=service.name.split(".", 1)[0],
        description=service.description,
        request=_type_name(service.request),
        response=_type_name(response),
        request_schema=msgspec.json.schema(service.request),
        response_schema=msgspec.json.schema(response if response is not None else type(None)),
    )


def service_catalog(registry: PluginRegistry) -> list[ServiceEntry]:
    """Every service the loaded plugins offer, by provider in start order, then as registered."""
    return [_entry(service) for service in registry.services().values()]


_HEADER = """\
# Services catalogue

<!-- Generated from the services the first-party plugins register (nexus_services): do
     not edit by hand. Regenerate with `uv run python scripts/gen_docs.py`;
     tests/test_docs_generated.py fails when this file is stale. -->

Every operation a first-party plugin offers the others through the kernel's services port:
who provides it, what it does, and the JSON Schemas of what a caller sends and gets back.
A caller runs one with `await services.call(conn, "<name>", data, result=MyStruct)` inside
its own transaction (the provider's writes and events commit or roll back with it); it
answers 409 with `blocking: ["<plugin>"]` when the provider is not enabled for the tenant.
`nexus services catalog` prints the same for whatever is installed (`--json` for tools),
third-party plugins included. See "Services" in `hookspecs/README.md`.

"""


def _anchor(name: str) -> str:
    return name.replace(".", "")


def _schema_block(title: str, schema: dict[str, Any]) -> list[str]:
    text = msgspec.json.format(msgspec.json.encode(schema), indent=2).decode()
    return ["", f"<details><summary>{title} JSON Schema</summary>", "", "```json", text]


def _section(entry: ServiceEntry) -> str:
    lines = [f"## `{entry.name}`", "", f"Provided by `{entry.plugin}`."]
    lines += ["", entry.description, "", f"Request: `{entry.request}`."]
    fields = _fields(entry.request_schema)
    if fields:
        lines += ["", *fields]
    lines += _schema_block("Request", entry.request_schema) + ["```", "", "</details>"]
    lines += ["", f"Response: `{entry.response}`."]
    fields = _fields(entry.response_schema)
    if fields:
        lines += ["", *fields]
    lines += _schema_block("Response", entry.response_schema) + ["```", "", "</details>"]
    return "\n".join(lines) + "\n"


def render_service_catalog(entries: list[ServiceEntry]) -> str:
    """Return the catalogue as a Markdown page (``docs/plugins/services.md``)."""
    if not entries:
        return _HEADER + "No first-party plugin offers a service yet.\n"
    table = "| service | provider | what it does |\n|---|---|---|\n" + "".join(
        f"| [`{e.name}`](#{_anchor(e.name)}) | `{e.plugin}` | {e.description} |\n" for e in entries
    )
    return _HEADER + table + "\n" + "\n".join(_section(entry) for entry in entries)


@click.group()
def services() -> None:
    """Services plugins offer each other: catalog."""


@services.command("catalog")
@click.option("--json", "as_json", is_flag=True, help="Print JSON, request and response schemas.")
@friendly_errors
def catalog(as_json: bool) -> None:
    """List every service the loaded plugins offer each other.

    For each: the name, the providing plugin, what it does, and (--json) the JSON Schemas
    of its request and response. docs/plugins/services.md is the same for the first-party
    plugins.
    """
    entries = service_catalog(load_plugins(load_settings()))
    if as_json:
        echo_json(entries)
        return
    table = Table(
        Column("service", no_wrap=True), "provider", "what it does", "request", "response"
    )
    for entry in entries:
        table.add_row(entry.name, entry.plugin, entry.description, entry.request, entry.response)
    Console().print(table)
