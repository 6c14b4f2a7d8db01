"""Routes of sign-in sessions: a user's own (``/api/v1/auth/sessions``) and an admin's view.

Revoking a session stops its token in this process at once and in the others within
``NEXUS_AUTH_CACHE_TTL_S``, as revoking an API key does.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, delete, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from nexus.http import KernelDb
from nexus.identity._principal import PrincipalKind, request_principal
from nexus.identity._sessions import Session, list_sessions, revoke_sessions
from nexus.services import kernel_of

__all__ = ("session_routes",)


def _user(request: Request[Any, Any, Any]) -> tuple[UUID | None, UUID | None]:
    """The signed-in user and their session; ``(None, None)`` for an API key (no sessions)."""
    principal = request_principal(request)
    if principal.kind is not PrincipalKind.USER or principal.tenant_id is None:
        return None, None
    return principal.subject, principal.session_id


def _forget(request: Request[Any, Any, Any]) -> None:
    kernel_of(request.app).authenticator.forget()


class MySessionsController(Controller):
    """The signed-in user's sessions."""

    path = "/api/v1/auth/sessions"
    tags = ["identity"]
    opt = {"nexus_access": "authenticated"}

    @get("/", summary="My sessions")
    async def list(self, request: Request[Any, Any, Any], db: KernelDb) -> list[Session]:
        """The caller's live sessions, newest first; ``current`` marks this one."""
        user_id, current = _user(request)
        if user_id is None:
            return []
        async with db.transaction() as conn:
            return await list_sessions(conn, user_id, current=current)

    @delete("/{session_id:uuid}", summary="Sign out one of my sessions")
    async def revoke(
        self, request: Request[Any, Any, Any], db: KernelDb, session_id: FromPath[UUID]
    ) -> None:
        """Revoke one of the caller's sessions (the current one too: a sign-out)."""
        user_id, _current = _user(request)
        if user_id is None:
            raise NotFoundException()
        async with db.transaction() as conn:
            if not await revoke_sessions(conn, user_id, session_id):
                raise NotFoundException()
        _forget(request)

    @delete("/", summary="Sign out all my sessions")
    async def revoke_all(self, request: Request[Any, Any, Any], db: KernelDb) -> None:
        """Revoke every session of the caller, this one included."""
        user_id, _current = _user(request)
        if user_id is None:
            return
        async with db.transaction() as conn:
            await revoke_sessions(conn, user_id, None)
        _forget(request)


class UserSessionsController(Controller):
    """A user's sessions (tenant admins)."""

    path = "/api/v1/users/{user_id:uuid}/sessions"
    tags = ["identity"]
    opt = {"permission": "nexus.users:admin"}

    @get("/", summary="List a user's sessions")
    async def list(self, db: KernelDb, user_id: FromPath[UUID]) -> list[Session]:
        """The user's live sessions, newest first."""
        async with db.transaction() as conn:
            if not await conn.fetchval("select 1 from nexus_user where id = $1", user_id):
                raise NotFoundException()
            return await list_sessions(conn, user_id, current=None)

    @delete("/{session_id:uuid}", summary="Revoke a user's session")
    async def revoke(
        self,
        request: Request[Any, Any, Any],
        db: KernelDb,
        user_id: FromPath[UUID],
        session_id: FromPath[UUID],
    ) -> None:
        """Revoke one session of the user."""
        async with db.transaction() as conn:
            if not await revoke_sessions(conn, user_id, session_id, by_admin=True):
                raise NotFoundException()
        _forget(request)

    @delete("/", summary="Revoke all of a user's sessions")
    async def revoke_all(
        self, request: Request[Any, Any, Any], db: KernelDb, user_id: FromPath[UUID]
    ) -> None:
        """Sign the user out everywhere."""
        async with db.transaction() as conn:
            if not await conn.fetchval("select 1 from nexus_user where id = $1", user_id):
                raise NotFoundException()
            await revoke_sessions(conn, user_id, None, by_admin=True)
        _forget(request)


session_routes = [MySessionsController, UserSessionsController]
