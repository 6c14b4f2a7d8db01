"""OpenID Connect relying party with Authlib's client: discovery, code + PKCE, ID tokens.

The provider's discovery document (``{issuer}/.well-known/openid-configuration``) names its
endpoints and keys. A sign-in sends the browser to the authorization endpoint with a
``state``, a ``nonce`` and a PKCE challenge (S256), kept in a pending login; the callback
exchanges the code (with the verifier, authenticated with the client secret) and accepts
the ID token only when its signature verifies against the provider's JWKS (joserfc) and
its ``iss``, ``aud``, ``exp`` and ``nonce`` are right.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

import httpx
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import AsyncOAuth2Client
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from nexus.identity import unseal

if TYPE_CHECKING:
    from nexus.sso._providers import ProviderRow

__all__ = ("OidcError", "authorization_url", "callback_url", "identity_of")

_TIMEOUT = httpx.Timeout(10.0)


class OidcError(ValueError):
    """The provider could not be reached, or what it answered does not verify."""


def callback_url(base_url: str, tenant: str, provider: ProviderRow) -> str:
    """The redirect URI to register with the provider."""
    return f"{base_url.rstrip('/')}/api/v1/sso/{tenant}/oidc/{provider.id}/callback"


async def _discover(issuer: str) -> dict[str, Any]:
    try:
        async with httpx.AsyncClient(timeout=_TIMEOUT) as http:
            answer = await http.get(f"{issuer}/.well-known/openid-configuration")
            answer.raise_for_status()
            document: dict[str, Any] = answer.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise OidcError(f"discovery failed: {type(exc).__name__}") from exc
    if document.get("issuer", "").rstrip("/") != issuer:
        raise OidcError("the discovery document names another issuer")
    return document


def _client(provider: ProviderRow, redirect_uri: str) -> AsyncOAuth2Client:
    return AsyncOAuth2Client(
        client_id=provider.client_id,
        client_secret=unseal(provider.client_secret_sealed or ""),
        scope="openid email profile",
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        timeout=10.0,  # Authlib's client is its own httpx fork's: a number, not httpx.Timeout
    )


async def authorization_url(provider: ProviderRow, redirect_uri: str) -> tuple[str, dict[str, str]]:
    """Where to send the browser, and what to keep for the callback (state, nonce, verifier)."""
    document = await _discover(provider.issuer or "")
    state, nonce, verifier = (
        secrets.token_urlsafe(24),
        secrets.token_urlsafe(24),
        generate_token(64),
    )
    async with _client(provider, redirect_uri) as client:
        url, _state = client.create_authorization_url(
            document["authorization_endpoint"], state=state, code_verifier=verifier, nonce=nonce
        )
    return str(url), {"state": state, "nonce": nonce, "code_verifier": verifier}


async def identity_of(
    provider: ProviderRow, redirect_uri: str, *, code: str, nonce: str, code_verifier: str
) -> dict[str, Any]:
    """The verified claims of the ID token the code is exchanged for.

    Raises:
        OidcError: the exchange failed, or the ID token does not verify.
    """
    issuer = provider.issuer or ""
    document = await _discover(issuer)
    try:
        async with _client(provider, redirect_uri) as client:
            token = await client.fetch_token(
                document["token_endpoint"], code=code, code_verifier=code_verifier
            )
            keys = (await client.get(document["jwks_uri"])).json()
    except Exception as exc:  # Authlib raises OAuthError and httpx errors alike
        raise OidcError(f"the code exchange failed: {type(exc).__name__}") from exc
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise OidcError("the provider answered no ID token")
    try:
        decoded = jwt.decode(id_token, KeySet.import_key_set(keys), algorithms=["RS256", "ES256"])
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": provider.client_id or ""},
            nonce={"essential": True, "value": nonce},
            sub={"essential": True},
            exp={"essential": True},
        ).validate(decoded.claims)
    except (JoseError, ValueError, KeyError, TypeError) as exc:
        raise OidcError(f"the ID token does not verify: {type(exc).__name__}") from exc
    claims: dict[str, Any] = decoded.claims
    if claims.get("email_verified") is False:
        raise OidcError("the provider has not verified this email")
    return claims
