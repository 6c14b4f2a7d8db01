"""Plugins generated from the plugin template, installed into a scratch directory.

The ``startup`` benchmark needs twenty installed plugins, more than Nexus ships. Each one
here is what ``cookiecutter contrib/plugin-template/template`` makes — routes, a table and
its migration, events, settings — installed the way an installer would: its package and a
``.dist-info`` with its ``nexus.plugins`` entry point in a directory on ``PYTHONPATH``.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from cookiecutter.main import cookiecutter

__all__ = ("generate_plugins", "use_plugins")

_TEMPLATE = Path(__file__).parents[2] / "contrib" / "plugin-template" / "template"


def generate_plugins(count: int, root: Path) -> Path:
    """Render ``count`` plugins (``filler_01`` …) and install them under ``root/site``.

    Returns:
        The directory to put on ``PYTHONPATH`` (and ``sys.path``).
    """
    site = root / "site"
    site.mkdir(parents=True, exist_ok=True)
    for index in range(1, count + 1):
        name = f"filler_{index:02d}"
        project = Path(
            cookiecutter(
                str(_TEMPLATE),
                no_input=True,
                output_dir=str(root / "projects"),
                extra_context={"plugin_name": name},
            )
        )
        module = f"nexus_{name}"
        shutil.copytree(project / "src" / module, site / module)
        dist_info = site / f"nexus_{name}-0.1.0.dist-info"
        dist_info.mkdir()
        (dist_info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: nexus-{name.replace('_', '-')}\nVersion: 0.1.0\n"
        )
        (dist_info / "entry_points.txt").write_text(f"[nexus.plugins]\n{name} = {module}\n")
    return site


def use_plugins(site: Path) -> None:
    """Make this process see the plugins installed under ``site`` (its entry points too)."""
    if str(site) not in sys.path:
        sys.path.insert(0, str(site))
