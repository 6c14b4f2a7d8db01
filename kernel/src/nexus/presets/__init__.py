"""The presets catalog: industry starting points a tenant is created from.

A preset is one TOML file naming the plugins it switches on, feature keys it sets, and
per-plugin settings and seed data; it may ``extend`` another preset. Preset packs are
packages registered in the entry point group ``nexus.presets`` (the first-party pack is
``nexus-presets``); the file format is documented in ``presets/README.md``.

Example::

    from nexus.plugins import load_plugins
    from nexus.presets import load_presets, validate

    catalog = load_presets()
    registry = load_plugins()
    retail = catalog.resolve("retail", registry=registry)  # extends applied, requires closed
    problems = validate(catalog, registry)
"""

from __future__ import annotations

from nexus.presets._catalog import PresetCatalog, close_requires
from nexus.presets._diff import FeatureChange, PresetDiff, SettingChange, diff
from nexus.presets._load import ENTRY_POINT_GROUP, load_presets, load_presets_from
from nexus.presets._parse import parse_preset
from nexus.presets._schema import (
    Preset,
    PresetError,
    Problem,
    ResolvedPreset,
    UnknownPresetError,
)
from nexus.presets._validate import validate

__all__ = (
    "ENTRY_POINT_GROUP",
    "FeatureChange",
    "Preset",
    "PresetCatalog",
    "PresetDiff",
    "PresetError",
    "Problem",
    "ResolvedPreset",
    "SettingChange",
    "UnknownPresetError",
    "close_requires",
    "diff",
    "load_presets",
    "load_presets_from",
    "parse_preset",
    "validate",
)
