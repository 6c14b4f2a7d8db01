"""SSO-only domains: no password sign-in for the addresses of a domain marked ``sso_only``.

Its users sign in through the tenant's identity provider.

The domains are kept by :mod:`nexus.sso` (``nexus_sso_domain``); the check is here, in the
password sign-in path every caller shares.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from litestar.exceptions import PermissionDeniedException

if TYPE_CHECKING:
    from uuid import UUID

    from nexus.identity._authenticate import Authenticator

__all__ = ("refuse_sso_only",)


async def refuse_sso_only(auth: Authenticator, *, tenant_id: UUID, email: str) -> None:
    """Raise 403 when ``email``'s domain signs in only through single sign-on in the tenant."""
    domain = email.rpartition("@")[2].strip().lower()
    async with auth.database.transaction(tenant_id=tenant_id) as conn:
        sso_only = await conn.fetchval(
            "select 1 from nexus_sso_domain where domain = $1 and sso_only "
            "and verified_at is not null",
            domain,
        )
    if sso_only:
        raise PermissionDeniedException(
            f"addresses of {domain} sign in through the tenant's identity provider "
            "(single sign-on), not with a password"
        )
