"""Hook specifications: the whole contract between the kernel and a plugin.

Every hook is named ``nexus_<what>``. The kernel calls each plugin's implementation on its
own (so contributions are attributed to the plugin that made them), in the plugins' start
order (requirements first). Hooks that contribute things take a ``register`` callback; hooks
that decide are ``firstresult``. A hook may return an awaitable where its docstring says so;
the kernel awaits it.

The reference in ``hookspecs/README.md`` documents each hook; a test keeps the two in step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_hookspecs._markers import hookspec

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from litestar import Litestar
    from litestar.types import ControllerRouterHandler

    from nexus_hookspecs._manifest import Manifest
    from nexus_hookspecs._ports import Connection
    from nexus_hookspecs._types import EventHandler, PurgeReport, TenantRef


@hookspec(firstresult=True)
def nexus_manifest() -> Manifest:  # type: ignore[empty-body]
    """Describe the plugin.

    Called once per plugin when the registry loads it, before any other hook. The manifest
    is validated (name, version, requirements, compatible ``nexus-hookspecs`` range); a
    plugin whose manifest is missing or invalid is skipped with the reason recorded.

    Returns:
        The plugin's :class:`~nexus_hookspecs.Manifest`. ``firstresult``: one per plugin.
    """


@hookspec
def nexus_routes(register: Callable[[ControllerRouterHandler], None]) -> None:
    """Contribute HTTP routes.

    Called once per plugin while the app is built. Each registered Litestar controller,
    router or route handler is mounted under ``/api/v1/<plugin name>/``; a plugin cannot
    place routes anywhere else. Handlers may ask for the ports by parameter name (``db``,
    ``context``, …).

    Args:
        register: Call with each controller, router or handler to mount.
    """


@hookspec(firstresult=True)
def nexus_piccolo_app() -> str | None:
    """Name the plugin's Piccolo app: its tables and migrations.

    Called by ``nexus migrate`` and ``nexus plugins doctor``. One Piccolo app per plugin,
    named like the plugin. Migrations run as the owner role, in start order.

    Returns:
        The dotted path of a module defining ``APP_CONFIG`` (a ``piccolo.conf.apps.AppConfig``),
        e.g. ``"nexus_crm.piccolo_app"``, or ``None`` when the plugin keeps no tables.
    """


@hookspec
def nexus_event_handlers(register: Callable[[str, EventHandler], None]) -> None:
    """Subscribe to events.

    Called once per plugin when the event consumers start. Handlers are called at least
    once per event and deduplicated by the kernel's inbox; they are not called for tenants
    that have the plugin disabled.

    Args:
        register: Call with an event type (``crm.deal.won.v1``) and an async handler.
    """


@hookspec
def nexus_tenant_enable(
    tenant: TenantRef, settings: Any, conn: Connection
) -> Awaitable[None] | None:
    """Prepare the plugin for a tenant that switches it on for the first time.

    Called exactly once per tenant, inside the transaction that enables the plugin, with
    row-level security set to that tenant. Seeds data from the tenant's preset settings.
    May return an awaitable.

    Args:
        tenant: The tenant.
        settings: The tenant's settings, an instance of the manifest's settings Struct.
        conn: The transaction's connection.
    """


@hookspec
def nexus_tenant_disable(tenant: TenantRef, conn: Connection) -> Awaitable[None] | None:
    """React to a tenant switching the plugin off.

    Called inside the transaction that disables the plugin. Data must be kept: re-enabling
    finds it intact. May return an awaitable.

    Args:
        tenant: The tenant.
        conn: The transaction's connection.
    """


@hookspec(firstresult=True)
def nexus_tenant_purge(
    tenant: TenantRef, conn: Connection, dry_run: bool
) -> PurgeReport | Awaitable[PurgeReport] | None:
    """Delete (or count, on a dry run) the plugin's data for one tenant.

    Called only on an explicit purge, dry run first. Rows in the manifest's tenant tables
    are handled by the kernel; implement this for anything else (files, external state).

    Args:
        tenant: The tenant.
        conn: The transaction's connection.
        dry_run: When true, count only.

    Returns:
        What was (or would be) deleted. ``firstresult``. May be an awaitable.
    """


@hookspec
def nexus_provision_resources(tenant: TenantRef, conn: Connection) -> Awaitable[None] | None:
    """Create what the plugin needs outside its tables for a new tenant.

    Called in the provisioning step "provision resources", once per enabled plugin. Must be
    idempotent: a resumed provisioning run calls it again. May return an awaitable.

    Args:
        tenant: The tenant being provisioned.
        conn: The provisioning transaction's connection.
    """


@hookspec
def nexus_deprovision_resources(tenant: TenantRef, conn: Connection) -> Awaitable[None] | None:
    """Remove what ``nexus_provision_resources`` created for a tenant being deprovisioned.

    Called when a tenant is deprovisioned, once per loaded plugin (enabled for the tenant
    or not), before the tenant's rows are deleted in the same transaction. Must be
    idempotent: an interrupted deprovision calls it again. May return an awaitable.

    Args:
        tenant: The tenant being deprovisioned.
        conn: The deprovisioning transaction's connection (row-level security set to it).
    """


@hookspec
def nexus_startup(app: Litestar) -> Awaitable[None] | None:
    """Start the plugin's own background work.

    Called once per process after the database is ready, in start order. May return an
    awaitable.

    Args:
        app: The running Litestar application.
    """


@hookspec
def nexus_shutdown(app: Litestar) -> Awaitable[None] | None:
    """Stop what :func:`nexus_startup` started.

    Called once per process on shutdown, in reverse start order. May return an awaitable.

    Args:
        app: The Litestar application.
    """
