"""Plugins import the kernel only through ``nexus.testing``: ruff's banned-api enforces it.

CONTRIBUTING.md, "The plugin boundary": plugins never import the kernel's internals, only
``nexus_hookspecs`` (and ``nexus.testing`` in tests). ruff has no allow-list, so the root
``pyproject.toml`` (for ``plugins/`` and ``contrib/``) and the plugin template's
``pyproject.toml`` list every part of ``nexus`` but ``nexus.testing``; these tests fail when
a new kernel module is not listed, and show the rule refusing a bad import where it applies
and nowhere else.
"""

from __future__ import annotations

import pkgutil
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import nexus
import pytest

ROOT = Path(__file__).parents[1]
TEMPLATE = ROOT / "contrib/plugin-template/template/{{cookiecutter.project_slug}}/pyproject.toml"
BAD = "from nexus.events import decode_event\n\nprint(decode_event)\n"
GOOD = "from nexus.testing import make_tenant\n\nprint(make_tenant)\n"


def banned(pyproject: Path) -> set[str]:
    text = re.sub(r"\{\{.*?\}\}", "x", pyproject.read_text())  # the template's Jinja
    lint = tomllib.loads(text)["tool"]["ruff"]["lint"]
    assert "TID251" in lint["select"]
    return set(lint["flake8-tidy-imports"]["banned-api"])


def kernel_surface() -> set[str]:
    """Every top-level module of ``nexus`` but ``testing``, and every name it exports."""
    modules = {m.name for m in pkgutil.iter_modules(nexus.__path__)} - {"testing"}
    return {f"nexus.{name}" for name in modules | set(nexus.__all__)}


@pytest.mark.parametrize("pyproject", [ROOT / "pyproject.toml", TEMPLATE], ids=["repo", "template"])
def test_every_kernel_module_but_testing_is_banned(pyproject):
    assert banned(pyproject) == kernel_surface()


def ruff(source: str, path: str) -> subprocess.CompletedProcess[str]:
    """``ruff check`` of ``source`` as if it were the file ``path`` of the repository."""
    return subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--select", "TID251", "--stdin-filename", path],
        input=source,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    "path",
    [
        "plugins/crm/tests/test_x.py",
        "plugins/finance/src/nexus_finance/_x.py",
        "contrib/loyalty/tests/loyalty_x.py",
        "contrib/preset-pack/src/acme_presets/_x.py",
    ],
)
def test_a_plugin_importing_the_kernel_fails_the_lint(path):
    result = ruff(BAD, path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "TID251 `nexus.events` is banned" in result.stdout


@pytest.mark.parametrize("path", ["plugins/crm/tests/test_x.py", "contrib/loyalty/tests/x.py"])
def test_a_plugin_test_may_import_nexus_testing(path):
    result = ruff(GOOD, path)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", ["tests/test_x.py", "kernel/src/nexus/_x.py", "bench/x.py"])
def test_the_kernel_and_cross_package_tests_import_what_they_like(path):
    result = ruff(BAD, path)
    assert result.returncode == 0, result.stdout + result.stderr
