"""One short example per hook, for the generated hooks reference.

A hook specification whose docstring has its own ``Example::`` section uses that one; the
others take theirs from here. ``tests/test_hooks_reference.py`` fails when a hook has
neither, or when an example does not compile.
"""

from __future__ import annotations

__all__ = ("EXAMPLES",)

EXAMPLES: dict[str, str] = {
    "nexus_manifest": """
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
        events=("loyalty.points.awarded.v1",),
        tenant_tables=("loyalty_entry",),
    )
""",
    "nexus_routes": """
class MemberController(Controller):
    path = "/members"

    @get("/")
    async def list_members(self, db: NamedDependency[Database]) -> list[Member]:
        async with db.transaction() as conn:
            return [Member(**row) for row in await conn.fetch("select ...")]


@hookimpl
def nexus_routes(register):
    register(MemberController)  # served at /api/v1/loyalty/members
""",
    "nexus_piccolo_app": """
# acme_loyalty/piccolo_app.py defines
#     APP_CONFIG = AppConfig(app_name="loyalty", migrations_folder_path=..., table_classes=[Entry])
@hookimpl
def nexus_piccolo_app():
    return "acme_loyalty.piccolo_app"
""",
    "nexus_event_handlers": """
async def award_points(event, ctx: EventContext) -> None:
    if not await ctx.feature_enabled("loyalty.awards"):
        return
    settings = await ctx.settings()
    points = int(Decimal(event.data["amount"]) * settings.points_per_unit)
    await ctx.conn.execute(
        "insert into loyalty_entry (id, member_id, points, reason) values ($1, $2, $3, $4)",
        new_id(),
        event.data["contact_id"],
        points,
        "deal won",
    )


@hookimpl
def nexus_event_handlers(register):
    register("crm.deal.won.v1", award_points)
""",
    "nexus_tenant_enable": """
@hookimpl
async def nexus_tenant_enable(tenant, settings, conn):
    await conn.execute(
        "insert into crm_pipeline (id, name) values ($1, $2) on conflict do nothing",
        new_id(),
        settings.pipeline_name,
    )
""",
    "nexus_tenant_disable": """
@hookimpl
def nexus_tenant_disable(tenant, conn):
    log.info("loyalty switched off; balances kept", tenant=tenant.slug)
""",
    "nexus_tenant_purge": """
@hookimpl
async def nexus_tenant_purge(tenant, conn, dry_run):
    keys = await conn.fetch("select key from loyalty_card_image")
    if not dry_run:
        await delete_card_images(tenant.id, [row["key"] for row in keys])
    return PurgeReport(files=len(keys))
""",
    "nexus_provision_resources": """
@hookimpl
async def nexus_provision_resources(tenant, conn):
    # Idempotent: a resumed provisioning run calls it again.
    await conn.execute(
        "insert into loyalty_program (id, name) values ($1, 'Default') on conflict do nothing",
        tenant.id,
    )
""",
    "nexus_deprovision_resources": """
@hookimpl
async def nexus_deprovision_resources(tenant, conn):
    await conn.execute("delete from loyalty_program where id = $1", tenant.id)
""",
    "nexus_startup": """
_tasks: list[asyncio.Task[None]] = []


@hookimpl
def nexus_startup(app):
    _tasks.append(asyncio.get_running_loop().create_task(expire_points_nightly()))
""",
    "nexus_shutdown": """
@hookimpl
async def nexus_shutdown(app):
    for task in _tasks:
        task.cancel()
    await asyncio.gather(*_tasks, return_exceptions=True)
""",
}
