"""Every request body of a first-party plugin shows an example in the OpenAPI document.

The app is built with every plugin bundled under ``plugins/`` (read from their
``pyproject.toml`` entry points, so ``NEXUS_PLUGINS`` cannot leave one out) and is never
started: ``/schema/openapi.json`` is served without a database. For each operation below
``/api/v1/<plugin>/`` that takes a body, every media type of the body must carry an example;
a JSON example must decode into the handler's body type as the server decodes a request; and
it must be the manifest's ``example_payloads`` entry for that route, so the isolation contract
test sends what the document shows.
"""

from __future__ import annotations

import copy
import importlib
import tomllib
from pathlib import Path
from typing import Any

import msgspec
import pytest
from litestar.routes import HTTPRoute
from litestar.testing import TestClient
from nexus.app import create_app
from nexus.plugins import API_PREFIX, load_plugins
from nexus.settings import Settings

_PLUGINS_DIR = Path(__file__).resolve().parents[1] / "plugins"
_BODY_METHODS = ("post", "put", "patch")
_JSON = "application/json"


def _first_party() -> dict[str, object]:
    """The plugins ``plugins/*/pyproject.toml`` register as ``nexus.plugins``, by name."""
    modules = {}
    for pyproject in sorted(_PLUGINS_DIR.glob("*/pyproject.toml")):
        project = tomllib.loads(pyproject.read_text())["project"]
        for name, target in project["entry-points"]["nexus.plugins"].items():
            modules[name] = importlib.import_module(target.partition(":")[0])
    return modules


FIRST_PARTY = _first_party()


def _build() -> tuple[dict[str, Any], dict[str, dict[str, Any]], dict[tuple[str, str], Any]]:
    settings = Settings(log_level="warning", database_url="postgresql://unused.invalid/nexus")
    registry = load_plugins(settings, plugins=list(FIRST_PARTY.values()))
    examples = {
        record.name: dict(record.manifest.example_payloads)
        for record in registry.loaded
        if record.manifest
    }
    app = create_app(settings, registry=registry)  # never started: no connection
    body_types: dict[tuple[str, str], Any] = {}
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            data = handler.parsed_fn_signature.parameters.get("data")
            if data is not None:
                for method in handler.http_methods:
                    body_types[(method.lower(), route.path_format)] = data.annotation
    schema = TestClient(app).get("/schema/openapi.json").raise_for_status().json()
    return schema, examples, body_types


SCHEMA, EXAMPLES, BODY_TYPES = _build()
PLUGINS = sorted(EXAMPLES)


def _media_examples(media: dict[str, Any]) -> list[Any]:
    """The examples a media type object shows: ``example``, ``examples`` or its schema's."""
    found = [media["example"]] if "example" in media else []
    found += [item["value"] for item in media.get("examples", {}).values() if "value" in item]
    found += list(media.get("schema", {}).get("examples", []))
    return found


def body_operations(schema: dict[str, Any], plugin: str) -> list[tuple[str, str, dict[str, Any]]]:
    """``(method, path, content)`` of each of ``plugin``'s operations that takes a body."""
    prefix = f"{API_PREFIX}/{plugin}"
    return [
        (method, path, operation["requestBody"].get("content", {}))
        for path, item in schema["paths"].items()
        if path == prefix or path.startswith(prefix + "/")
        for method, operation in item.items()
        if method in _BODY_METHODS and "requestBody" in operation
    ]


def missing_examples(schema: dict[str, Any], plugin: str) -> list[str]:
    """Each body (and media type) of ``plugin`` that the document shows no example for."""
    missing = []
    for method, path, content in body_operations(schema, plugin):
        if not content:
            missing.append(f"{method.upper()} {path}: a body without a media type")
        missing += [
            f"{method.upper()} {path} ({media_type})"
            for media_type, media in content.items()
            if not _media_examples(media)
        ]
    return missing


