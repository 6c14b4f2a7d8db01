"""Manifest validation: every check a plugin must pass before the kernel trusts it."""

from __future__ import annotations

import re

import msgspec
from nexus_hookspecs import Manifest
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

__all__ = ("NAME_PATTERN", "compatible_range", "manifest_problems")

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_FEATURE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def manifest_problems(manifest: object, *, hookspecs_version: str) -> list[str]:
    """Return every problem with ``manifest``, one sentence each (empty when valid)."""
    if not isinstance(manifest, Manifest):
        return [f"nexus_manifest() returned {type(manifest).__name__}, not a Manifest"]
    problems: list[str] = []
    if not NAME_PATTERN.match(manifest.name):
        problems.append(
            f"name {manifest.name!r} must be lower case letters, digits and '_', "
            "starting with a letter"
        )
    try:
        Version(manifest.version)
    except InvalidVersion:
        problems.append(f"version {manifest.version!r} is not a PEP 440 version")
    problems.extend(_compatibility_problems(manifest, hookspecs_version))
    problems.extend(_requirement_problems(manifest))
    problems.extend(_declaration_problems(manifest))
    return problems


def _requirement_problems(manifest: Manifest) -> list[str]:
    problems = []
    for required in manifest.requires:
        if not NAME_PATTERN.match(required):
            problems.append(f"requires names an invalid plugin name {required!r}")
        elif required == manifest.name:
            problems.append("a plugin cannot require itself")
    return problems


def _declaration_problems(manifest: Manifest) -> list[str]:
    problems = []
    keys = [feature.key for feature in manifest.features]
    for key in keys:
        if not _FEATURE_PATTERN.match(key):
            problems.append(f"feature key {key!r} must be lower case letters, digits and '_'")
    if len(set(keys)) != len(keys):
        problems.append("feature keys must be unique")
    for permission in manifest.permissions:
        if not permission.key.startswith(f"{manifest.name}."):
            problems.append(
                f"permission {permission.key!r} must start with the plugin name ({manifest.name}.)"
            )
    for event in manifest.event_names():
        if not event.startswith(f"{manifest.name}."):
            problems.append(f"event type {event!r} must start with {manifest.name}.")
    if manifest.settings is not None and not (
        isinstance(manifest.settings, type) and issubclass(manifest.settings, msgspec.Struct)
    ):
        problems.append("settings must be a msgspec.Struct subclass")
    return problems


def _compatibility_problems(manifest: Manifest, hookspecs_version: str) -> list[str]:
    try:
        wanted = SpecifierSet(manifest.hookspecs)
    except InvalidSpecifier:
        return [f"hookspecs range {manifest.hookspecs!r} is not a PEP 440 specifier"]
    if not wanted.contains(hookspecs_version, prereleases=True):
        return [
            f"incompatible: built for nexus-hookspecs {manifest.hookspecs}, but this kernel "
            f"has nexus-hookspecs {hookspecs_version} (compatible range "
            f"{compatible_range(hookspecs_version)})"
        ]
    return []


def compatible_range(hookspecs_version: str) -> str:
    """Return the range a plugin built against ``hookspecs_version`` should declare.

    Before 1.0 a minor release may break the contract (``0.1.3`` → ``>=0.1,<0.2``); from
    1.0 on only a major one does (``1.4.0`` → ``>=1.4,<2``).
    """
    try:
        release = Version(hookspecs_version).release
    except InvalidVersion:
        return f"=={hookspecs_version}"
    major, minor = (*release, 0)[:2]
    upper = f"{major}.{minor + 1}" if major == 0 else f"{major + 1}"
    return f">={major}.{minor},<{upper}"
