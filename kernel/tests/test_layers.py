"""The kernel flows one way: its packages form layers, with no cycles and no private reach.

Every module under ``kernel/src/nexus`` is parsed (``ast``) and each import of another
kernel package becomes an edge between packages. Three rules, each failing with the
offending import named:

- no package imports another package's private (underscore) modules — type-only imports
  included: a package states what others may use in its ``__init__``;
- a package imports at run time only packages of its own layer or below (``LAYERS``);
- the run-time package graph has no cycle.

Imports under ``if TYPE_CHECKING:`` create no import at run time and may point up only
where ``TYPE_ONLY_UP`` says why. ``kernel/README.md`` describes the layers.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "nexus"

# Lowest first. A package may import (at run time) packages of its own layer or below.
LAYERS: tuple[tuple[str, ...], ...] = (
    # foundation: configuration, logs and metrics, the version, the services' type
    ("settings", "version", "observability", "services", "lazy"),
    # the database adapter
    ("db",),
    # HTTP conventions every route uses: problems, request scope, limits, idempotency
    ("http",),
    # adapters with a request-bound port: cache (and the change channel), files
    ("cache", "blobs"),
    # the plugin registry, then the presets catalog over it
    ("plugins",),
    ("presets",),
    # kernel services: the outbox, bus and consumers; toggles and settings (which record
    # their changes in the outbox); callers and tenants (the gate consults the toggles)
    ("events",),
    # plans and metered usage: the limits features and identity enforce
    ("plans",),
    ("features",),
    ("identity", "tenancy"),
    # flows across services
    ("schema", "placement", "provisioning", "portability", "sso", "dr"),
    # the tenant's identity provider for its apps (OpenID Connect, SCIM): over identity
    ("idaas",),
    # front ends and composition
    ("console", "workspace"),
    ("compose",),
    ("app",),
    ("cli", "testing", "nexus"),
)

# Adapters know nothing of the registry, identity or features — not even their types.
ADAPTERS = ("db", "cache", "blobs")
ADAPTER_MODULES = ("nexus.events._envelope", "nexus.events._kafka", "nexus.events._postgres")
ABOVE_ADAPTERS = (
    "plugins",
    "presets",
    "plans",
    "features",
    "identity",
    "tenancy",
    "events",
    "compose",
)

# Type-only imports that point up, and why they may.
TYPE_ONLY_UP: dict[str, str] = {
    "services": "Kernel names each service's type; at run time it imports nothing, so any "
    "route may read its services through kernel_of without importing upward",
    "events": "the worker's consumers name the toggles and settings reader they are handed "
    "(built by nexus.compose); the worker never builds them",
}

# Loaded by name by a tool, imported by no kernel module: composition roots.
ENTRY_POINTS = {
    "nexus.__main__": "python -m nexus",
    "nexus.db.piccolo_conf": "PICCOLO_CONF for Piccolo's own CLI, which needs the plugins",
    "nexus.schema._child": "python -m nexus.schema._child, started by nexus.schema.migrator",
}


@dataclass(frozen=True)
class Import:
    """One import of another kernel package."""

    module: str
    line: int
    target: str
    type_only: bool

    @property
    def source_package(self) -> str:
        return _package(self.module)

    @property
    def target_package(self) -> str:
        return _package(self.target)

    def __str__(self) -> str:
        kind = " (type only)" if self.type_only else ""
        return f"{self.module}:{self.line} imports {self.target}{kind}"


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "nexus"


def _module_name(path: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(SOURCE.parent).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    return ".".join(parts[:-1] if is_package else parts), is_package


def _is_module(name: str) -> bool:
    return (SOURCE / name).is_dir() or (SOURCE / f"{name}.py").is_file()


def _type_checking_nodes(tree: ast.Module) -> set[int]:
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            inside.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    return inside


def _imports(path: Path) -> list[Import]:
    module, is_package = _module_name(path)
    tree = ast.parse(path.read_text(), filename=str(path))
    type_only = _type_checking_nodes(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")[: len(module.split(".")) - node.level + is_package]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target == "nexus":  # ``from nexus import compose`` imports nexus.compose
                targets = [
                    f"nexus.{alias.name}" if _is_module(alias.name) else "nexus"
                    for alias in node.names
                ]
            else:  # ``from nexus.db import _piccolo`` reaches a private module too
                targets = [target] + [
                    f"{target}.{alias.name}" for alias in node.names if alias.name.startswith("_")
                ]
        elif isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            continue
        for name in targets:
            if (name == "nexus" or name.startswith("nexus.")) and _package(name) != _package(
                module
            ):
                found.append(Import(module, node.lineno, name, id(node) in type_only))
    return found


def _all_imports() -> list[Import]:
    return [
        found
        for path in sorted(SOURCE.rglob("*.py"))
        if _module_name(path)[0] not in ENTRY_POINTS
        for found in _imports(path)
    ]


def _rank() -> dict[str, int]:
    return {package: rank for rank, layer in enumerate(LAYERS) for package in layer}


def _is_private(target: str) -> bool:
    return any(part.startswith("_") and not part.startswith("__") for part in target.split("."))


def private_imports(imports: list[Import]) -> list[str]:
    return [str(found) for found in imports if _is_private(found.target)]


def upward_imports(imports: list[Import]) -> list[str]:
    rank = _rank()
    return [
        str(found)
        for found in imports
        if rank[found.target_package] > rank[found.source_package]
        and not (found.type_only and found.source_package in TYPE_ONLY_UP)
    ]


def cycles(imports: list[Import]) -> list[list[str]]:
    graph: dict[str, set[str]] = {}
    for found in imports:
        if not found.type_only:
            graph.setdefault(found.source_package, set()).add(found.target_package)
    found_cycles: list[list[str]] = []
    done: set[str] = set()

    def visit(package: str, path: list[str]) -> None:
        if package in path:
            found_cycles.append([*path[path.index(package) :], package])
            return
        if package in done:
            return
        for target in sorted(graph.get(package, ())):
            visit(target, [*path, package])
        done.add(package)

    for package in sorted(graph):
        visit(package, [])
    return found_cycles


def test_every_kernel_package_has_a_layer():
    packages = {
        _package(_module_name(path)[0])
        for path in SOURCE.rglob("*.py")
        if _module_name(path)[0] not in ENTRY_POINTS
    }
    assert packages - set(_rank()) == set(), "add the new package to LAYERS"


def test_no_package_imports_another_packages_private_modules():
    assert private_imports(_all_imports()) == []


def test_imports_point_down_the_layers():
    assert upward_imports(_all_imports()) == []


def test_the_kernel_packages_import_each_other_without_cycles():
    assert cycles(_all_imports()) == []


def test_adapters_never_import_registry_identity_or_features():
    offending = [
        str(found)
        for found in _all_imports()
        if (found.source_package in ADAPTERS or found.module in ADAPTER_MODULES)
        and found.target_package in ABOVE_ADAPTERS
    ]
    assert offending == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "from nexus.features import Toggles\n",
            ["nexus.db._x:1 imports nexus.features"],
            id="adapter-imports-features",
        ),
        pytest.param(
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from nexus.plugins import PluginRegistry\n",
            ["nexus.db._x:3 imports nexus.plugins (type only)"],
            id="type-only-upward",
        ),
    ],
)
def test_an_upward_import_is_named(tmp_path, monkeypatch, source, expected):
    module = tmp_path / "nexus" / "db" / "_x.py"
    module.parent.mkdir(parents=True)
    module.write_text(source)
    monkeypatch.setattr(f"{__name__}.SOURCE", tmp_path / "nexus")
    assert upward_imports(_imports(module)) == expected


def test_a_cycle_and_a_private_import_are_named():
    imports = [
        Import("nexus.db._migrate", 3, "nexus.plugins", type_only=False),
        Import("nexus.plugins._doctor", 5, "nexus.db._migrate", type_only=False),
    ]
    assert cycles(imports) == [["db", "plugins", "db"]]
    assert private_imports(imports) == ["nexus.plugins._doctor:5 imports nexus.db._migrate"]
