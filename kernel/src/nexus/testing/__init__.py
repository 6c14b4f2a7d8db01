"""Test helpers for the kernel and for plugin authors.

The fixtures in :mod:`nexus.testing.pytest_plugin` are available in every pytest run once
``nexus-kernel`` is installed; :func:`create_test_client` builds a kernel with only the
plugins a test names, against a real PostgreSQL.

This package is the whole of the kernel a plugin's tests may import (besides
``nexus_hookspecs``): what it needs of the event log, kernel settings, the plugin registry
and the presets catalog is here, so a kernel refactor never breaks a plugin's tests.
"""

from __future__ import annotations

from nexus.testing._checks import (
    PluginState,
    load_test_plugins,
    load_test_presets,
    plugin_findings,
    preset_problems,
)
from nexus.testing._client import create_test_client, run_sync
from nexus.testing._database import find_test_server, temporary_database
from nexus.testing._dr_drill import DrDrillResult, dr_drill_missing, run_dr_drill
from nexus.testing._events import EventWorkerHarness
from nexus.testing._kafka import TansuBroker, tansu_binary
from nexus.testing._outbox import outbox_events, publish_event
from nexus.testing._s3 import MotoServer
from nexus.testing._schema import migrated_database
from nexus.testing._serve import serve_processes
from nexus.testing._settings import kernel_settings
from nexus.testing._tenants import (
    TestTenant,
    make_platform_key,
    make_tenant,
    set_plugin_settings,
    tenant_transaction,
)
from nexus.testing._tools import call_tool, list_tools

__all__ = (
    "DrDrillResult",
    "EventWorkerHarness",
    "MotoServer",
    "PluginState",
    "TansuBroker",
    "TestTenant",
    "call_tool",
    "create_test_client",
    "dr_drill_missing",
    "find_test_server",
    "kernel_settings",
    "list_tools",
    "load_test_plugins",
    "load_test_presets",
    "make_platform_key",
    "make_tenant",
    "migrated_database",
    "outbox_events",
    "plugin_findings",
    "preset_problems",
    "publish_event",
    "run_dr_drill",
    "run_sync",
    "serve_processes",
    "set_plugin_settings",
    "tansu_binary",
    "temporary_database",
    "tenant_transaction",
)
