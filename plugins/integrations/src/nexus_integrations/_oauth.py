"""OAuth 2.0 authorization-code flow per tenant (RFC 6749), through Authlib's client.

A connector that needs OAuth describes its application (``OAuthApp``: client id and
secret, the provider's authorization and token endpoints, scopes, the redirect URI). The
consent URL carries a random ``state`` (its hash is kept with the connection); the code the
provider hands back is exchanged for tokens at the token endpoint; access tokens are
refreshed there from the refresh token. Every call to the token endpoint is retried with
backoff (``_retry``).
"""

from __future__ import annotations

from typing import Any

import msgspec
from authlib.integrations.httpx_client import OAuth2Client

from nexus_integrations._retry import retrying

__all__ = ("OAuthApp", "OAuthError", "consent_url", "exchange", "refresh")


class OAuthApp(msgspec.Struct, kw_only=True, frozen=True):
    """An OAuth 2.0 client registered with a provider."""

    client_id: str
    client_secret: str
    authorize_url: str
    token_url: str
    scopes: tuple[str, ...]
    redirect_uri: str
    extra: tuple[tuple[str, str], ...] = ()
    """More parameters of the consent URL (Google: ``access_type=offline``)."""


class OAuthError(Exception):
    """The provider refused the code or the refresh token (its ``error``)."""


def _client(app: OAuthApp) -> OAuth2Client:
    return OAuth2Client(
        client_id=app.client_id,
        client_secret=app.client_secret,
        scope=" ".join(app.scopes),
        redirect_uri=app.redirect_uri,
        token_endpoint_auth_method="client_secret_post",  # noqa: S106 - a method's name
        timeout=30,
    )


def consent_url(app: OAuthApp, state: str) -> str:
    """Where the tenant's administrator grants access."""
    with _client(app) as client:
        url, _ = client.create_authorization_url(app.authorize_url, state=state, **dict(app.extra))
    return str(url)


def _token(app: OAuthApp, **params: Any) -> dict[str, Any]:
    with _client(app) as client:
        try:
            token = retrying(lambda: client.fetch_token(app.token_url, **params))
        except Exception as error:
            if type(error).__name__.endswith("OAuthError") or hasattr(error, "error"):
                raise OAuthError(str(getattr(error, "error", error))) from error
            raise
    return dict(token)


def exchange(app: OAuthApp, code: str) -> dict[str, Any]:
    """The tokens for the authorization ``code`` (``access_token``, ``refresh_token`` …)."""
    return _token(app, grant_type="authorization_code", code=code)


def refresh(app: OAuthApp, refresh_token: str) -> dict[str, Any]:
    """A fresh access token from ``refresh_token``."""
    return _token(app, grant_type="refresh_token", refresh_token=refresh_token)
