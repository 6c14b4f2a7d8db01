"""The example third-party distributions in contrib/, installed from outside the repository.

``acme-loyalty`` (plugin ``loyalty``, requires ``crm``) and ``acme-nexus-presets`` (a preset
pack) are found through their entry points only, like anything from PyPI.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import install, nexus

CONTRIB = Path(__file__).parents[1] / "contrib"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    target = tmp_path_factory.mktemp("examples-site")
    install(CONTRIB / "loyalty", target)
    install(CONTRIB / "preset-pack", target)
    return target


def test_loyalty_is_listed_from_its_own_distribution_after_the_crm(site):
    listed = nexus("plugins", "list", "--json", path=[site], env={"NEXUS_PLUGINS": "crm,loyalty"})
    assert listed.returncode == 0, listed.stderr
    rows = {row["name"]: row for row in json.loads(listed.stdout)}
    assert rows["loyalty"]["distribution"] == "acme-loyalty"
    assert rows["loyalty"]["version"] == "1.0.0"
    assert rows["loyalty"]["requires"] == ["crm"]
    assert rows["loyalty"]["state"] == rows["crm"]["state"] == "loaded"
    doctor = nexus("plugins", "doctor", path=[site], env={"NEXUS_PLUGINS": "crm,loyalty"})
    assert doctor.returncode == 0, doctor.stderr


def test_loyalty_without_the_crm_is_blocked_naming_it(site):
    listed = nexus("plugins", "list", "--json", path=[site], env={"NEXUS_PLUGINS": "loyalty"})
    rows = {row["name"]: row for row in json.loads(listed.stdout)}
    assert (rows["loyalty"]["state"], rows["loyalty"]["reason"]) == (
        "blocked",
        "requires 'crm', which is excluded",
    )


def test_preset_pack_adds_its_preset_and_the_catalog_still_validates(site):
    listed = nexus("presets", "list", "--json", path=[site])
    assert listed.returncode == 0, listed.stderr
    assert "fitness-studio" in listed.stdout
    shown = nexus("presets", "show", "fitness-studio", "--json", path=[site])
    assert shown.returncode == 0, shown.stderr
    preset = json.loads(shown.stdout)
    assert preset["industry"] == "fitness"
    assert {"crm", "loyalty"} <= set(preset["plugins"])
    validated = nexus("presets", "validate", path=[site])
    assert validated.returncode == 0, validated.stdout + validated.stderr


def test_provisioning_the_packs_example_profile_enables_loyalty_with_its_settings(
    site, nexus_database_url
):
    env = {"NEXUS_DATABASE_URL": nexus_database_url, "NEXUS_LOG_LEVEL": "warning"}
    assert nexus("migrate", path=[site], env=env).returncode == 0
    profile = site / "acme_presets" / "examples" / "fitness-studio.json"
    provisioned = nexus("provision", str(profile), "--json", path=[site], env=env)
    assert provisioned.returncode == 0, provisioned.stdout + provisioned.stderr
    features = nexus("features", "list", "pulse-fitness", "--json", path=[site], env=env)
    assert features.returncode == 0, features.stderr
    states = {row["key"]: row["state"] for row in json.loads(features.stdout)}
    assert states["loyalty"] == states["loyalty.awards"] == states["crm"] == "enabled"
