"""Test helpers for the kernel and for plugin authors.

The fixtures in :mod:`nexus.testing.pytest_plugin` are available in every pytest run once
``nexus-kernel`` is installed; :func:`create_test_client` builds a kernel with only the
plugins a test names, against a real PostgreSQL.
"""

from __future__ import annotations

from nexus.testing._client import create_test_client, run_sync
from nexus.testing._database import find_test_server, temporary_database
from nexus.testing._events import EventWorkerHarness
from nexus.testing._kafka import TansuBroker, tansu_binary
from nexus.testing._s3 import MotoServer
from nexus.testing._tenants import (
    TestTenant,
    make_platform_key,
    make_tenant,
    set_plugin_settings,
)

__all__ = (
    "EventWorkerHarness",
    "MotoServer",
    "TansuBroker",
    "TestTenant",
    "create_test_client",
    "find_test_server",
    "make_platform_key",
    "make_tenant",
    "set_plugin_settings",
    "run_sync",
    "tansu_binary",
    "temporary_database",
)
