"""Nexus Integrations: connectors that bring other systems' data into Nexus.

The hook implementations, and nothing else. A connection (a connector and its encrypted
credentials) is registered through ``POST /connections``; ``POST /connections/{id}/imports``
runs an import (or its dry run) and records a run with its report; an external-id map makes
a re-run change nothing. Connectors: ``odoo``, ``google`` (Contacts and Calendar, two-way,
OAuth 2.0 per tenant), ``zoho`` (Accounts, Contacts, Products; OAuth 2.0 per data
center). See README.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_hookspecs import Background, Manifest, Permission, hookimpl

from nexus_integrations._connector import register
from nexus_integrations._examples import EXAMPLES
from nexus_integrations._keys import CONNECTIONS_MANAGE, RUNS_READ, RUNS_WRITE
from nexus_integrations._routes import ConnectionController, RunController
from nexus_integrations._sync import SYNC
from nexus_integrations.google import CONNECTOR as GOOGLE
from nexus_integrations.odoo import CONNECTOR as ODOO
from nexus_integrations.zoho import CONNECTOR as ZOHO

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = (
    "SYNC",
    "nexus_background",
    "nexus_manifest",
    "nexus_piccolo_app",
    "nexus_routes",
    "nexus_shutdown",
)

TABLES = ("integrations_connection", "integrations_external_ref", "integrations_run")

register(ODOO)
register(GOOGLE)
register(ZOHO)


@hookimpl
def nexus_manifest() -> Manifest:
    """Describe the plugin."""
    return Manifest(
        name="integrations",
        version="0.1.0",
        title="Integrations",
        summary=(
            "Connectors that import other systems' partners and posted invoices into Nexus "
            "(Odoo), idempotently, with dry runs and run reports."
        ),
        hookspecs=">=0.1.4,<0.2",
        permissions=(
            Permission(
                key=CONNECTIONS_MANAGE, description="Register connections and their credentials."
            ),
            Permission(key=RUNS_WRITE, description="Run imports and dry runs."),
            Permission(key=RUNS_READ, description="Show connections, runs and reports."),
        ),
        tenant_tables=TABLES,
        example_payloads=EXAMPLES,
    )


@hookimpl
def nexus_routes(register: Callable[[Any], None]) -> None:
    """Mount the routes under ``/api/v1/integrations/``."""
    register(ConnectionController)
    register(RunController)


@hookimpl
def nexus_piccolo_app() -> str:
    """The integrations tables and migrations."""
    return "nexus_integrations.piccolo_app"


@hookimpl
def nexus_background(work: Background) -> None:
    """Start the ongoing sync (``NEXUS_INTEGRATIONS_SYNC_S``)."""
    SYNC.start(work)


@hookimpl
async def nexus_shutdown(app: Any) -> None:
    """Stop the ongoing sync."""
    await SYNC.stop()
