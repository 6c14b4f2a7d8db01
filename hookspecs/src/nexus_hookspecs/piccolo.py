"""Piccolo helpers for tenant-owned tables (needs ``piccolo``: ``nexus-hookspecs[piccolo]``).

Example::

    from piccolo.columns import Text
    from piccolo.table import Table
    from nexus_hookspecs.piccolo import TenantOwned

    class Contact(TenantOwned, Table, tablename="crm_contact"):
        name = Text()

    async with db.transaction():
        await Contact(name="Ada").save()   # tenant_id and a time-ordered id filled in

The kernel enables and forces row-level security on every table with a ``tenant_id``
column and makes ``(tenant_id, id)`` its primary key, so a query sees only the rows of the
request's tenant and an insert for another tenant is refused.
"""

from __future__ import annotations

import uuid

import uuid_utils
from piccolo.columns import UUID
from piccolo.columns.defaults.uuid import UUID4

from nexus_hookspecs._context import current_tenant

__all__ = ("CurrentTenant", "TenantOwned", "TimeOrderedId")


class TimeOrderedId(UUID4):
    """Default for ids: a UUIDv7 (time-ordered, so pages and indexes stay in order)."""

    def python(self) -> uuid.UUID:
        """Return a new UUIDv7."""
        return uuid.UUID(str(uuid_utils.uuid7()))


class CurrentTenant(UUID4):
    """Default for ``tenant_id``: the tenant of the transaction in progress."""

    @property
    def postgres(self) -> str:
        """The same default on the database side: the transaction's tenant setting."""
        return "nullif(current_setting('nexus.tenant_id', true), '')::uuid"

    def python(self) -> uuid.UUID | None:
        """Return the current transaction's tenant (``None`` outside one: refused by RLS)."""
        return current_tenant.get()


class TenantOwned:
    """Mixin for a tenant-owned Piccolo table: ``tenant_id`` and a time-ordered ``id``."""

    tenant_id = UUID(null=False, index=True, default=CurrentTenant())
    id = UUID(primary_key=True, default=TimeOrderedId())
