"""SCIM 2.0 at ``/api/v1/scim/v2``: identity providers provision the tenant's users and groups.

Okta, Entra ID or Google call it with a tenant API key as the bearer token — one made for
the purpose, scoped to ``nexus.scim:provision`` (an admin's key works as well). The
protocol — routing, validation, PATCH, filters, ETags, errors — is scim2-server's
(:mod:`nexus.idaas._scim_service`, loaded with the first SCIM request); the resources live
in the kernel's users and roles (:mod:`nexus.idaas._scim_storage`). Each request is one
transaction of the caller's tenant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar import Request, route
from litestar.response import Response  # noqa: TC002 - Litestar reads handler hints at run time

from nexus.http import KernelDb

if TYPE_CHECKING:
    from litestar.types import ControllerRouterHandler

__all__ = ("SCIM_PATH", "SCIM_PERMISSION", "scim_routes")

SCIM_PATH = "/api/v1/scim/v2"
SCIM_PERMISSION = "nexus.scim:provision"


@route(
    [SCIM_PATH, SCIM_PATH + "/{path:path}"],
    http_method=["GET", "POST", "PUT", "PATCH", "DELETE"],
    summary="SCIM 2.0 (RFC 7644): Users, Groups, ServiceProviderConfig, Schemas, ResourceTypes",
    tags=["idaas"],
    opt={"permission": SCIM_PERMISSION, "nexus_no_idempotency": True},
    # SCIM describes itself (ServiceProviderConfig, Schemas, ResourceTypes); one catch-all
    # operation in the REST API's document would tell clients and fuzzers nothing true.
    include_in_schema=False,
)
async def scim(request: Request[Any, Any, Any], db: KernelDb) -> Response[Any]:
    """Serve one SCIM request in a transaction of the caller's tenant (scim2-server)."""
    from nexus.idaas._scim_service import serve  # noqa: PLC0415 - scim2-server, on first use

    return await serve(request, db)


scim_routes: list[ControllerRouterHandler] = [scim]
