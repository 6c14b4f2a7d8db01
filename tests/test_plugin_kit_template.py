"""The plugin template: generate a plugin, install it from outside the repo, run its tests.

This is what the "write your first plugin" guide (docs/plugins/first-plugin.md) walks a new
author through; the generated project's own tests must pass right after generation.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import httpx
import pytest
from cookiecutter.exceptions import FailedHookException
from cookiecutter.main import cookiecutter
from nexus_hookspecs import __version__ as hookspecs_version
from trove_classifiers import classifiers as registered_classifiers

from .conftest import install, nexus, serving

TEMPLATE = Path(__file__).parents[1] / "contrib" / "plugin-template" / "template"


def generate(out: Path, **context: str) -> Path:
    return Path(
        cookiecutter(str(TEMPLATE), no_input=True, output_dir=str(out), extra_context=context)
    )


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The template rendered as the guide does it, and installed into a site directory."""
    project = generate(tmp_path_factory.mktemp("generated"), plugin_name="bookings")
    site = tmp_path_factory.mktemp("site")
    install(project, site)
    return project, site


def _run(*args: str, cwd: Path, site: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEXUS_")}
    env["PYTHONPATH"] = str(site)
    if "NEXUS_TEST_DATABASE_URL" in os.environ:
        env["NEXUS_TEST_DATABASE_URL"] = os.environ["NEXUS_TEST_DATABASE_URL"]
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_generated_plugin_tests_pass_right_after_generation(generated):
    project, site = generated
    result = _run("pytest", "-q", "-p", "no:cacheprovider", cwd=project, site=site)
    assert result.returncode == 0, result.stdout + result.stderr
    passed = re.search(r"(\d+) passed", result.stdout)
    assert passed and int(passed.group(1)) >= 9, result.stdout
    assert "failed" not in result.stdout and "error" not in result.stdout.lower()


def test_generated_plugin_is_lint_and_type_clean(generated):
    project, site = generated
    ruff = _run("ruff", "check", ".", cwd=project, site=site)
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    mypy = _run(
        "mypy", "--strict", "--ignore-missing-imports", "src/nexus_bookings", cwd=project, site=site
    )
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr


def test_generated_distribution_metadata_is_publishable(generated):
    project, site = generated
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    assert pyproject["name"] == "nexus-bookings"
    assert pyproject["entry-points"]["nexus.plugins"] == {"bookings": "nexus_bookings"}
    # PyPI refuses classifiers that are not registered; "Framework :: Nexus" is not (yet).
    assert set(pyproject["classifiers"]) <= registered_classifiers
    assert "nexus-plugin" in pyproject["keywords"]
    metadata = (site / "nexus_bookings-0.1.0.dist-info" / "METADATA").read_text()
    assert "Keywords: nexus,nexus-plugin" in metadata
    assert "Classifier: Framework :: Litestar" in metadata
    assert (site / "nexus_bookings" / "presets" / "bookings-starter.toml").is_file()
    assert (site / "nexus_bookings" / "py.typed").is_file()


def test_template_refuses_a_name_the_kernel_would_refuse(tmp_path):
    with pytest.raises(FailedHookException):
        generate(tmp_path, plugin_name="Bad-Name")
    assert list(tmp_path.iterdir()) == []


def test_generated_plugin_serves_its_routes_to_tenants_that_have_it(
    generated, tmp_path, nexus_database_url
):
    """The guide's acceptance run: migrate, two tenants, one without the plugin, serve."""
    _, site = generated
    env = {
        "NEXUS_DATABASE_URL": nexus_database_url,
        "NEXUS_LOG_LEVEL": "warning",
        "NEXUS_PLUGINS": "bookings",
    }
    doctor = nexus("plugins", "doctor", "--json", path=[site], env=env)
    assert doctor.returncode == 1, doctor.stderr  # not migrated yet
    assert [f["check"] for f in json.loads(doctor.stdout)["findings"]] == [
        "migrations",
        "migrations",
    ]
    assert nexus("migrate", path=[site], env=env).returncode == 0
    doctor = nexus("plugins", "doctor", path=[site], env=env)
    assert (doctor.returncode, doctor.stdout) == (0, "ok: 1 plugin(s) loaded, none broken\n")
    keys = {}
    for slug in ("with-it", "without-it"):
        created = nexus("tenants", "create", slug, "--json", path=[site], env=env)
        assert created.returncode == 0, created.stderr
        keys[slug] = {"Authorization": f"Bearer {json.loads(created.stdout)['admin_key']}"}
    off = nexus("features", "disable", "without-it", "bookings", path=[site], env=env)
    assert off.returncode == 0, off.stderr
    with serving(path=[site], env=env, cwd=tmp_path) as base:
        items = f"{base}/api/v1/bookings/items"
        created = httpx.post(items, json={"title": "Table for two"}, headers=keys["with-it"])
        assert created.status_code == 201, created.text
        listed = httpx.get(items, headers=keys["with-it"]).json()
        assert [item["title"] for item in listed] == ["Table for two"]
        assert httpx.get(items, headers=keys["without-it"]).status_code == 404
        item = f"{items}/{created.json()['id']}"
        assert httpx.get(item, headers=keys["without-it"]).status_code == 404


def test_plugin_built_for_another_hookspecs_range_is_skipped_and_doctor_fails(tmp_path):
    project = generate(tmp_path / "src", plugin_name="future", hookspecs_range=">=9,<10")
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


def test_operator_allowlist_pins_distributions_and_versions(generated, tmp_path):
    _, site = generated
    allowlist = tmp_path / "allowed.txt"
    env = {"NEXUS_PLUGIN_ALLOWLIST": str(allowlist)}

    def states() -> dict[str, tuple[str, str | None]]:
        listed = nexus("plugins", "list", "--json", path=[site], env=env)
        assert listed.returncode == 0, listed.stderr
        return {row["name"]: (row["state"], row["reason"]) for row in json.loads(listed.stdout)}

    allowlist.write_text("# pinned\nnexus-bookings==0.1.0\n")
    found = states()
    assert found["bookings"] == ("loaded", None)
    assert all(state == "excluded" for name, (state, _) in found.items() if name != "bookings")

    allowlist.write_text("nexus-bookings>=0.2\n")
    assert states()["bookings"] == (
        "excluded",
        f"nexus-bookings 0.1.0 is installed, but the allowlist {allowlist} allows "
        "nexus-bookings>=0.2",
    )

    allowlist.write_text("nexus-bookings ==\n")
    broken = nexus("plugins", "list", path=[site], env=env)
    assert broken.returncode != 0
    assert broken.stderr.count("\n") == 1
    assert broken.stderr.startswith(f"error: NEXUS_PLUGIN_ALLOWLIST: {allowlist}, line 1: ")
