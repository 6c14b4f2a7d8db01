"""What the kernel checks before loading the plugin, and the preset fragment."""

from __future__ import annotations

from importlib.resources import files

import nexus_projects
from nexus.testing import (
    PluginState,
    load_test_plugins,
    load_test_presets,
    plugin_findings,
    preset_problems,
)
from nexus_projects._settings import ProjectsSettings

PRESETS = files("nexus_projects") / "presets"


def test_the_kernel_loads_the_plugin_and_the_doctor_finds_nothing():
    registry = load_test_plugins([nexus_projects])
    record = registry.get("projects")
    assert (record.state, record.reason) == (PluginState.LOADED, None)
    assert plugin_findings(registry) == []


def test_the_preset_fragment_validates_against_the_settings_schema():
    registry = load_test_plugins([nexus_projects])
    catalog = load_test_presets([str(PRESETS)])
    assert preset_problems(catalog, registry) == []
    preset = catalog.resolve("projects-starter", registry=registry)
    assert "projects" in preset.plugins
    assert preset.settings["projects"]["max_items"] == 500


def test_settings_have_defaults_for_tenants_without_a_preset():
    assert ProjectsSettings().max_items == 1000
