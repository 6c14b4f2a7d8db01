"""Routes of single sign-on: providers and domains (tenant admins), and the sign-in itself.

Tenant admins (``nexus.users:admin``) manage ``/api/v1/sso/providers`` and
``/api/v1/sso/domains``. Without credentials, a browser signs in at
``/api/v1/sso/{tenant}/saml/{provider}/login`` (redirected to the IdP, which posts back to
``…/acs``) and ends at ``{NEXUS_PUBLIC_URL}/console/#/sso?ticket=…``; the ticket is
exchanged at ``POST /api/v1/auth/sso/complete``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

from asyncpg import UniqueViolationError
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.exceptions import ClientException, HTTPException, NotFoundException
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import Redirect
from nexus_hookspecs.http import invalid

from nexus.db import new_id
from nexus.http import KernelDb, problem_spec, required_tenant
from nexus.services import kernel_of
from nexus.sso._domains import (
    Domain,
    DomainChange,
    DomainCreate,
    add_domain,
    change_domain,
    delete_domain,
    get_domain,
    list_domains,
    mark_verified,
    txt_published,
)
from nexus.sso._jit import admit
from nexus.sso._oidc import OidcError, authorization_url, callback_url, identity_of
from nexus.sso._providers import (
    Provider,
    ProviderCreate,
    ProviderRow,
    check_provider,
    create_provider,
    delete_provider,
    get_provider,
    list_providers,
)
from nexus.sso._saml import SamlUrls, authn_redirect, metadata_xml, read_response, sp_client

__all__ = ("sso_routes",)

ADMIN = {"permission": "nexus.users:admin"}
_PUBLIC = {"nexus_access": "public"}
LOGIN_TTL = timedelta(minutes=10)


def _base_url(request: Request[Any, Any, Any]) -> str:
    return kernel_of(request.app).settings.public_url or str(request.base_url).rstrip("/")


class ProviderController(Controller):
    """The tenant's identity providers."""

    path = "/api/v1/sso/providers"
    tags = ["sso"]
    opt = ADMIN

    @get("/", summary="List identity providers")
    async def list(self, db: KernelDb) -> list[Provider]:
        """The tenant's providers (never a client secret)."""
        async with db.transaction() as conn:
            return await list_providers(conn)

    @post(
        "/",
        summary="Add an identity provider",
        opt={"nexus_no_idempotency": True},
        responses={409: problem_spec(409), 422: problem_spec(422)},
    )
    async def create(
        self, request: Request[Any, Any, Any], db: KernelDb, data: JSONBody[ProviderCreate]
    ) -> Provider:
        """Add an OIDC or SAML 2.0 provider. 409 when the name is taken."""
        check_provider(data)
        tenant_id = required_tenant(request)
        try:
            async with db.transaction() as conn:
                provider = await create_provider(conn, tenant_id, data)
                if data.kind == "saml":
                    row = await get_provider(conn, provider.id)
                    assert row is not None
                    try:
                        client = sp_client(row, SamlUrls(_base_url(request), "check", row))
                        idps = list(client.metadata.identity_providers())
                    except Exception as exc:  # pysaml2 raises many types for bad metadata
                        invalid("idp_metadata", f"not usable SAML metadata: {type(exc).__name__}")
                    if len(idps) != 1:
                        invalid("idp_metadata", "must describe exactly one identity provider")
                return provider
        except UniqueViolationError:
            raise ClientException(f"a provider named {data.name} exists", status_code=409) from None

    @get("/{provider_id:uuid}", summary="Show an identity provider")
    async def show(self, db: KernelDb, provider_id: FromPath[UUID]) -> Provider:
        """One provider."""
        async with db.transaction() as conn:
            row = await get_provider(conn, provider_id)
        if row is None:
            raise NotFoundException()
        return Provider(**{f: getattr(row, f) for f in Provider.__struct_fields__})

    @delete("/{provider_id:uuid}", summary="Remove an identity provider")
    async def remove(self, db: KernelDb, provider_id: FromPath[UUID]) -> None:
        """Remove a provider; its users stay (with their passwords, if any)."""
        async with db.transaction() as conn:
            if not await delete_provider(conn, provider_id):
                raise NotFoundException()


