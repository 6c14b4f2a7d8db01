"""The SCIM 2.0 protocol behind ``/api/v1/scim/v2``: scim2-server over the kernel's users.

Imported by :mod:`nexus.idaas._scim` with the first SCIM request, never at start-up:
scim2-server, scim2-models and their pydantic models take about a second to import, and
most workers never serve an identity provider.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote

from litestar.response import Response
from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    ETag,
    External,
    Filter,
    Group,
    Patch,
    Reference,
    ScimProvider,
    ServiceProviderConfig,
    Sort,
    User,
)
from scim2_server.handler import AsyncScimHandler
from scim2_server.requests import ScimRequest
from scim2_server.service import ScimService

from nexus.idaas._scim import SCIM_PATH
from nexus.idaas._scim_storage import NexusScimStorage
from nexus.services import kernel_of

if TYPE_CHECKING:
    from litestar import Request
    from scim2_server.responses import ScimResponse

    from nexus.http import KernelDb

__all__ = ("MAX_RESULTS", "serve")

MAX_RESULTS = 200
_MEDIA_TYPE = "application/scim+json"

_PROVIDER = ScimProvider(
    models=[User, Group],
    config=ServiceProviderConfig(
        documentation_uri=None,
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_RESULTS),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=True),
        etag=ETag(supported=True),
        authentication_schemes=[
            AuthenticationScheme(
                type=AuthenticationScheme.Type.oauthbearertoken,
                name="Bearer token",
                description="A tenant API key scoped to nexus.scim:provision",
                spec_uri=Reference[External]("https://www.rfc-editor.org/rfc/rfc6750"),
                primary=True,
            )
        ],
    ),
)
_SERVICE = ScimService(_PROVIDER)


class _Refused(Exception):
    """A failed operation: its transaction rolls back, and this response is sent."""

    def __init__(self, response: ScimResponse) -> None:
        super().__init__(response.status)
        self.response = response


_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"
"""What RFC 3986 lets stand in a URL (and ``%``, so what is encoded stays so)."""


def _answer(response: ScimResponse, url: str) -> Response[Any]:
    headers = dict(response.headers)
    # A header is Latin-1: a path with other characters goes percent-encoded.
    headers.setdefault("Location", quote(url, safe=_URL_SAFE))
    headers.setdefault("Cache-Control", "no-cache")
    body = b"" if response.body is None else json.dumps(response.body).encode()
    return Response(
        content=body, status_code=int(response.status), headers=headers, media_type=_MEDIA_TYPE
    )


async def serve(request: Request[Any, Any, Any], db: KernelDb) -> Response[Any]:
    """Serve one SCIM request in a transaction of the caller's tenant (scim2-server)."""
    kernel = kernel_of(request.app)
    base = (kernel.settings.public_url or str(request.base_url)).rstrip("/") + SCIM_PATH
    path = request.url.path.removeprefix(SCIM_PATH).removesuffix(".scim") or "/"
    scim_request = ScimRequest(
        method=request.method,
        base_url=base,
        path=path,
        query=dict(parse_qsl(request.url.query, keep_blank_values=True)),
        headers=list(request.headers.items()),
        body=await request.body(),
    )
    storage: NexusScimStorage | None = None
    try:
        async with db.transaction() as conn:
            storage = NexusScimStorage(conn, seats=kernel.plans.gate)
            try:
                response = await AsyncScimHandler(_SERVICE, storage).handle(scim_request)
            except Exception as exc:  # noqa: BLE001 - scim2-server maps it to a SCIM error
                raise _Refused(_SERVICE.error_response(exc)) from exc
            if int(response.status) >= 400:
                raise _Refused(response)
    except _Refused as refused:
        return _answer(refused.response, scim_request.url)
    if storage.deprovisioned:
        # Their bearer tokens stop here at once, elsewhere within NEXUS_AUTH_CACHE_TTL_S.
        kernel.authenticator.forget()
    return _answer(response, scim_request.url)
