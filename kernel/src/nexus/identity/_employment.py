"""Access follows employment: identity's consumer of HR's employee events.

- ``hr.employee.terminated.v1`` with a ``user_id``: the user's membership of that tenant is
  disabled (sign-in refused; their tokens and API keys refused on their next check, within
  ``NEXUS_AUTH_CACHE_TTL_S`` in every process) and the API keys that belong to them are
  revoked — unless the tenant turned HR's ``disable_users_on_termination`` setting off.
- ``hr.employee.hired.v1`` with a ``work_email`` and no ``user_id``, when the tenant turned
  HR's ``create_users`` setting on: a member user without a password is created for that
  email (or the tenant's user with that email is taken) and ``nexus.user.provisioned.v1``
  announces it; HR links the employee to it on that event.

The settings are read from HR's stored settings (``nexus_plugin_enablement``) by name, so
the kernel imports nothing of the plugin; missing settings take the defaults above.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import msgspec
from msgspec import Meta
from nexus_hookspecs import EventType

from nexus.events import KERNEL_SOURCE, Consumer, OutboxPublisher
from nexus.identity._events import USER_DISABLED, user_event
from nexus.identity._principal import Role
from nexus.identity._store import UserCreate, create_user

if TYPE_CHECKING:
    import asyncpg

    from nexus.events import CloudEvent

__all__ = (
    "EMPLOYEE_HIRED",
    "EMPLOYEE_TERMINATED",
    "USER_PROVISIONED",
    "USER_PROVISIONED_EVENT",
    "UserProvisioned",
    "employment_consumer",
)

EMPLOYEE_HIRED = "hr.employee.hired.v1"
EMPLOYEE_TERMINATED = "hr.employee.terminated.v1"
USER_PROVISIONED = "nexus.user.provisioned.v1"

_SETTINGS = (
    "select settings::text from nexus_plugin_enablement where tenant_id = $1 and plugin = 'hr'"
)


class UserProvisioned(msgspec.Struct, frozen=True, kw_only=True):
    """The ``data`` of ``nexus.user.provisioned.v1``."""

    user_id: Annotated[UUID, Meta(description="The user made (or found) for the employee.")]
    email: Annotated[str, Meta(description="Their email: the employee's work email.")]
    employee_id: Annotated[UUID, Meta(description="The HR employee it is for.")]
    created: Annotated[bool, Meta(description="False when the tenant had a user with it.")]


USER_PROVISIONED_EVENT = EventType(
    type=USER_PROVISIONED,
    description=(
        "A hired employee with a work email got a member user (HR's create_users setting "
        "on); HR links the employee to it."
    ),
    payload=UserProvisioned,
)


async def _hr_settings(conn: asyncpg.Connection, tenant_id: UUID) -> dict[str, Any]:
    raw = await conn.fetchval(_SETTINGS, tenant_id)
    try:
        found = msgspec.json.decode(raw) if raw else {}
    except msgspec.DecodeError:
        found = {}
    return found if isinstance(found, dict) else {}


def _data(event: CloudEvent) -> dict[str, Any]:
    return event.data if isinstance(event.data, dict) else {}


def _uuid(value: Any) -> UUID | None:
    try:
        return UUID(str(value)) if value else None
    except ValueError:
        return None


async def _terminated(event: CloudEvent, conn: asyncpg.Connection) -> None:
    tenant_id = UUID(event.tenantid)
    user_id = _uuid(_data(event).get("user_id"))
    if user_id is None:
        return
    if not (await _hr_settings(conn, tenant_id)).get("disable_users_on_termination", True):
        return
    disabled = await conn.fetchval(
        "update nexus_user set disabled = true, updated_at = now() "
        "where tenant_id = $1 and id = $2 and not disabled returning id",
        tenant_id,
        user_id,
    )
    if disabled is not None:
        await user_event(conn, USER_DISABLED, user_id=user_id, via="hr")
    await conn.execute(
        "update nexus_api_key set revoked_at = coalesce(revoked_at, now()) "
        "where tenant_id = $1 and user_id = $2",
        tenant_id,
        user_id,
    )


async def _hired(event: CloudEvent, conn: asyncpg.Connection) -> None:
    tenant_id = UUID(event.tenantid)
    data = _data(event)
    email, employee_id = data.get("work_email"), _uuid(data.get("employee_id"))
    if data.get("user_id") or not email or employee_id is None:
        return
    if not (await _hr_settings(conn, tenant_id)).get("create_users", False):
        return
    user_id = await conn.fetchval(
        "select id from nexus_user where tenant_id = $1 and lower(email) = lower($2)",
        tenant_id,
        email,
    )
    created = user_id is None
    if created:
        try:
            wanted = msgspec.convert(
                {"email": email, "name": data.get("name") or email, "roles": [Role.MEMBER.value]},
                UserCreate,
            )
        except msgspec.ValidationError:
            return  # an email identity does not accept: no user
        user_id = (await create_user(conn, tenant_id, wanted, via="hr")).id
    await OutboxPublisher(tenant_id=tenant_id, plugin=KERNEL_SOURCE).publish(
        conn,
        type=USER_PROVISIONED,
        data=UserProvisioned(
            user_id=user_id, email=email, employee_id=employee_id, created=created
        ),
        subject=str(employee_id),
    )


def employment_consumer() -> Consumer:
    """HR's hired and terminated employees, into the tenant's users (``identity``)."""
    return Consumer(
        name="identity", handlers={EMPLOYEE_HIRED: [_hired], EMPLOYEE_TERMINATED: [_terminated]}
    )