class DomainController(Controller):
    """The tenant's email domains."""

    path = "/api/v1/sso/domains"
    tags = ["sso"]
    opt = ADMIN

    @get("/", summary="List email domains")
    async def list(self, db: KernelDb) -> list[Domain]:
        """The tenant's domains and the TXT record that verifies each."""
        async with db.transaction() as conn:
            return await list_domains(conn)

    @post("/", summary="Add an email domain", responses={409: problem_spec(409)})
    async def create(
        self, request: Request[Any, Any, Any], db: KernelDb, data: JSONBody[DomainCreate]
    ) -> Domain:
        """Add a domain; publish its TXT record, then verify it. 409 when the tenant has it."""
        try:
            async with db.transaction() as conn:
                return await add_domain(conn, required_tenant(request), data)
        except UniqueViolationError:
            raise ClientException(f"the domain {data.domain} exists", status_code=409) from None

    @post(
        "/{domain_id:uuid}/verify",
        summary="Verify an email domain",
        status_code=200,
        responses={409: problem_spec(409)},
    )
    async def verify(
        self, request: Request[Any, Any, Any], db: KernelDb, domain_id: FromPath[UUID]
    ) -> Domain:
        """Check the domain's TXT record.

        409 when it is not published, or another tenant verified the domain first.
        """
        async with db.transaction() as conn:
            domain = await get_domain(conn, domain_id)
        if domain is None:
            raise NotFoundException()
        resolver = kernel_of(request.app).settings.sso_resolver
        if not await txt_published(domain, resolver=resolver):
            raise ClientException(
                f"{domain.record_name} has no TXT record {domain.record_value!r} yet",
                status_code=409,
            )
        try:
            async with db.transaction() as conn:
                verified = await mark_verified(conn, domain_id)
        except UniqueViolationError:
            raise ClientException(
                f"the domain {domain.domain} is verified by another tenant", status_code=409
            ) from None
        if verified is None:
            raise NotFoundException()
        return verified

    @patch("/{domain_id:uuid}", summary="Switch SSO-only for a domain")
    async def change(
        self, db: KernelDb, domain_id: FromPath[UUID], data: JSONBody[DomainChange]
    ) -> Domain:
        """With ``sso_only``, the domain's users cannot sign in with a password."""
        async with db.transaction() as conn:
            domain = await change_domain(conn, domain_id, data)
        if domain is None:
            raise NotFoundException()
        return domain

    @delete("/{domain_id:uuid}", summary="Remove an email domain")
    async def remove(self, db: KernelDb, domain_id: FromPath[UUID]) -> None:
        """Remove a domain."""
        async with db.transaction() as conn:
            if not await delete_domain(conn, domain_id):
                raise NotFoundException()


async def _provider_of(
    request: Request[Any, Any, Any], tenant: str, provider_id: UUID, kind: str
) -> tuple[Any, ProviderRow]:
    auth = kernel_of(request.app).authenticator
    record = await auth.tenant(tenant)
    if record is None or record.status != "active":
        raise NotFoundException()
    async with auth.database.transaction(tenant_id=record.id) as conn:
        provider = await get_provider(conn, provider_id)
    if provider is None or provider.kind != kind:
        raise NotFoundException()
    return record, provider


