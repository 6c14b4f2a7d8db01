r"""Drive's public hook: virus scanners that quarantine a file before it can be shared.

A plugin implements ``drive_virus_scanners`` and declares its module in the entry-point group
``nexus_drive``; Drive loads that group once, the first time it scans, with pluggy's
``load_setuptools_entrypoints``. A scanner is a :class:`VirusScanner`: a name and an async
function given the file's bytes as a stream of chunks (never the whole file at once) that
answers ``None`` when the file is clean, or what it found.

Drive scans each new version after its transaction commits (its own handler of
``drive.file.added.v1`` / ``drive.file.updated.v1``). Until every scanner has passed the
current version of every file in it, an item cannot be shared or linked (409); a flagged
version is **quarantined**: nobody may download, share or link it (403) and
``drive.file.quarantined.v1`` is published. A new clean version lifts the quarantine. With no
scanner installed, files are shareable at once. Example, ClamAV through clamd's ``INSTREAM``::

    # pyproject.toml of the plugin
    [project.entry-points.nexus_drive]
    clamav = "nexus_clamav.scanner"

    # nexus_clamav/scanner.py
    import asyncio, struct
    from nexus_drive.hooks import VirusScanner, hookimpl

    async def scan(chunks):
        reader, writer = await asyncio.open_connection("clamd", 3310)
        writer.write(b"zINSTREAM\0")
        async for chunk in chunks:
            writer.write(struct.pack(">I", len(chunk)) + chunk)
            await writer.drain()
        writer.write(struct.pack(">I", 0))
        answer = (await reader.readuntil(b"\0")).decode().strip("\0")
        writer.close()
        return None if answer.endswith("OK") else answer

    @hookimpl
    def drive_virus_scanners(register):
        register(VirusScanner(name="clamav", scan=scan))

A scanner that raises is retried with the event (the file stays unshareable meanwhile).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

__all__ = (
    "ENTRY_POINT_GROUP",
    "PROJECT_NAME",
    "ScannersSpec",
    "VirusScanner",
    "hookimpl",
    "hookspec",
    "plugin_manager",
    "scanners",
)

PROJECT_NAME = "nexus_drive"
ENTRY_POINT_GROUP = "nexus_drive"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
"""Marks Drive's hook specifications."""

hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
"""Marks a plugin's implementation of Drive's hooks."""


@dataclass(frozen=True)
class VirusScanner:
    """A virus scanner.

    Attributes:
        name: Its name, recorded with a quarantine (``clamav``).
        scan: Given the file's bytes as chunks, answers ``None`` (clean) or what it found.
    """

    name: str
    scan: Callable[[AsyncIterator[bytes]], Awaitable[str | None]] = field(repr=False)


class ScannersSpec:
    """Drive's hook specifications."""

    @hookspec
    def drive_virus_scanners(self, register: Callable[[VirusScanner], None]) -> None:
        """Register the virus scanners this plugin adds: ``register(VirusScanner(...))``."""


_manager: pluggy.PluginManager | None = None
_lock = threading.Lock()


def plugin_manager() -> pluggy.PluginManager:
    """Drive's plugin manager, with the ``nexus_drive`` entry points loaded.

    Made once, on first use. A test may register a plugin object on it (and unregister it).
    """
    global _manager  # noqa: PLW0603 - loaded lazily, once per process
    with _lock:
        if _manager is None:
            manager = pluggy.PluginManager(PROJECT_NAME)
            manager.add_hookspecs(ScannersSpec)
            manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
            _manager = manager
        return _manager


def scanners() -> list[VirusScanner]:
    """Every registered scanner."""
    found: list[VirusScanner] = []
    plugin_manager().hook.drive_virus_scanners(register=found.append)
    return [scanner for scanner in found if isinstance(scanner, VirusScanner)]
