"""Single sign-on into Nexus from a tenant's identity provider (OIDC, SAML 2.0)."""

from __future__ import annotations

from nexus.sso._routes import sso_routes

__all__ = ("sso_routes",)