class SamlController(Controller):
    """Signing in through a tenant's SAML 2.0 identity provider (no credentials)."""

    path = "/api/v1/sso/{tenant:str}/saml/{provider_id:uuid}"
    tags = ["sso"]
    opt = _PUBLIC

    @get(
        "/metadata",
        summary="The service provider's SAML metadata",
        responses={404: problem_spec(404)},
    )
    async def metadata(
        self, request: Request[Any, Any, Any], tenant: FromPath[str], provider_id: FromPath[UUID]
    ) -> Response[str]:
        """What the IdP's administrator registers: entity id, assertion consumer service."""
        record, provider = await _provider_of(request, tenant, provider_id, "saml")
        client = sp_client(provider, SamlUrls(_base_url(request), record.slug, provider))
        return Response(metadata_xml(client), media_type="application/samlmetadata+xml")

    @get(
        "/login",
        summary="Sign in through the SAML IdP",
        status_code=302,
        responses={404: problem_spec(404)},
    )
    async def login(
        self, request: Request[Any, Any, Any], tenant: FromPath[str], provider_id: FromPath[UUID]
    ) -> Redirect:
        """Redirect to the IdP with an AuthnRequest (HTTP-Redirect binding)."""
        record, provider = await _provider_of(request, tenant, provider_id, "saml")
        client = sp_client(provider, SamlUrls(_base_url(request), record.slug, provider))
        login_id = new_id()
        request_id, location = authn_redirect(client, login_id.hex)
        auth = kernel_of(request.app).authenticator
        async with auth.database.transaction(tenant_id=record.id) as conn:
            await conn.execute(
                "insert into nexus_sso_login (tenant_id, id, provider_id, request_id, "
                "expires_at) values ($1, $2, $3, $4, $5)",
                record.id,
                login_id,
                provider.id,
                request_id,
                datetime.now(UTC) + LOGIN_TTL,
            )
        return Redirect(path=location, status_code=302)

    @post(
        "/acs",
        summary="SAML assertion consumer service (HTTP-POST)",
        status_code=303,
        responses={403: problem_spec(403), 404: problem_spec(404), 422: problem_spec(422)},
    )
    async def acs(
        self, request: Request[Any, Any, Any], tenant: FromPath[str], provider_id: FromPath[UUID]
    ) -> Redirect:
        """Check the IdP's signed response, create the user just in time, hand a ticket.

        Redirects to ``{NEXUS_PUBLIC_URL}/console/#/sso?ticket=…``. 422 for a response that
        does not verify or answers no pending request; 403 when its user may not sign in.
        """
        record, provider = await _provider_of(request, tenant, provider_id, "saml")
        form = await request.form()
        saml_response, relay = form.get("SAMLResponse"), form.get("RelayState")
        if not isinstance(saml_response, str) or not isinstance(relay, str):
            invalid("SAMLResponse", "a SAMLResponse and its RelayState are required")
        try:
            login_id = UUID(hex=relay)
        except ValueError:
            invalid("RelayState", "not a pending sign-in")
        auth = kernel_of(request.app).authenticator
        client = sp_client(provider, SamlUrls(_base_url(request), record.slug, provider))
        async with auth.database.transaction(tenant_id=record.id) as conn:
            request_id = await conn.fetchval(
                "update nexus_sso_login set used_at = now() where id = $1 and provider_id = $2 "
                "and used_at is null and expires_at > now() returning request_id",
                login_id,
                provider.id,
            )
        if request_id is None:
            invalid("RelayState", "not a pending sign-in (used or expired)")
        try:
            identity = read_response(client, saml_response, request_id)
        except ValueError:
            invalid("SAMLResponse", "the response does not verify")
        if not identity["email"]:
            invalid("SAMLResponse", "the assertion names no email")
        async with auth.database.transaction(tenant_id=record.id) as conn:
            ticket = await admit(
                conn,
                tenant_id=record.id,
                provider=provider,
                email=identity["email"],
                name=identity["name"],
                groups=identity["attributes"].get(provider.groups_attribute),
                calls=kernel_of(request.app).services,
                base_url=_base_url(request),
                seats=kernel_of(request.app).plans.gate,
            )
        return Redirect(path=f"{_base_url(request)}/console/#/sso?ticket={ticket}", status_code=303)


