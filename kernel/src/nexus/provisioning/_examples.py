"""The example business profiles shipped with the presets catalog."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ("DEMO_PROFILE", "example_profiles")

DEMO_PROFILE = "demo"
"""The example ``nexus up`` provisions when given no ``--profile``."""


def example_profiles() -> dict[str, Path]:
    """Example profiles by name (file stem), from the installed ``nexus-presets``.

    They live in ``presets/examples/``: inside the wheel as ``nexus_presets/examples``, and
    beside the package in a source checkout (an editable install).
    """
    try:
        package = Path(str(resources.files("nexus_presets")))
    except ModuleNotFoundError:
        return {}
    for directory in (package / "examples", package.parent.parent / "examples"):
        if directory.is_dir():
            return {path.stem: path for path in sorted(directory.glob("*.json"))}
    return {}
