"""The plugin contract stays compatible: plugins written against 0.1 load and pass unchanged.

``tests/compat/plugin-template-0.1`` is the plugin template as nexus-hookspecs 0.1 shipped it
(its own port aliases, a plain list, events as strings, ``plugin_settings.get``), frozen.
A plugin generated from it, installed as the guide says, passes its own tests against
today's kernel without a change. A plugin built for a range the installed nexus-hookspecs
does not satisfy is refused, naming both versions: that is how a breaking 0.2 would show.
"""

from __future__ import annotations

import json
import re
import tomllib

import pytest
from nexus_hookspecs import __version__ as hookspecs_version
from packaging.specifiers import SpecifierSet

from ._plugin_kit import (
    TEMPLATE,
    TEMPLATE_0_1,
    generate,
    install_editable,
    nexus_environment,
    run_generated_tests,
)
from .conftest import install, nexus


@pytest.fixture(scope="module")
def plugin_0_1(tmp_path_factory):
    """A plugin generated from the 0.1 template, installed editable into Nexus's environment."""
    project = generate(tmp_path_factory.mktemp("compat"), TEMPLATE_0_1, plugin_name="bookings")
    python = nexus_environment(tmp_path_factory.mktemp("compat-env") / "venv")
    install_editable(project, python)
    return project, python


def test_a_0_1_plugin_is_built_for_a_range_the_installed_contract_satisfies(plugin_0_1):
    """Every 0.1 plugin pins ``<0.2``: additive changes ship as 0.1.x, so they still load."""
    project, _ = plugin_0_1
    dependencies = tomllib.loads((project / "pyproject.toml").read_text())["project"][
        "dependencies"
    ]
    assert "nexus-hookspecs[piccolo]>=0.1,<0.2" in dependencies
    assert (
        'hookspecs=">=0.1,<0.2"' in (project / "src" / "nexus_bookings" / "__init__.py").read_text()
    )
    assert hookspecs_version in SpecifierSet(">=0.1,<0.2")


def test_a_plugin_generated_from_the_0_1_template_passes_its_own_tests_unchanged(plugin_0_1):
    project, python = plugin_0_1
    result = run_generated_tests(project, python)
    assert result.returncode == 0, result.stdout + result.stderr
    passed = re.search(r"(\d+) passed", result.stdout)
    assert passed and int(passed.group(1)) >= 10, result.stdout
    assert "failed" not in result.stdout and "error" not in result.stdout.lower()


@pytest.mark.parametrize("template", [TEMPLATE, TEMPLATE_0_1], ids=["current", "0.1"])
def test_a_plugin_built_for_another_hookspecs_range_is_refused_naming_both_versions(
    template, tmp_path
):
    project = generate(tmp_path / "src", template, plugin_name="future", hookspecs_range=">=9,<10")
    site = tmp_path / "site"
    install(project, site)
    env = {"NEXUS_PLUGINS": "future"}
    listed = nexus("plugins", "list", "--json", path=[site], env=env)
    assert listed.returncode == 0, listed.stderr
    (row,) = [row for row in json.loads(listed.stdout) if row["name"] == "future"]
    assert row["state"] == "failed"
    assert ">=9,<10" in row["reason"] and hookspecs_version in row["reason"]
    assert "compatible range >=0." in row["reason"]
    doctor = nexus("plugins", "doctor", path=[site], env=env)
    assert doctor.returncode == 1
    assert doctor.stderr.startswith("future: failed: invalid manifest: incompatible: built for ")
    assert doctor.stderr.count("\n") == 1