class OidcController(Controller):
    """Signing in through a tenant's OpenID Connect provider (no credentials)."""

    path = "/api/v1/sso/{tenant:str}/oidc/{provider_id:uuid}"
    tags = ["sso"]
    opt = _PUBLIC

    @get(
        "/login",
        summary="Sign in through the OIDC provider",
        status_code=302,
        responses={404: problem_spec(404), 502: problem_spec(502)},
    )
    async def login(
        self, request: Request[Any, Any, Any], tenant: FromPath[str], provider_id: FromPath[UUID]
    ) -> Redirect:
        """Redirect to the provider's authorization endpoint (code flow with PKCE)."""
        record, provider = await _provider_of(request, tenant, provider_id, "oidc")
        redirect_uri = callback_url(_base_url(request), record.slug, provider)
        try:
            url, kept = await authorization_url(provider, redirect_uri)
        except OidcError as exc:
            raise HTTPException(f"the identity provider: {exc}", status_code=502) from None
        auth = kernel_of(request.app).authenticator
        async with auth.database.transaction(tenant_id=record.id) as conn:
            await conn.execute(
                "insert into nexus_sso_login (tenant_id, id, provider_id, request_id, nonce, "
                "code_verifier, expires_at) values ($1, $2, $3, $4, $5, $6, $7)",
                record.id,
                new_id(),
                provider.id,
                kept["state"],
                kept["nonce"],
                kept["code_verifier"],
                datetime.now(UTC) + LOGIN_TTL,
            )
        return Redirect(path=url, status_code=302)

    @get(
        "/callback",
        summary="The OIDC provider's redirect back",
        status_code=303,
        responses={403: problem_spec(403), 404: problem_spec(404), 422: problem_spec(422)},
    )
    async def callback(
        self,
        request: Request[Any, Any, Any],
        tenant: FromPath[str],
        provider_id: FromPath[UUID],
        code: FromQuery[str | None] = None,
        # ``state`` is a name Litestar keeps for the app's state: read the query's by alias.
        oidc_state: Annotated[str | None, QueryParameter(name="state")] = None,
    ) -> Redirect:
        """Exchange the code, verify the ID token, create the user just in time, hand a ticket.

        Redirects to ``{NEXUS_PUBLIC_URL}/console/#/sso?ticket=…``. 422 for an unknown or
        used ``state`` or a token that does not verify; 403 when its user may not sign in.
        """
        record, provider = await _provider_of(request, tenant, provider_id, "oidc")
        state = oidc_state
        if not code or not state:
            invalid("code", "the provider's answer lacks code and state", source="query")
        auth = kernel_of(request.app).authenticator
        async with auth.database.transaction(tenant_id=record.id) as conn:
            pending = await conn.fetchrow(
                "update nexus_sso_login set used_at = now() where request_id = $1 "
                "and provider_id = $2 and used_at is null and expires_at > now() "
                "returning nonce, code_verifier",
                state,
                provider.id,
            )
        if pending is None:
            invalid("state", "not a pending sign-in (used or expired)", source="query")
        try:
            claims = await identity_of(
                provider,
                callback_url(_base_url(request), record.slug, provider),
                code=code,
                nonce=pending["nonce"],
                code_verifier=pending["code_verifier"],
            )
        except OidcError:
            invalid("code", "the provider's answer does not verify", source="query")
        if not isinstance(claims.get("email"), str):
            invalid("code", "the ID token names no email", source="query")
        async with auth.database.transaction(tenant_id=record.id) as conn:
            ticket = await admit(
                conn,
                tenant_id=record.id,
                provider=provider,
                email=claims["email"],
                name=claims.get("name"),
                groups=claims.get(provider.groups_attribute),
                calls=kernel_of(request.app).services,
                base_url=_base_url(request),
                seats=kernel_of(request.app).plans.gate,
            )
        return Redirect(path=f"{_base_url(request)}/console/#/sso?ticket={ticket}", status_code=303)


sso_routes = [ProviderController, DomainController, SamlController, OidcController]
