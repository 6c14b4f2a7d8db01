"""Typed route options: what a route needs before the kernel lets a request through."""

from __future__ import annotations

from typing import Any, Literal

__all__ = ("Access", "route_opt")

Access = Literal["tenant", "authenticated", "public", "visitor"]
"""Who may call a plugin route: a principal acting in a tenant (the default), any
authenticated principal, anyone (webhooks: verify the caller yourself), or anyone acting in
the tenant the path's ``{tenant:str}`` parameter names by its slug (``visitor``, 0.1.3: a
public form, a public knowledge base; the route runs as that tenant, without an actor)."""


def route_opt(
    *, permission: str | None = None, feature: str | None = None, access: Access | None = None
) -> dict[str, Any]:
    """The ``opt`` of a route or controller: permission, feature and access it requires.

    Every route names a permission, reads included (``crm.deals:read``), on itself or on
    its controller, unless it is public or for visitors: the kernel refuses to load a
    plugin (built for
    ``>=0.1.1``) with a route that names neither.

    Args:
        permission: A permission the caller must hold (``crm.deals:write``), declared in the
            manifest's ``permissions``.
        feature: A feature of this plugin that must be on for the tenant (``crm.deals``);
            when it is off the route answers 404, as if it did not exist.
        access: Who may call it (see :data:`Access`); ``tenant`` when left out.

    Example::

        @get("/", opt=route_opt(permission="crm.deals:read"))
        async def list_deals(self, db: Db) -> Page[DealOut]: ...

        @post("/", opt=route_opt(permission="crm.deals:write"))
        async def create_deal(self, db: Db, data: DealIn) -> DealOut: ...

        class DealController(Controller):
            opt = route_opt(feature="crm.deals")

        # Anyone may submit, in the tenant the slug names; 404 when it is not active or
        # has the plugin (or the feature) off. Protect it yourself: rate limits, sizes.
        @post("/public/{tenant:str}/requests", opt=route_opt(access="visitor"))
        async def submit(self, tenant: FromPath[str], db: Db, data: RequestIn) -> Receipt: ...
    """
    opt: dict[str, Any] = {}
    if permission is not None:
        opt["permission"] = permission
    if feature is not None:
        opt["feature"] = feature
    if access is not None:
        opt["nexus_access"] = access
    return opt
