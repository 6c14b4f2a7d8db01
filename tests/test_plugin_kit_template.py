"""The plugin template: generate a plugin, install it, run its tests, change it, publish it.

This is what the "write your first plugin" guide (docs/plugins/first-plugin.md) walks a new
author through: the generated project installed editable into an environment with Nexus,
its own tests passing right after generation, a column added through Piccolo's `--auto`
migrations, and distributions that hold its source only. It is also installed as a wheel
from outside the repository, as a user installing it from PyPI would.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from typing import TYPE_CHECKING

import asyncpg
import httpx
import pytest
from cookiecutter.exceptions import FailedHookException
from trove_classifiers import classifiers as registered_classifiers

from ._plugin_kit import (
    generate,
    install_editable,
    nexus_environment,
    run_generated_tests,
    run_module,
)
from .conftest import install, nexus, serving

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The template rendered as the guide does it, and installed into a site directory."""
    project = generate(tmp_path_factory.mktemp("generated"), plugin_name="bookings")
    site = tmp_path_factory.mktemp("site")
    install(project, site)
    return project, site


@pytest.fixture(scope="module")
def guide_environment(generated, tmp_path_factory):
    """The generated project installed as the guide says: editable, into Nexus's environment."""
    project, _ = generated
    python = nexus_environment(tmp_path_factory.mktemp("guide") / "venv")
    install_editable(project, python)
    return project, python


