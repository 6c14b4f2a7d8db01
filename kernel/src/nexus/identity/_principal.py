"""Who is calling: the principal an authenticated request acts as."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec

from nexus.http import request_caller

if TYPE_CHECKING:
    from litestar.connection import ASGIConnection
    from litestar.types import Scope

__all__ = ("ADMIN_ROLES", "ROLES", "Principal", "PrincipalKind", "Role", "request_principal")


class Role(enum.StrEnum):
    """The built-in roles."""

    PLATFORM_ADMIN = "platform_admin"
    """Operates the platform; belongs to no tenant; acts in a tenant only when naming it."""
    TENANT_ADMIN = "tenant_admin"
    """Administers one tenant: every permission in it."""
    MEMBER = "member"
    """Works in one tenant with the permissions plugins grant to members."""


ROLES = frozenset(Role)
ADMIN_ROLES = frozenset({Role.PLATFORM_ADMIN, Role.TENANT_ADMIN})


class PrincipalKind(enum.StrEnum):
    """How the principal authenticated."""

    USER = "user"
    API_KEY = "api_key"
    PLATFORM_KEY = "platform_key"


class Principal(msgspec.Struct, frozen=True, kw_only=True):
    """An authenticated caller.

    Attributes:
        kind: How it authenticated.
        subject: The user id or key id.
        tenant_id: Its tenant; ``None`` for platform admins.
        roles: Its roles.
        scopes: Permissions an API key is limited to; ``("*",)`` means no limit.
        grants: The permissions of the tenant-defined roles among ``roles``.
        expires_at: When the credential stops being valid (epoch seconds), if it does.
        session_id: The sign-in session a user's token belongs to, if it names one.
    """

    kind: PrincipalKind
    subject: UUID
    tenant_id: UUID | None
    roles: frozenset[str]
    scopes: frozenset[str] = frozenset({"*"})
    grants: frozenset[str] = frozenset()
    expires_at: float | None = None
    session_id: UUID | None = None

    @property
    def is_platform_admin(self) -> bool:
        """Whether the principal is a platform admin."""
        return Role.PLATFORM_ADMIN in self.roles

    @property
    def actor(self) -> str:
        """The audit name of the principal: ``user:<id>``, ``api_key:<id>``, …."""
        return f"{self.kind}:{self.subject}"

    def may(self, permission: str, member_permissions: frozenset[str]) -> bool:
        """Tell whether the principal holds ``permission``.

        Admins hold every permission; members hold those granted to members; a role the
        tenant defined grants its own list. An API key's scopes narrow what its roles allow.
        """
        if "*" not in self.scopes and permission not in self.scopes:
            return False
        if self.roles & ADMIN_ROLES or permission in self.grants:
            return True
        return Role.MEMBER in self.roles and permission in member_permissions


def request_principal(source: ASGIConnection[Any, Any, Any, Any] | Scope) -> Principal:
    """The principal an authenticated request acts as (what the gate admitted).

    Raises:
        RuntimeError: On a public route, which has no principal.
    """
    caller = request_caller(source)
    if not isinstance(caller, Principal):
        raise RuntimeError("a public route has no principal")
    return caller
