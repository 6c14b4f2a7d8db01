"""The integrations tables (Piccolo), all tenant-owned.

The schema is created by the migration in ``migrations/``; the logic modules query with SQL.
"""

from __future__ import annotations

from nexus_hookspecs.piccolo import TenantOwned
from piccolo.columns import JSONB, UUID, Boolean, Text, Timestamptz
from piccolo.table import Table

__all__ = ("Connection", "ExternalRef", "Run")


class Connection(TenantOwned, Table, tablename="integrations_connection"):
    """A connection to another system: its connector, credentials (encrypted) and state."""

    source = Text()
    name = Text()
    config_enc = Text()
    state = JSONB()
    created_at = Timestamptz()


class ExternalRef(TenantOwned, Table, tablename="integrations_external_ref"):
    """A remote object's Nexus counterpart: what makes a re-run change nothing."""

    connection_id = UUID()
    object = Text()
    remote_id = Text()
    nexus_id = UUID()
    fingerprint = Text()
    local_fingerprint = Text(null=True)
    remote_version = Text(null=True)
    updated_at = Timestamptz()


class Run(TenantOwned, Table, tablename="integrations_run"):
    """One import (or dry run) of a connection, with its report."""

    connection_id = UUID()
    kind = Text()
    dry_run = Boolean()
    status = Text()
    report = JSONB()
    error = Text(null=True)
    started_at = Timestamptz()
    finished_at = Timestamptz(null=True)
