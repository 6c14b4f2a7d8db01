"""The ``db`` dependency of the kernel's own routes: the concrete adapter, not the port.

Plugins ask for the ``Database`` port through the kit's ``Db``; kernel routes get the
adapter itself, whose connections are asyncpg's (the kernel's stores take those).
"""

from __future__ import annotations

from typing import TypeAlias

from litestar.di import NamedDependency

from nexus.db import TenantDatabase

__all__ = ("KernelDb",)

KernelDb: TypeAlias = NamedDependency[TenantDatabase]
"""``db`` in a kernel route: transactions with row-level security set to the request's tenant."""
