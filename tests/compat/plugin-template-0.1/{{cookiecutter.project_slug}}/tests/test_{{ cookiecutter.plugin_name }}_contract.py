"""What the kernel checks before loading the plugin, and the preset fragment."""

from __future__ import annotations

from importlib.resources import files

from nexus.testing import (
    PluginState,
    load_test_plugins,
    load_test_presets,
    plugin_findings,
    preset_problems,
)

import {{ cookiecutter.module }}
from {{ cookiecutter.module }}._settings import {{ cookiecutter.__class_prefix }}Settings

PRESETS = files("{{ cookiecutter.module }}") / "presets"


def test_the_kernel_loads_the_plugin_and_the_doctor_finds_nothing():
    registry = load_test_plugins([{{ cookiecutter.module }}])
    record = registry.get("{{ cookiecutter.plugin_name }}")
    assert (record.state, record.reason) == (PluginState.LOADED, None)
    assert plugin_findings(registry) == []


def test_the_preset_fragment_validates_against_the_settings_schema():
    registry = load_test_plugins([{{ cookiecutter.module }}])
    catalog = load_test_presets([str(PRESETS)])
    assert preset_problems(catalog, registry) == []
    preset = catalog.resolve("{{ cookiecutter.plugin_name.replace('_', '-') }}-starter", registry=registry)
    assert "{{ cookiecutter.plugin_name }}" in preset.plugins
    assert preset.settings["{{ cookiecutter.plugin_name }}"]["max_items"] == 500


def test_settings_have_defaults_for_tenants_without_a_preset():
    assert {{ cookiecutter.__class_prefix }}Settings().max_items == 1000