def invalid_examples(schema: dict[str, Any], plugin: str) -> list[str]:
    """Each JSON example of ``plugin`` that its handler's body type refuses, with the reason."""
    invalid = []
    for method, path, content in body_operations(schema, plugin):
        body_type = BODY_TYPES.get((method, path))
        if _JSON not in content or body_type is None:
            continue
        for example in _media_examples(content[_JSON]):
            try:  # what a client sends is JSON, decoded the way a request's body is
                msgspec.json.decode(msgspec.json.encode(example), type=body_type, strict=False)
            except msgspec.ValidationError as exc:
                invalid.append(f"{method.upper()} {path}: {exc}")
    return invalid


def unlike_manifest(schema: dict[str, Any], plugin: str) -> list[str]:
    """Each JSON body of ``plugin`` whose example is not its manifest's ``example_payloads``."""
    examples = EXAMPLES.get(plugin, {})
    problems = []
    for method, path, content in body_operations(schema, plugin):
        if _JSON not in content:
            continue
        key = f"{method.upper()} {path[len(f'{API_PREFIX}/{plugin}') :] or '/'}"
        shown = _media_examples(content[_JSON])
        if key not in examples:
            problems.append(f"{key}: no example_payloads entry")
        elif shown and examples[key] not in shown:  # none shown: missing_examples names it
            problems.append(f"{key}: the document shows another example than example_payloads")
    return problems


def test_every_first_party_plugin_is_in_the_document():
    assert {"crm", "finance", "inventory"} <= set(FIRST_PARTY)
    not_loaded = sorted(set(FIRST_PARTY) - set(PLUGINS))
    assert not not_loaded, f"bundled plugins that did not load: {not_loaded}"
    for plugin in PLUGINS:
        assert body_operations(SCHEMA, plugin), f"{plugin} documents no operation with a body"


@pytest.mark.parametrize("plugin", PLUGINS)
def test_every_request_body_shows_an_example(plugin):
    missing = missing_examples(SCHEMA, plugin)
    assert not missing, f"{plugin}: request bodies without an example: {missing}"


@pytest.mark.parametrize("plugin", PLUGINS)
def test_every_json_example_fits_its_body_type(plugin):
    invalid = invalid_examples(SCHEMA, plugin)
    assert not invalid, f"{plugin}: examples the route would refuse: {invalid}"


@pytest.mark.parametrize("plugin", PLUGINS)
def test_json_examples_are_the_manifests_example_payloads(plugin):
    problems = unlike_manifest(SCHEMA, plugin)
    assert not problems, f"{plugin}: {problems}; use the example_payloads dict in body()"


def _without_example(method: str, path: str) -> dict[str, Any]:
    schema = copy.deepcopy(SCHEMA)
    media = schema["paths"][path][method]["requestBody"]["content"][_JSON]
    media.pop("example", None)
    media.pop("examples", None)
    media.get("schema", {}).pop("examples", None)
    return schema


def test_the_checks_name_a_removed_or_broken_example():
    path = f"{API_PREFIX}/crm/deals/{{deal_id}}"
    removed = _without_example("patch", path)
    assert missing_examples(removed, "crm") == [f"PATCH {path} ({_JSON})"]
    assert unlike_manifest(removed, "crm") == []  # no example, nothing to compare

    broken = copy.deepcopy(SCHEMA)
    create = broken["paths"][f"{API_PREFIX}/crm/deals"]["post"]["requestBody"]["content"][_JSON]
    create["schema"]["examples"] = [{"amount": "12500.00"}]  # no title
    assert [p.split(":")[0] for p in invalid_examples(broken, "crm")] == [
        f"POST {API_PREFIX}/crm/deals"
    ]
    assert unlike_manifest(broken, "crm") == [
        "POST /deals: the document shows another example than example_payloads"
    ]


@pytest.mark.parametrize("plugin", PLUGINS)
def test_every_operation_is_described_by_its_handlers_docstring(plugin):
    prefix = f"{API_PREFIX}/{plugin}"
    undescribed = [
        f"{method.upper()} {path}"
        for path, item in SCHEMA["paths"].items()
        if path.startswith(prefix)
        for method, operation in item.items()
        if isinstance(operation, dict) and "responses" in operation
        if not operation.get("description")
    ]
    assert not undescribed, f"{plugin}: operations without a description: {undescribed}"
