"""Hook specifications: the whole contract between the kernel and a plugin.

Every hook is named ``nexus_<what>``. The kernel calls each plugin's implementation on its
own (so contributions are attributed to the plugin that made them), in the plugins' start
order (requirements first). Hooks that contribute things take a ``register`` callback; hooks
that decide are ``firstresult``. A hook may return an awaitable where its docstring says so;
the kernel awaits it.

These docstrings are the one source of the hooks reference: ``docs/plugins/hooks.md`` and
the reference in ``hookspecs/README.md`` are generated from them (``scripts/gen_docs.py``),
and a test fails when either is stale or a hook lacks a docstring section or an example.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_hookspecs._markers import hookspec

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from litestar import Litestar
    from litestar.types import ControllerRouterHandler

    from nexus_hookspecs._manifest import Manifest
    from nexus_hookspecs._ports import Background, Connection
    from nexus_hookspecs._types import (
        EventHandler,
        Prompt,
        PurgeReport,
        Resource,
        Service,
        TenantRef,
        Tool,
    )
    from nexus_hookspecs._ui import UiCard, UiResource


@hookspec(firstresult=True)
def nexus_manifest() -> Manifest:  # type: ignore[empty-body]
    """Describe the plugin.

    Called once per plugin when the registry loads it, before any other hook. The manifest
    is validated: the name (lower case letters, digits and ``_``; it is also the URL prefix,
    the Piccolo app name and the feature key), a PEP 440 version, ``requires``, the
    compatible ``nexus-hookspecs`` range, feature keys, permissions (``<name>.…``), event
    types (``<name>.…``) and the settings Struct. A plugin whose manifest is missing or
    invalid is skipped with the reason recorded (``nexus plugins doctor``, ``/readyz``).

    Returns:
        The plugin's :class:`~nexus_hookspecs.Manifest`. ``firstresult``: one per plugin.

    Example::

        @hookimpl
        def nexus_manifest() -> Manifest:
            return Manifest(
                name="loyalty",
                version="1.0.0",
                title="Loyalty points",
                requires=("crm",),
                hookspecs=">=0.1,<0.2",
                features=(Feature(key="awards", title="Points for won deals"),),
                permissions=(Permission(key="loyalty.points:redeem"),),
                settings=LoyaltySettings,
                events=(
                    EventType(
                        type="loyalty.points.awarded.v1",
                        description="Points were credited to a member.",
                        payload=PointsAwarded,
                    ),
                ),
                tenant_tables=("loyalty_entry",),
            )
    """


@hookspec
def nexus_routes(register: Callable[[ControllerRouterHandler], None]) -> None:
    """Contribute HTTP routes.

    Called once per plugin while the app is built. Each registered Litestar controller,
    router or route handler is mounted under ``/api/v1/<plugin name>/``; a plugin cannot
    place routes anywhere else: a route whose path leaves that prefix once normalised, whose
    ``opt`` claims another plugin, or whose ``opt["nexus_access"]`` asks for platform-admin
    access gets the plugin refused at load (``"tenant"`` is the default; ``"authenticated"``
    and ``"public"``, for a webhook checking its own signature, are allowed; so is
    ``"visitor"`` (0.1.3): anyone, acting in the tenant whose slug the path's ``{tenant:str}``
    parameter names — a public form, a knowledge base, a provider's callback — answered
    404 when that tenant is not active or has the plugin or the route's feature off). Every
    route names the permission it needs, reads included (``route_opt(permission=...)`` on
    the route or its controller, declared in the manifest's ``permissions``), unless it is
    public or for visitors (``route_opt(access="public")``, ``route_opt(access="visitor")``,
    the latter's path with a ``{tenant:str}`` parameter); the kernel refuses a plugin built
    for ``>=0.1.1`` with a route that names neither. A plugin built for the 0.1.0 contract (its
    range admits 0.1.0) still loads: each such route requires the implied permission
    ``<plugin>:read`` (``GET``, ``HEAD``) or ``<plugin>:write`` (other methods), held by
    tenant admins only, and ``nexus plugins doctor`` warns about it. Handlers ask for the
    ports by parameter name (``db``, ``context``, ``events``, …).

    WebSocket handlers (Litestar's ``@websocket``, ``WebsocketListener``; 0.1.5) register
    the same way and pass the same gate on their handshake: the token from the
    ``Authorization`` header or, for a browser, the ``access_token`` query parameter; the
    caller's tenant; the plugin and route feature switched on; the route's permission. A
    refused handshake is closed before it is accepted with ``4000 + status`` (4401, 4403,
    4404). The handler gets the same ports: ``db`` opens a transaction in the caller's
    tenant whenever it asks (``async with db.transaction()`` per message), ``events``,
    ``services``, ``cache`` and ``context`` are the caller's.

    Args:
        register: Call with each controller, router or handler to mount.

    Example::

        class MemberController(Controller):
            path = "/members"

            @get("/", opt=route_opt(permission="loyalty.members:read"))
            async def list_members(self, db: Db) -> list[Member]:
                async with db.transaction() as conn:
                    rows = await conn.fetch("select id, name from loyalty_member order by id")
                return [Member(id=row["id"], name=row["name"]) for row in rows]


        @hookimpl
        def nexus_routes(register: Callable[[ControllerRouterHandler], None]) -> None:
            register(MemberController)  # served at /api/v1/loyalty/members
    """


@hookspec(firstresult=True)
def nexus_piccolo_app() -> str | None:
    """Name the plugin's Piccolo app: its tables and migrations.

    Called by ``nexus migrate`` and ``nexus plugins doctor``. One Piccolo app per plugin,
    its ``app_name`` equal to the plugin's name. ``nexus migrate`` applies its migrations as
    the owner role, in start order, one runner at a time. Write migrations with Piccolo's
    CLI: ``PICCOLO_CONF=nexus.db.piccolo_conf piccolo migrations new <plugin> --auto``.
    ``--auto`` knows the schema only from earlier migrations written its way (``add_table``,
    ``add_column``, as the plugin template's first one is): after a table created in raw SQL
    it would create the table again, so such an app writes its later migrations by hand too.

    Returns:
        The dotted path of a module defining ``APP_CONFIG`` (a ``piccolo.conf.apps.AppConfig``),
        e.g. ``"nexus_crm.piccolo_app"``, or ``None`` when the plugin keeps no tables.

    Example::

        # acme_loyalty/piccolo_app.py defines APP_CONFIG = AppConfig(app_name="loyalty", ...)
        @hookimpl
        def nexus_piccolo_app() -> str:
            return "acme_loyalty.piccolo_app"
    """


@hookspec
def nexus_event_handlers(register: Callable[[str, EventHandler], None]) -> None:
    """Subscribe to events.

    Called once per plugin when the event consumers start. A handler is async and takes one
    CloudEvent, or the event and an :class:`~nexus_hookspecs.EventContext`. Handlers are
    called at least once per event and deduplicated by the kernel's inbox; they are not
    called for tenants that have the plugin disabled; raising means "retry later". The
    ``EventContext`` gives a handler what a route gets from its ports: ``tenant_id``,
    ``conn`` (the transaction the inbox entry commits in, row-level security set to the
    event's tenant, so the effect and the deduplication record commit together), ``events``
    (publish follow-up events in that transaction), ``services`` (other plugins' services in
    it), ``blobs`` (the tenant's files store, 0.1.4; outside the transaction, so key what you
    store by the event), and the coroutines ``feature_enabled(key)``, ``settings()`` (the
    tenant's settings Struct) and ``tools_for(actor)`` (0.1.8: the assistant tools of user
    ``actor`` as that user stands now, each run in a transaction of its own): await them.

    Args:
        register: Call with an event type (``crm.deal.won.v1``) and an async handler.

    Example::

        async def award_points(event: CloudEvent, ctx: EventContext) -> None:
            if not await ctx.feature_enabled("loyalty.awards"):
                return
            settings: LoyaltySettings = await ctx.settings()
            points = int(Decimal(event.data["amount"]) * settings.points_per_unit)
            await ctx.conn.execute(
                "insert into loyalty_entry (id, member_id, points) values ($1, $2, $3)",
                new_id(),
                event.data["contact_id"],
                points,
            )


        @hookimpl
        def nexus_event_handlers(register: Callable[[str, EventHandler], None]) -> None:
            register("crm.deal.won.v1", award_points)
    """


@hookspec
def nexus_services(register: Callable[[Service], None]) -> None:
    """Register the operations other plugins may call (see Services).

    Called once per plugin when the registry loads it. A service answers in the caller's
    request and transaction, where an event would be too late: "deliver 6 units or refuse
    naming the product", "draft the invoice and return its id". Each
    :class:`~nexus_hookspecs.Service` is named ``<plugin>.<verb>`` after the registering
    plugin; a name claiming another plugin's prefix, an invalid or duplicate name, or a
    request that is not a msgspec Struct gets the plugin refused at load (``nexus plugins
    doctor`` says why). Callers use :class:`~nexus_hookspecs.Services` (the ``services``
    dependency of a route, ``ctx.services`` in an event handler): the kernel checks the
    provider is enabled for the caller's tenant (a 409 problem with ``blocking`` naming it
    otherwise), converts the data strictly into ``request`` and runs ``handler`` with a
    :class:`~nexus_hookspecs.ServiceContext` on the caller's connection: the provider's
    writes and events commit or roll back with the caller's. Its events are the providing
    plugin's declared types; its settings the providing plugin's. A plugin providing or
    calling services is built for ``nexus-hookspecs>=0.1.2``.

    Args:
        register: Call with each :class:`~nexus_hookspecs.Service` the plugin offers.

    Example::

        async def redeem(data: Redeem, ctx: ServiceContext) -> Redeemed:
            settings: LoyaltySettings = await ctx.settings()
            await ctx.conn.execute(
                "insert into loyalty_entry (id, member_id, points) values ($1, $2, $3)",
                new_id(),
                data.member_id,
                -data.points,
            )
            return Redeemed(value=data.points * settings.points_per_unit)


        @hookimpl
        def nexus_services(register: Callable[[Service], None]) -> None:
            register(
                Service(
                    name="loyalty.redeem",
                    handler=redeem,
                    request=Redeem,
                    response=Redeemed,
                    description="Debits a member's points; answers what they are worth.",
                )
            )
    """


@hookspec
def nexus_ai_tools(register: Callable[[Tool | Resource | Prompt], None]) -> None:
    """Contribute tools for the tenant's assistants (0.1.5): the AI chat and ``/mcp``.

    Since 0.1.6 ``register`` also takes a :class:`~nexus_hookspecs.Resource` (records the
    assistants read by URI, ``nexus://<plugin>/<kind>/<id>``) and a
    :class:`~nexus_hookspecs.Prompt` (a prompt template with arguments), offered and run
    under the same rules as tools: plugin enabled, permission held, the caller's tenant.

    Called once per plugin when the registry loads it. Each :class:`~nexus_hookspecs.Tool`
    is named ``<plugin>.<verb>``, has a description, a msgspec Struct for its input (its
    JSON Schema is what the model sees), the permission it needs and whether it writes. A
    plugin whose hook raises or registers a tool the contract refuses (another plugin's
    name, a repeated name, an input that is not a Struct, a permission the manifest does
    not declare) is refused as a whole, with the reason. The kernel offers a tool only to
    callers whose tenant has the plugin enabled and who hold its permission, and runs it as
    them in their tenant's transaction; a writing tool needs the caller's confirmation.
    Reuse the plugin's own query and service code in handlers: a tool is another door to
    the same operation, not a copy of it.

    Args:
        register: Call with each tool.

    Example::

        class SearchMembers(msgspec.Struct, kw_only=True):
            query: str


        async def search_members(data: SearchMembers, ctx: ServiceContext) -> list[Member]:
            return await members.search(ctx.conn, data.query)


        @hookimpl
        def nexus_ai_tools(register: Callable[[Tool], None]) -> None:
            register(
                Tool(
                    name="loyalty.members.search",
                    description="Finds loyalty members by name.",
                    input=SearchMembers,
                    permission="loyalty.members:read",
                    handler=search_members,
                )
            )
    """


@hookspec
def nexus_tenant_enable(
    tenant: TenantRef, settings: Any, conn: Connection, seed: Any
) -> Awaitable[None] | None:
    """Prepare the plugin for a tenant that switches it on for the first time.

    Called exactly once per (tenant, plugin), inside the transaction that first enables the
    plugin for the tenant, with row-level security set to that tenant: when provisioning
    seeds it or an admin switches it on, and at the latest before the plugin serves the
    tenant's first request or handles its first event. Seed the tenant's data here, from
    its settings; no route or handler needs to seed "on first use". May return an
    awaitable.

    Args:
        tenant: The tenant.
        settings: The tenant's settings, an instance of the manifest's settings Struct (its
            preset's values, the business profile's facts, or those kept before).
        conn: The transaction's connection.
        seed: The preset's and profile's ``[seed.<plugin>]`` converted into the manifest's
            ``seed`` Struct when the plugin declares one and provisioning enables it;
            ``None`` otherwise (an admin switching the plugin on, a first request). An
            implementation may leave this argument out.

    Example::

        @hookimpl
        async def nexus_tenant_enable(
            tenant: TenantRef, settings: LoyaltySettings, conn: Connection
        ) -> None:
            await conn.execute(
                "insert into loyalty_tier (id, name, threshold) values ($1, 'Gold', $2)",
                new_id(),
                settings.gold_threshold,
            )
    """


@hookspec
def nexus_tenant_disable(tenant: TenantRef, conn: Connection) -> Awaitable[None] | None:
    """React to a tenant switching the plugin off.

    Called inside the transaction that disables the plugin. Data must be kept: re-enabling
    finds it intact. May return an awaitable.

    Args:
        tenant: The tenant.
        conn: The transaction's connection.

    Example::

        @hookimpl
        def nexus_tenant_disable(tenant: TenantRef, conn: Connection) -> None:
            log.info("loyalty switched off; balances kept", tenant=tenant.slug)
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

    Example::

        @hookimpl
        async def nexus_tenant_purge(
            tenant: TenantRef, conn: Connection, dry_run: bool
        ) -> PurgeReport:
            keys = [row["key"] for row in await conn.fetch("select key from loyalty_card")]
            if not dry_run:
                await delete_card_images(tenant.id, keys)
            return PurgeReport(files=len(keys))
    """


@hookspec
def nexus_provision_resources(tenant: TenantRef, conn: Connection) -> Awaitable[None] | None:
    """Create what the plugin needs outside its tables for a new tenant.

    Called in the provisioning step "provision resources", once per enabled plugin. Must be
    idempotent: a resumed provisioning run calls it again. May return an awaitable.

    Args:
        tenant: The tenant being provisioned.
        conn: The provisioning transaction's connection.

    Example::

        @hookimpl
        async def nexus_provision_resources(tenant: TenantRef, conn: Connection) -> None:
            # Idempotent: a resumed provisioning run calls it again.
            await create_card_printer_queue(tenant.id, exist_ok=True)
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

    Example::

        @hookimpl
        async def nexus_deprovision_resources(tenant: TenantRef, conn: Connection) -> None:
            await delete_card_printer_queue(tenant.id, missing_ok=True)
    """


@hookspec
def nexus_startup(app: Litestar) -> Awaitable[None] | None:
    """Start the plugin's own background work.

    Called once per process after the database is ready, in start order. May return an
    awaitable.

    Args:
        app: The running Litestar application.

    Example::

        _tasks: list[asyncio.Task[None]] = []


        @hookimpl
        def nexus_startup(app: Litestar) -> None:
            _tasks.append(asyncio.get_running_loop().create_task(expire_points_nightly()))
    """


@hookspec
def nexus_background(work: Background) -> Awaitable[None] | None:
    """Start work that runs outside requests and events: a server, a poller (0.1.3).

    Called once per process after every plugin's :func:`nexus_startup`, in start order.
    ``work`` acts as a tenant for a unit of work (:meth:`Background.as_tenant`), finds a
    tenant by slug and reaches its files; keep it, and stop what you start in
    :func:`nexus_shutdown`. May return an awaitable; a failure stops the process's start.

    Args:
        work: The plugin's :class:`nexus_hookspecs.Background` port.

    Example::

        _servers: list[asyncio.Server] = []


        @hookimpl
        async def nexus_background(work: Background) -> None:
            async def on_client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
                slug = (await reader.readline()).decode().strip()
                tenant_id = await work.tenant_id(slug)
                if tenant_id is not None:
                    async with work.as_tenant(tenant_id) as ctx:
                        await ctx.conn.execute("insert into bookings_ping default values")
                writer.close()

            _servers.append(await asyncio.start_server(on_client, "127.0.0.1", 0))


        @hookimpl
        def nexus_shutdown(app: Litestar) -> None:
            for server in _servers:
                server.close()
    """


@hookspec
def nexus_shutdown(app: Litestar) -> Awaitable[None] | None:
    """Stop what :func:`nexus_startup` started.

    Called once per process on shutdown, in reverse start order. A failure is logged and
    the other plugins still shut down. May return an awaitable.

    Args:
        app: The Litestar application.

    Example::

        _tasks: list[asyncio.Task[None]] = []


        @hookimpl
        def nexus_startup(app: Litestar) -> None:
            _tasks.append(asyncio.get_running_loop().create_task(expire_points_nightly()))


        @hookimpl
        async def nexus_shutdown(app: Litestar) -> None:
            for task in _tasks:
                task.cancel()
            await asyncio.gather(*_tasks, return_exceptions=True)
    """


@hookspec
def nexus_ui(register: Callable[[UiResource | UiCard], None]) -> None:
    """Refine the workspace's generated screens at ``/app`` (0.1.5).

    Called once per plugin the first time the workspace collects the loaded plugins'
    declarations (they are kept per registry). The workspace builds a list, detail and form
    view for every collection route a plugin serves from the OpenAPI document alone, so this
    hook is optional. Register a
    :class:`~nexus_hookspecs.UiResource` to name a menu entry, choose list columns, group
    the form in sections, edit an array field as lines with totals, add a kanban board or a
    calendar, show actions (POST routes) as buttons, or (0.1.7) open its records, which are
    collaborative documents, in the workspace's Writer, Sheets or Slides editor
    (:class:`~nexus_hookspecs.UiEditor`); register a
    :class:`~nexus_hookspecs.UiCard` for a dashboard card fed by a report route. A
    declaration is shown only to users who may call its routes, while the plugin is on.

    Args:
        register: Call with each declaration.

    Example::

        @hookimpl
        def nexus_ui(register: Callable[[UiResource | UiCard], None]) -> None:
            register(
                UiResource(
                    path="/api/v1/crm/deals",
                    label="Deals",
                    columns=("title", "stage", "amount"),
                    kanban=UiKanban(
                        stage_field="stage",
                        stages=("lead", "proposal"),
                        move="/api/v1/crm/deals/{id}/move",
                    ),
                )
            )
            register(UiCard(label="Open deals", path="/api/v1/crm/reports/pipeline", value="open"))
    """
