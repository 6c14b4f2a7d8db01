"""The ``nexus`` command line."""

from __future__ import annotations

import os

import rich_click as click

from nexus.cli._admin import admin, tenants
from nexus.cli._clusters import clusters
from nexus.cli._common import load_settings
from nexus.cli._db import db
from nexus.cli._dr import dr
from nexus.cli._events import events, worker
from nexus.cli._features import features
from nexus.cli._plans import plans, usage
from nexus.cli._plugins import plugins
from nexus.cli._portability import export_command, import_command
from nexus.cli._presets import presets
from nexus.cli._provision import provision_command
from nexus.cli._serve import migrate_command, serve
from nexus.cli._services import services
from nexus.cli._up import up
from nexus.observability import configure_logging
from nexus.version import __version__

__all__ = ("cli", "main")


@click.group()
@click.version_option(__version__, prog_name="nexus")
def cli() -> None:
    """Nexus: a multi-tenant business operating system.

    Configure with NEXUS_* environment variables; with none set, Nexus runs on an embedded
    PostgreSQL kept under ./.nexus.
    """
    # Logs go to stderr from the first line on, so stdout carries only a command's output;
    # one-shot commands report problems themselves, so only errors are logged unless asked.
    settings = load_settings()
    if "NEXUS_LOG_LEVEL" not in os.environ:
        settings = settings.replace(log_level="error")
    configure_logging(settings)


cli.add_command(serve)
cli.add_command(migrate_command)
cli.add_command(plugins)
cli.add_command(presets)
cli.add_command(plans)
cli.add_command(usage)
cli.add_command(admin)
cli.add_command(tenants)
cli.add_command(clusters)
tenants.add_command(export_command)
tenants.add_command(import_command)
cli.add_command(features)
cli.add_command(worker)
cli.add_command(events)
cli.add_command(services)
cli.add_command(provision_command)
cli.add_command(up)
cli.add_command(db)
cli.add_command(dr)


def main() -> None:
    """Run the ``nexus`` command."""
    cli()
