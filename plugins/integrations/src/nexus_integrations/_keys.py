"""Permission keys of Integrations, as constants."""

from __future__ import annotations

__all__ = ("CONNECTIONS_MANAGE", "RUNS_READ", "RUNS_WRITE")

CONNECTIONS_MANAGE = "integrations.connections:manage"
"""Register connections to other systems and their credentials (encrypted, never shown)."""

RUNS_WRITE = "integrations.runs:write"
"""Start an import (or its dry run) from a connection."""

RUNS_READ = "integrations.runs:read"
"""List runs and read their reports."""
