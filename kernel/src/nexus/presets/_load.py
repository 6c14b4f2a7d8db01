"""Finding preset files: the installed packs (entry points) or given paths."""

from __future__ import annotations

from importlib import resources
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import TYPE_CHECKING

from nexus.presets._catalog import PresetCatalog
from nexus.presets._parse import parse_preset
from nexus.presets._schema import Preset, PresetError, Problem

if TYPE_CHECKING:
    import os
    from collections.abc import Iterable
    from importlib.resources.abc import Traversable

__all__ = ("ENTRY_POINT_GROUP", "load_presets", "load_presets_from")

ENTRY_POINT_GROUP = "nexus.presets"
"""The entry point group preset packs register in; each names a package of ``*.toml``."""


class _Found:
    """Presets read so far, their sources, and what went wrong."""

    def __init__(self) -> None:
        self.presets: dict[str, Preset] = {}
        self.sources: dict[str, str] = {}
        self.origins: dict[str, str] = {}
        self.problems: list[Problem] = []

    def read(self, file: Traversable, *, source: str, origin: str = "") -> None:
        try:
            preset = parse_preset(file.read_bytes(), source=source)
        except OSError as exc:
            self.problems.append(Problem(source=source, message=f"cannot read: {exc}"))
            return
        except PresetError as exc:
            self.problems.extend(exc.problems)
            return
        name = preset.name
        if name in self.presets:
            first = f"{self.sources[name]}{self.origins[name]}"
            message = f"preset '{name}' is defined twice: in {first} and in {source}{origin}"
            self.problems.append(Problem(source=source, preset=name, message=message))
            return
        self.presets[name], self.sources[name], self.origins[name] = preset, source, origin

    def catalog(self, *, strict: bool) -> PresetCatalog:
        if strict and self.problems:
            raise PresetError(self.problems)
        return PresetCatalog(self.presets.values(), sources=self.sources, problems=self.problems)


def load_presets(*, strict: bool = True) -> PresetCatalog:
    """Load every installed preset pack (entry point group ``nexus.presets``).

    Each entry point names a package; every ``*.toml`` file directly in its directory is
    one preset (subdirectories are not read).

    Args:
        strict: Raise when anything cannot be loaded; with ``False``, skip broken files
            and packs and duplicates (keeping the first) and record them in
            ``catalog.problems``.

    Returns:
        The catalog.

    Raises:
        PresetError: listing every file that does not parse, every pack that cannot be
            read and every preset name defined twice (naming both files), when ``strict``.
    """
    found = _Found()
    for entry_point in _entry_points():
        dist = entry_point.dist.name if entry_point.dist else "no distribution"
        origin = f" (pack '{entry_point.name}' from {dist})"
        try:
            files = sorted(resources.files(entry_point.module).iterdir(), key=lambda f: f.name)
        except (ImportError, OSError, TypeError) as exc:
            message = f"preset pack '{entry_point.name}' ({entry_point.value}) from {dist} "
            found.problems.append(Problem(message=f"{message}cannot be read: {exc}"))
            continue
        for file in files:
            if file.name.endswith(".toml") and file.is_file():
                source = (
                    str(file) if isinstance(file, Path) else f"{entry_point.module}/{file.name}"
                )
                found.read(file, source=source, origin=origin)
    return found.catalog(strict=strict)


def load_presets_from(
    paths: Iterable[str | os.PathLike[str]], *, strict: bool = True
) -> PresetCatalog:
    """Load presets from files and directories (every ``*.toml`` directly in a directory).

    Args:
        paths: Preset files or directories of them.
        strict: As for :func:`load_presets`.

    Returns:
        The catalog.

    Raises:
        PresetError: as for :func:`load_presets`, and for a path that does not exist or a
            directory without ``*.toml`` files.

    Example::

        catalog = load_presets_from(["presets/src/nexus_presets"])
    """
    found = _Found()
    for path in map(Path, paths):
        if path.is_dir():
            files = sorted(path.glob("*.toml"))
            if not files:
                found.problems.append(Problem(source=str(path), message="no *.toml files"))
        elif path.exists():
            files = [path]
        else:
            found.problems.append(Problem(source=str(path), message="no such file or directory"))
            continue
        for file in files:
            found.read(file, source=str(file))
    return found.catalog(strict=strict)


def _entry_points() -> list[EntryPoint]:
    """Return the group's entry points sorted, each distribution's pack once."""
    unique: dict[tuple[str | None, str], EntryPoint] = {}
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        dist = entry_point.dist.name if entry_point.dist else None
        unique.setdefault((dist, entry_point.name), entry_point)
    return sorted(unique.values(), key=lambda ep: (ep.name, ep.value))
