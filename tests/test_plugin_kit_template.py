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
import os
import re
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path
from site import getsitepackages

import asyncpg
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


def nexus_environment(root: Path) -> Path:
    """A virtual environment with Nexus installed, as the guide starts from; its python.

    It layers the environment running these tests (the workspace's, where Nexus is
    installed) under its own site-packages with a ``.pth`` file, so ``uv pip install -e``
    into it adds the plugin and nothing else, and leaves the workspace's untouched.
    """
    subprocess.run(["uv", "venv", "--quiet", "--python", sys.executable, str(root)], check=True)
    python = root / "bin" / "python"
    own = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    layered = "; ".join(f"site.addsitedir({path!r})" for path in getsitepackages())
    (Path(own) / "_nexus_environment.pth").write_text(f"import site; {layered}\n")
    return python


def install_editable(project: Path, python: Path) -> None:
    """Step 2 of the guide: ``uv pip install -e <project>`` into the Nexus environment.

    ``--no-deps`` only because uv does not see the layered packages; that the plugin's
    dependencies are all in the Nexus environment is checked against the real one.
    """
    subprocess.run(
        [
            "uv",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--python",
            str(python),
            "-e",
            str(project),
        ],
        check=True,
    )


@pytest.fixture(scope="module")
def guide_environment(generated, tmp_path_factory):
    """The generated project installed as the guide says: editable, into Nexus's environment."""
    project, _ = generated
    python = nexus_environment(tmp_path_factory.mktemp("guide") / "venv")
    install_editable(project, python)
    return project, python


def _run(
    *args: str,
    cwd: Path,
    site: Path | None = None,
    python: Path | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m <args>``: the workspace's with ``site`` on PYTHONPATH, or ``python``."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NEXUS_")}
    if site is not None:
        clean["PYTHONPATH"] = str(site)
    if "NEXUS_TEST_DATABASE_URL" in os.environ:
        clean["NEXUS_TEST_DATABASE_URL"] = os.environ["NEXUS_TEST_DATABASE_URL"]
    clean.update(env or {})
    return subprocess.run(
        [str(python or sys.executable), "-m", *args],
        cwd=cwd,
        env=clean,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


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
    result = _run("pytest", "-q", "-p", "no:cacheprovider", cwd=project, python=python)
    assert result.returncode == 0, result.stdout + result.stderr
    passed = re.search(r"(\d+) passed", result.stdout)
    assert passed and int(passed.group(1)) >= 9, result.stdout
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
    ruff = _run("ruff", "check", ".", cwd=project, site=site)
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    mypy = _run(
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
    unchanged = _run(*new, cwd=project, python=python, env=env)
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
    auto = _run(*new, cwd=project, python=python, env=env)
    assert auto.returncode == 0, auto.stdout + auto.stderr
    (name,) = written() - first
    second = (migrations / name).read_text()
    assert 'column_name="place"' in second and "add_table" not in second, second

    migrated = _run("nexus", "migrate", cwd=project, python=python, env=env)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    assert migrated.stdout.count("applied bookings: ") == 2, migrated.stdout
    columns, key, forced = _table(nexus_database_url, "bookings_item")
    assert columns == ["tenant_id", "id", "title", "notes", "status", "created_at", "place"]
    assert (key, forced) == (["tenant_id", "id"], True)
    # What Piccolo wrote passes the generated project's own lint and type checks.
    ruff = _run("ruff", "check", ".", cwd=project, python=python)
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    mypy = _run(
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
