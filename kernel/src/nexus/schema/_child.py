"""``python -m nexus.schema._child URL PLUGIN…``: migrate one database in a process of its own.

Started by :func:`nexus.schema.migrator`; each ``PLUGIN`` is a module name or ``module:attr``.
Settings (the role names) come from the environment. Exits 1 with the error on stderr.
"""

from __future__ import annotations

import asyncio
import importlib
import sys

from nexus.plugins import load_plugins
from nexus.schema._migrate import migrate
from nexus.settings import Settings


def _plugin(reference: str) -> object:
    module, _, attribute = reference.partition(":")
    found = importlib.import_module(module)
    return getattr(found, attribute) if attribute else found


def main(argv: list[str]) -> int:
    """Migrate ``argv[0]`` with the plugins ``argv[1:]``; return the exit status."""
    settings = Settings.from_env()
    registry = load_plugins(settings, plugins=[_plugin(ref) for ref in argv[1:]])
    try:
        asyncio.run(migrate(settings, registry, database_url=argv[0]))
    except Exception as exc:  # noqa: BLE001 - the parent reports it, in one line
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