def test_generated_plugin_installs_into_the_nexus_environment_without_other_packages(generated):
    project, _ = generated
    dry_run = subprocess.run(
        [
            "uv",
            "pip",
            "install",
            "--dry-run",
            "--python",
            sys.executable,
            "-e",
            f"{project}[test]",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert dry_run.returncode == 0, dry_run.stderr
    assert "Would install 1 package" in dry_run.stderr, dry_run.stderr
    assert " + nexus-bookings " in dry_run.stderr, dry_run.stderr


def test_generated_plugin_tests_pass_right_after_generation(guide_environment):
    project, python = guide_environment
    result = run_generated_tests(project, python)
    assert result.returncode == 0, result.stdout + result.stderr
    passed = re.search(r"(\d+) passed", result.stdout)
    assert passed and int(passed.group(1)) >= 12, result.stdout
    assert "failed" not in result.stdout and "error" not in result.stdout.lower()


def _files(root: Path) -> set[str]:
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def test_sdist_and_wheel_hold_only_the_source_whatever_else_is_in_the_directory(tmp_path):
    project = generate(tmp_path / "src", plugin_name="bookings")
    source = _files(project)
    # What running `nexus serve`, pytest, mypy and a build in the project leaves behind;
    # ./.nexus is the embedded database: tenants, key hashes, the token signing key.
    strays = [
        ".nexus/pgdata/global/pg_control",
        ".nexus/signing.key",
        "src/nexus_bookings/.nexus/pgdata/PG_VERSION",
        "src/nexus_bookings/__pycache__/tables.cpython-311.pyc",
        "tests/__pycache__/conftest.cpython-311-pytest-8.4.1.pyc",
        ".pytest_cache/v/cache/lastfailed",
        ".mypy_cache/3.11/nexus_bookings/tables.meta.json",
        ".venv/pyvenv.cfg",
        "dist/nexus_bookings-0.0.1.tar.gz",
        "notes.txt",
    ]
    for stray in strays:
        (project / stray).parent.mkdir(parents=True, exist_ok=True)
        (project / stray).write_text("stray")
    dist = tmp_path / "dist"
    built = subprocess.run(
        [
            "uv",
            "build",
            "--no-build-isolation",
            "--python",
            sys.executable,
            "--out-dir",
            str(dist),
            str(project),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        packed = {name.removeprefix("nexus_bookings-0.1.0/") for name in archive.getnames()}
    assert packed == source | {"PKG-INFO"}
    (wheel,) = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        packed = set(archive.namelist())
    info = "nexus_bookings-0.1.0.dist-info/"
    assert {name for name in packed if not name.startswith(info)} == {
        name.removeprefix("src/") for name in source if name.startswith("src/")
    }
    assert {name.removeprefix(info) for name in packed if name.startswith(info)} == {
        "METADATA",
        "WHEEL",
        "entry_points.txt",
        "RECORD",
    }
    # The generated .gitignore keeps the same files out of git.
    subprocess.run(["git", "init", "--quiet", str(project)], check=True)
    ignored = subprocess.run(
        ["git", "-C", str(project), "check-ignore", "--no-index", "--stdin"],
        input="\n".join(strays),
        capture_output=True,
        text=True,
        check=False,
    )
    assert set(ignored.stdout.split()) == set(strays) - {"notes.txt"}


def test_generated_plugin_is_lint_and_type_clean(generated):
    project, site = generated
    ruff = run_module("ruff", "check", ".", cwd=project, site=site)
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    mypy = run_module(
        "mypy", "--strict", "--ignore-missing-imports", "src/nexus_bookings", cwd=project, site=site
    )
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr


def _table(database_url: str, table: str) -> tuple[list[str], list[str], bool]:
    """The table's columns, its primary key's columns and whether RLS is forced on it."""

    async def read() -> tuple[list[str], list[str], bool]:
        conn = await asyncpg.connect(database_url)
        try:
            columns = await conn.fetch(
                "select column_name from information_schema.columns "
                "where table_name = $1 order by ordinal_position",
                table,
            )
            key = await conn.fetchval(
                "select array_agg(a.attname::text order by k.ord) from pg_constraint c "
                "cross join lateral unnest(c.conkey) with ordinality as k(attnum, ord) "
                "join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum "
                "where c.conrelid = $1::regclass and c.contype = 'p'",
                table,
            )
            forced = await conn.fetchval(
                "select relrowsecurity and relforcerowsecurity from pg_class "
                "where oid = $1::regclass",
                table,
            )
        finally:
            await conn.close()
        return [row["column_name"] for row in columns], list(key), forced

    return asyncio.run(read())


def test_a_column_added_as_the_guide_says_is_migrated(tmp_path, nexus_database_url):
    """Guide section 5: change tables.py, `piccolo migrations new <name> --auto`, migrate."""
    project = generate(tmp_path / "src", plugin_name="bookings")
    python = nexus_environment(tmp_path / "venv")
    install_editable(project, python)
    env = {
        "NEXUS_DATABASE_URL": nexus_database_url,
        "NEXUS_LOG_LEVEL": "warning",
        "NEXUS_PLUGINS": "bookings",
        "PICCOLO_CONF": "nexus.db.piccolo_conf",
    }
    migrations = project / "src" / "nexus_bookings" / "migrations"

    def written() -> set[str]:
        return {path.name for path in migrations.glob("*.py")}

    first = written()
    new = ("piccolo.main", "migrations", "new", "bookings", "--auto")

    # The template's first migration is what Piccolo would write for tables.py as generated.
    unchanged = run_module(*new, cwd=project, python=python, env=env)
    assert unchanged.returncode == 0, unchanged.stdout + unchanged.stderr
    assert "No changes detected" in unchanged.stdout, unchanged.stdout
    assert written() == first

    tables = project / "src" / "nexus_bookings" / "tables.py"
    tables.write_text(
        tables.read_text().replace(
            "    created_at = Timestamptz()\n",
            '    created_at = Timestamptz()\n    place = Varchar(length=100, default="")\n',
        )
    )
    auto = run_module(*new, cwd=project, python=python, env=env)
    assert auto.returncode == 0, auto.stdout + auto.stderr
    (name,) = written() - first
    second = (migrations / name).read_text()
    assert 'column_name="place"' in second and "add_table" not in second, second

    migrated = run_module("nexus", "migrate", cwd=project, python=python, env=env)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    assert migrated.stdout.count("applied bookings: ") == 2, migrated.stdout
    columns, key, forced = _table(nexus_database_url, "bookings_item")
    assert columns == ["tenant_id", "id", "title", "notes", "status", "created_at", "place"]
    assert (key, forced) == (["tenant_id", "id"], True)
    # What Piccolo wrote passes the generated project's own lint and type checks.
    ruff = run_module("ruff", "check", ".", cwd=project, python=python)
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    mypy = run_module(
        "mypy",
        "--strict",
        "--ignore-missing-imports",
        "src/nexus_bookings",
        cwd=project,
        python=python,
    )
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr
    assert not (project / ".nexus").exists()


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
        assert [item["title"] for item in listed["items"]] == ["Table for two"]
        assert httpx.get(items, headers=keys["without-it"]).status_code == 404
        item = f"{items}/{created.json()['id']}"
        assert httpx.get(item, headers=keys["without-it"]).status_code == 404


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
