"""Render a plugin template and install the result as the guide does: shared by the kit tests.

``tests/test_plugin_kit_template.py`` uses them on the current template,
``tests/test_contract_compat.py`` on the frozen 0.1 one (``tests/compat/plugin-template-0.1``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from site import getsitepackages

from cookiecutter.main import cookiecutter

ROOT = Path(__file__).parents[1]
TEMPLATE = ROOT / "contrib" / "plugin-template" / "template"
"""The current plugin template."""

TEMPLATE_0_1 = ROOT / "tests" / "compat" / "plugin-template-0.1"
"""The plugin template as nexus-hookspecs 0.1 shipped it, frozen: never edit it."""


def generate(out: Path, template: Path = TEMPLATE, **context: str) -> Path:
    """Render ``template`` into ``out`` without prompting; the generated project's path."""
    return Path(
        cookiecutter(str(template), no_input=True, output_dir=str(out), extra_context=context)
    )


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


def run_module(
    *args: str,
    cwd: Path,
    site: Path | None = None,
    python: Path | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m <args>``: the workspace's with ``site`` on PYTHONPATH, or ``python``.

    ``NEXUS_*`` variables of the calling environment are dropped, except the test database.
    """
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


def run_generated_tests(project: Path, python: Path) -> subprocess.CompletedProcess[str]:
    """Run a generated project's own tests (``pytest`` in it) with ``python``."""
    return run_module("pytest", "-q", "-p", "no:cacheprovider", cwd=project, python=python)
