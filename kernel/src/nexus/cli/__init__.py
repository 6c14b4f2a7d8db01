"""The ``nexus`` command line."""

from __future__ import annotations

import rich_click as click

from nexus import __version__
from nexus.cli._plugins import plugins
from nexus.cli._serve import migrate_command, serve

__all__ = ("cli", "main")


@click.group()
@click.version_option(__version__, prog_name="nexus")
def cli() -> None:
    """Nexus: a multi-tenant business operating system.

    Configure with NEXUS_* environment variables; with none set, Nexus runs on an embedded
    PostgreSQL kept under ./.nexus.
    """


cli.add_command(serve)
cli.add_command(migrate_command)
cli.add_command(plugins)


def main() -> None:
    """Run the ``nexus`` command."""
    cli()
