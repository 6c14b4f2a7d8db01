"""Just-in-time users: who an identity provider's assertion names, created on first sign-in.

The asserted email's domain must be one the tenant verified (``/api/v1/sso/domains``): a
provider cannot sign in, or create, users of a domain the tenant does not own. A user who
does not exist yet is created when the provider allows it (``jit``), with the roles its
``role_mapping`` gives the asserted groups (``default_roles`` when none map) — names the
tenant knows (``/api/v1/roles``); unknown names are skipped. A user created so starts with
an unverified address and is emailed a verification link. The sign-in then goes on as an
*sso* ticket through the identity package's second-factor gate.

Roles follow the provider at every sign-in, not only at creation: when the assertion
carries the groups claim, the roles the provider manages (every role its ``role_mapping``
names, and its ``default_roles``) are replaced by what the groups map to now; roles an
admin gave by hand that the provider does not manage are kept. An assertion without the
claim leaves the roles as they are (no claim says nothing about membership).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec
from litestar.exceptions import PermissionDeniedException

from nexus.identity import UserCreate, create_user, issue_ticket, send_verification

if TYPE_CHECKING:
    from uuid import UUID

    from asyncpg import Connection

    from nexus.plans import PlanGate
    from nexus.sso._providers import ProviderRow

__all__ = ("admit", "managed_roles", "mapped_roles", "remapped_roles")

_BUILT_IN = {"tenant_admin", "member"}


async def mapped_roles(conn: Connection, provider: ProviderRow, groups: list[str]) -> list[str]:
    """The roles ``groups`` map to under ``provider`` (its default roles when none map)."""
    wanted = {role for group in groups for role in provider.role_mapping.get(group, [])}
    if not wanted:
        wanted = set(provider.default_roles)
    custom = wanted - _BUILT_IN
    known = {
        row["name"]
        for row in await conn.fetch("select name from nexus_role where name = any($1)", custom)
    }
    return sorted((wanted & _BUILT_IN) | known)


def managed_roles(provider: ProviderRow) -> set[str]:
    """The roles ``provider`` gives and takes: its mapping's and its default roles."""
    mapped = {role for roles in provider.role_mapping.values() for role in roles}
    return mapped | set(provider.default_roles)


async def remapped_roles(
    conn: Connection, provider: ProviderRow, *, current: list[str], groups: list[str]
) -> list[str]:
    """A user's roles after a sign-in asserting ``groups``: managed replaced, others kept."""
    kept = set(current) - managed_roles(provider)
    return sorted(kept | set(await mapped_roles(conn, provider, groups)))


def _groups(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return []


async def admit(
    conn: Connection,
    *,
    tenant_id: UUID,
    provider: ProviderRow,
    email: str,
    name: str | None,
    groups: Any,
    calls: Any,
    base_url: str,
    seats: PlanGate | None = None,
) -> str:
    """The *sso* ticket of the user ``email``, created just in time if need be.

    A user created here starts with an unverified address and is sent a verification link
    (through ``calls``, the kernel's services port: ``notify.send`` when it is on), when
    the tenant's plan has a seat for them (``seats``).

    Raises:
        PermissionDeniedException: the email's domain is not verified by the tenant, the
            user does not exist and the provider creates none, or the user is disabled.
        PlanLimitExceeded: a new user, and the plan's seats are taken.
    """
    email = email.strip()
    domain = email.rpartition("@")[2].lower()
    verified = await conn.fetchval(
        "select 1 from nexus_sso_domain where domain = $1 and verified_at is not null", domain
    )
    if not verified:
        raise PermissionDeniedException(f"the domain {domain} is not verified for this tenant")
    user = await conn.fetchrow(
        "select id, disabled, roles from nexus_user where lower(email) = lower($1)", email
    )
    if user is None:
        if not provider.jit:
            raise PermissionDeniedException("no such user, and this provider creates none")
        if seats is not None:
            await seats.check_seats(conn, tenant_id)
        roles = await mapped_roles(conn, provider, _groups(groups))
        created = await create_user(
            conn,
            tenant_id,
            msgspec.convert(
                {"email": email, "name": (name or email.split("@")[0])[:200], "roles": roles},
                UserCreate,
            ),
            via="sso",
        )
        user_id = created.id
        await send_verification(conn, calls, tenant_id=tenant_id, user=created, base_url=base_url)
    elif user["disabled"]:
        raise PermissionDeniedException("the user is disabled")
    else:
        user_id = user["id"]
        if groups is not None:
            roles = await remapped_roles(
                conn, provider, current=list(user["roles"]), groups=_groups(groups)
            )
            if roles != sorted(user["roles"]):
                await conn.execute(
                    "update nexus_user set roles = $2, updated_at = now() where id = $1",
                    user_id,
                    roles,
                )
    return await issue_ticket(
        conn, tenant_id=tenant_id, user_id=user_id, purpose="sso", method=f"sso:{provider.kind}"
    )
