"""A tenant's issuer for one request: its URL, its authorization server, its storage."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from litestar.response import Response

from nexus.http import required_tenant
from nexus.idaas._bridge import Bridge, HttpRequest
from nexus.idaas._server import TenantServer
from nexus.services import kernel_of

if TYPE_CHECKING:
    from uuid import UUID

    from litestar import Request

    from nexus.services import Kernel

__all__ = ("ISSUER_PATH", "REFRESH_TTL", "Issuer", "issuer_of", "respond")

ISSUER_PATH = "/api/v1/oidc"
REFRESH_TTL = timedelta(days=30)


class Issuer:
    """One tenant's issuer as a request sees it."""

    def __init__(self, *, kernel: Kernel, tenant_id: UUID, slug: str, name: str, url: str) -> None:
        self.kernel = kernel
        self.tenant_id = tenant_id
        self.slug = slug
        self.name = name
        self.url = url
        self.bridge = Bridge(kernel.database, tenant_id)
        self.server = TenantServer(
            bridge=self.bridge,
            issuer=url,
            access_ttl_s=kernel.settings.jwt_ttl_s,
            refresh_ttl=REFRESH_TTL,
        )

    async def oauth_request(self, request: Request[Any, Any, Any], suffix: str) -> HttpRequest:
        """The request as Authlib reads it (its body read here, in the event loop)."""
        form: dict[str, list[str]] = {}
        if request.method == "POST":
            body = await request.body()
            form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        query = parse_qs(request.scope.get("query_string", b"").decode(), keep_blank_values=True)
        uri = self.url + suffix
        return HttpRequest(
            method=request.method, uri=uri, headers=request.headers, query=query, form=form
        )


async def issuer_of(request: Request[Any, Any, Any]) -> Issuer:
    """The issuer of the tenant the path names (the gate admitted it: it is active)."""
    kernel = kernel_of(request.app)
    tenant_id = required_tenant(request)
    record = await kernel.authenticator.tenant(str(tenant_id))
    slug = record.slug if record is not None else str(request.path_params["tenant"])
    base = kernel.settings.public_url or str(request.base_url).rstrip("/")
    return Issuer(
        kernel=kernel,
        tenant_id=tenant_id,
        slug=slug,
        name=slug,
        url=f"{base.rstrip('/')}{ISSUER_PATH}/{slug}",
    )


def respond(result: tuple[int, Any, Any]) -> Response[Any]:
    """Authlib's ``(status, body, headers)`` as a Litestar response."""
    status, body, headers = result
    fields = dict(headers or [])
    if isinstance(body, dict):
        fields.pop("Content-Type", None)
        return Response(
            content=body, status_code=status, headers=fields, media_type="application/json"
        )
    return Response(content=body or "", status_code=status, headers=fields)
