"""Plugins that are wrong in one way each, for the registry's failure tests."""

from __future__ import annotations

from typing import Any

from nexus_hookspecs import Manifest, hookimpl


class SamplePlugin:
    """A plugin object whose hook implementations are set as instance attributes."""


def plugin(manifest: Manifest, **hooks: Any) -> SamplePlugin:
    """Build a plugin object with a manifest and extra hook implementations."""
    sample = SamplePlugin()
    sample.nexus_manifest = hookimpl(lambda: manifest)  # type: ignore[attr-defined]
    for name, function in hooks.items():
        setattr(sample, name, hookimpl(function))
    return sample


def named(name: str, **fields: Any) -> SamplePlugin:
    """A valid plugin called ``name`` with manifest ``fields``."""
    return plugin(Manifest(name=name, version="1.0.0", title=name.title(), **fields))
