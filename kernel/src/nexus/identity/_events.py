"""Identity's catalogue events: users created and disabled, second factors, revoked sessions.

Each is written to the outbox in the transaction of the change it announces (it commits
with it or not at all), from source ``/nexus/nexus`` like the kernel's other events. A
security team's SIEM, an audit trail or a plugin (HR, Notification) subscribes to them.
No payload carries a secret: ids, the email, and how the change came about.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import Meta
from nexus_hookspecs import EventType

from nexus.events import KERNEL_SOURCE, OutboxPublisher

if TYPE_CHECKING:
    from asyncpg import Connection

__all__ = (
    "IDENTITY_EVENTS",
    "MFA_ENROLLED",
    "MFA_REMOVED",
    "SESSIONS_REVOKED",
    "USER_CREATED",
    "USER_DISABLED",
    "MfaChanged",
    "SessionsRevoked",
    "UserChanged",
    "Via",
    "mfa_event",
    "publish",
    "user_event",
)

USER_CREATED = "nexus.user.created.v1"
USER_DISABLED = "nexus.user.disabled.v1"
MFA_ENROLLED = "nexus.user.mfa_enrolled.v1"
MFA_REMOVED = "nexus.user.mfa_removed.v1"
SESSIONS_REVOKED = "nexus.user.sessions_revoked.v1"

Via = Literal["api", "scim", "sso", "hr", "provisioning"]
"""How a user was created or disabled: the users API, SCIM, SSO just in time, HR, setup."""


class UserChanged(msgspec.Struct, frozen=True, kw_only=True):
    """The ``data`` of ``nexus.user.created.v1`` and ``nexus.user.disabled.v1``."""

    user_id: Annotated[UUID, Meta(description="The user.")]
    email: Annotated[str, Meta(description="Their email, the name they sign in with.")]
    via: Annotated[
        Via,
        Meta(
            description=(
                "How: api (/api/v1/users), scim (the tenant's identity provider), sso "
                "(created just in time at a sign-in), hr (employment), provisioning."
            )
        ),
    ]


class MfaChanged(msgspec.Struct, frozen=True, kw_only=True):
    """The ``data`` of ``nexus.user.mfa_enrolled.v1`` and ``nexus.user.mfa_removed.v1``."""

    user_id: Annotated[UUID, Meta(description="The user whose second factors changed.")]
    factor: Annotated[
        Literal["totp", "webauthn", "all"],
        Meta(description="totp (an authenticator app), webauthn (a passkey), all (cleared)."),
    ]
    by_admin: Annotated[bool, Meta(description="An admin did it, not the user.")] = False


class SessionsRevoked(msgspec.Struct, frozen=True, kw_only=True):
    """The ``data`` of ``nexus.user.sessions_revoked.v1``."""

    user_id: Annotated[UUID, Meta(description="The user signed out.")]
    session_ids: Annotated[list[UUID], Meta(description="The sessions revoked.")]
    by_admin: Annotated[bool, Meta(description="An admin did it, not the user.")] = False


IDENTITY_EVENTS: tuple[EventType, ...] = (
    EventType(
        type=USER_CREATED,
        description="A user was added to the tenant (API, SCIM, SSO just in time, HR).",
        payload=UserChanged,
    ),
    EventType(
        type=USER_DISABLED,
        description=(
            "A user was disabled (API, SCIM deprovisioning, HR termination): sign-in "
            "refused, tokens refused at their next check."
        ),
        payload=UserChanged,
    ),
    EventType(
        type=MFA_ENROLLED,
        description="A user set up a second factor (authenticator app or passkey).",
        payload=MfaChanged,
    ),
    EventType(
        type=MFA_REMOVED,
        description="A second factor was removed, by its user or cleared by an admin.",
        payload=MfaChanged,
    ),
    EventType(
        type=SESSIONS_REVOKED,
        description="Sign-in sessions of a user were revoked (signed out), by them or an admin.",
        payload=SessionsRevoked,
    ),
)
"""What the identity package publishes (source ``/nexus/nexus``)."""


async def publish(
    conn: Connection,
    tenant_id: UUID,
    *,
    type: str,  # noqa: A002 - the event's field name
    data: UserChanged | MfaChanged | SessionsRevoked,
) -> None:
    """Write one identity event into the outbox on ``conn``'s transaction (subject: the user)."""
    publisher = OutboxPublisher(tenant_id=tenant_id, plugin=KERNEL_SOURCE)
    await publisher.publish(conn, type=type, data=data, subject=str(data.user_id))


async def user_event(conn: Connection, type: str, *, user_id: UUID, via: Via) -> None:  # noqa: A002
    """Publish ``nexus.user.created.v1`` or ``….disabled.v1`` for a user of ``conn``'s tenant.

    The tenant and email are read from the user's row (row-level security picks the tenant).
    """
    row = await conn.fetchrow("select tenant_id, email from nexus_user where id = $1", user_id)
    if row is None:
        return
    data = UserChanged(user_id=user_id, email=row["email"], via=via)
    await publish(conn, row["tenant_id"], type=type, data=data)


async def mfa_event(
    conn: Connection,
    type: str,  # noqa: A002 - the event's field name
    *,
    user_id: UUID,
    factor: Literal["totp", "webauthn", "all"],
    by_admin: bool = False,
) -> None:
    """Publish ``nexus.user.mfa_enrolled.v1`` or ``….mfa_removed.v1`` for a user."""
    tenant_id = await conn.fetchval("select tenant_id from nexus_user where id = $1", user_id)
    if tenant_id is None:
        return
    data = MfaChanged(user_id=user_id, factor=factor, by_admin=by_admin)
    await publish(conn, tenant_id, type=type, data=data)
