"""The preset pack's presets validate against the plugins they name."""

from __future__ import annotations

import json
import sys
from importlib.resources import files
from pathlib import Path

import pytest
from nexus.testing import load_test_plugins, load_test_presets, preset_problems

PACK = Path(__file__).parents[1] / "src" / "acme_presets"
LOYALTY_SOURCE = Path(__file__).parents[2] / "loyalty" / "src"


@pytest.fixture(scope="module")
def registry():
    nexus_crm = pytest.importorskip("nexus_crm")
    try:
        import acme_loyalty
    except ImportError:  # in the Nexus repository: the example plugin's source tree
        sys.path.insert(0, str(LOYALTY_SOURCE))
        import acme_loyalty
    return load_test_plugins([nexus_crm, acme_loyalty])


@pytest.fixture(scope="module")
def catalog():
    # The pack's presets extend the first-party "base" preset of nexus-presets; the other
    # first-party presets name plugins this pack's tests do not load.
    return load_test_presets([str(files("nexus_presets") / "base.toml"), str(PACK)])


def test_every_preset_of_the_pack_validates(catalog, registry):
    assert preset_problems(catalog, registry) == []


def test_fitness_studio_switches_on_crm_and_loyalty_with_its_settings(catalog, registry):
    preset = catalog.resolve("fitness-studio", registry=registry)
    assert preset.chain == ("base", "fitness-studio")
    assert set(preset.plugins) >= {"crm", "loyalty"}
    assert preset.settings["loyalty"]["points_per_unit"] == 10
    assert preset.industry == "fitness"


def test_every_preset_has_an_example_profile(catalog):
    examples = {
        json.loads(path.read_text())["preset"] for path in (PACK / "examples").glob("*.json")
    }
    presets = {path.stem for path in PACK.glob("*.toml")}
    assert examples == presets
