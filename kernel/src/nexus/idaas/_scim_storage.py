"""SCIM resources over the kernel's users and roles: scim2-server's storage for one tenant.

A SCIM ``User`` is a ``nexus_user`` (``userName`` is its email, the name it signs in with;
``active`` is ``not disabled``); a ``Group`` is a ``nexus_role`` the provider made (its
members are the users holding the role). ``nexus_scim_resource`` keeps each resource as the
provider sent it, for the attributes Nexus has no column for. Deactivating (``active:
false``) or deleting a user disables it at once: its API keys and OpenID tokens are revoked
and its sign-ins refused; its bearer tokens stop at their next check (this process at once,
the others within ``NEXUS_AUTH_CACHE_TTL_S``). Filters and sorting are evaluated by
scim2-models on the tenant's resources of the type searched.
"""

from __future__ import annotations

import re
import secrets
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from asyncpg import UniqueViolationError
from scim2_models import (
    ForbiddenException,
    Group,
    GroupMembership,
    Meta,
    NotFoundException,
    PreconditionFailedException,
    Resource,
    UniquenessException,
    User,
)
from scim2_server.storage import AsyncScimStorage, SearchPage

from nexus.db import new_id
from nexus.identity import USER_CREATED, USER_DISABLED, hash_password, user_event
from nexus.plans import PlanLimitExceeded

if TYPE_CHECKING:
    from asyncpg import Connection
    from scim2_models import ResourceType, ResponseParameters, SearchRequest

    from nexus.plans import PlanGate

__all__ = ("NexusScimStorage",)

_UNSTORED = ("id", "meta", "password", "groups", "schemas")
_USERS = """
select u.id, u.email, u.name, u.disabled, u.roles, u.created_at, u.updated_at,
       s.resource, s.version, s.created_at as scim_created, s.updated_at as scim_updated
  from nexus_user u
  left join nexus_scim_resource s on s.id = u.id and s.kind = 'User'
 where not coalesce(s.deleted, false)
"""
_GROUPS = """
select r.id, r.name, s.resource, s.version, s.created_at, s.updated_at
  from nexus_role r join nexus_scim_resource s on s.id = r.id and s.kind = 'Group'
 where not s.deleted
"""


def _uuid(value: str | None) -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise NotFoundException(detail=f"no resource {value}") from None


def _version(number: int) -> str:
    return f'W/"{number}"'


def _stored(resource: Resource[Any]) -> str:
    data = resource.model_dump(mode="json")
    for key in _UNSTORED:
        data.pop(key, None)
    return msgspec.json.encode(data).decode()


def _role_name(display_name: str) -> str:
    # A role name is short, lower case and unique; the group's name stays in the resource.
    slug = re.sub(r"[^a-z0-9]+", "-", display_name.lower()).strip("-")[:30] or "group"
    if not slug[0].isalpha():
        slug = "g-" + slug[:28]
    return f"{slug}-{secrets.token_hex(3)}"


def _user_fields(user: User[Any]) -> tuple[str, str, bool]:
    """The kernel's fields of a SCIM user: email (its userName), name, disabled."""
    email = str(user.user_name)
    name = user.display_name or (user.name.formatted if user.name else None) or email
    return email, name[:200], user.active is False


class NexusScimStorage(AsyncScimStorage):
    """The tenant's users and groups, in the request's transaction (row-level security)."""

    def __init__(self, conn: Connection, *, seats: PlanGate | None = None) -> None:
        self.conn = conn
        self.seats = seats
        self.deprovisioned: list[UUID] = []

    # -- reading ------------------------------------------------------------

    async def _user(self, row: Any) -> User[Any]:
        data = msgspec.json.decode(row["resource"]) if row["resource"] else {}
        if not row["resource"]:
            data = {
                "displayName": row["name"],
                "emails": [{"value": row["email"], "primary": True}],
            }
        data["userName"] = row["email"]
        # Nexus owns the state: disabled anywhere (an admin, HR's termination) is inactive.
        # An enabled user the provider sent without ``active`` stays without it.
        if row["disabled"]:
            data["active"] = False
        elif "active" in data or not row["resource"]:
            data["active"] = True
        user: User[Any] = User.model_validate(data)
        user.id = str(row["id"])
        groups = await self.conn.fetch(
            _GROUPS + " and r.name = any($1::text[])", list(row["roles"])
        )
        if groups:
            user.groups = [
                GroupMembership.model_validate(
                    {
                        "value": str(g["id"]),
                        "display": msgspec.json.decode(g["resource"]).get("displayName"),
                    }
                )
                for g in groups
            ]
        created = row["scim_created"] or row["created_at"]
        modified = max(row["scim_updated"] or row["updated_at"], row["updated_at"])
        version = row["version"] or 0
        user.meta = Meta(
            resource_type="User",
            created=created,
            last_modified=modified,
            version=_version(int(modified.timestamp() * 1000) * 1000 + version),
        )
        return user

    async def _group(self, row: Any) -> Group:
        data = msgspec.json.decode(row["resource"])
        sent = {m.get("value"): m for m in data.pop("members", None) or []}
        holders = await self.conn.fetch(
            "select id from nexus_user where $1 = any(roles) and not disabled order by id",
            row["name"],
        )
        members = []
        for holder in holders:
            key = str(holder["id"])
            members.append(sent.get(key) or {"value": key, "type": "User"})
        if members:
            data["members"] = members
        group = Group.model_validate(data)
        group.id = str(row["id"])
        group.meta = Meta(
            resource_type="Group",
            created=row["created_at"],
            last_modified=row["updated_at"],
            version=_version(int(row["version"])),
        )
        return group

    async def _find(self, kind: str, resource_id: UUID) -> Resource[Any]:
        if kind == "User":
            row = await self.conn.fetchrow(_USERS + " and u.id = $1", resource_id)
            if row is not None:
                return await self._user(row)
        else:
            row = await self.conn.fetchrow(_GROUPS + " and r.id = $1", resource_id)
            if row is not None:
                return await self._group(row)
        raise NotFoundException(detail=f"no {kind} {resource_id}")

    async def get(
        self,
        resource_type: ResourceType,
        resource_id: str,
        *,
        response_parameters: ResponseParameters[Any] | None = None,
    ) -> Resource[Any]:
        """One user or group of the tenant."""
        return await self._find(str(resource_type.name), _uuid(resource_id))

    async def search(
        self,
        resource_types: list[ResourceType],
        search_request: SearchRequest[Any],
        *,
        position: Any = None,
    ) -> SearchPage:
        """The tenant's resources of the types asked, filtered, sorted and paged by index."""
        found: list[Resource[Any]] = []
        for name in dict.fromkeys(str(rt.name) for rt in resource_types):
            if name == "User":
                found += [await self._user(r) for r in await self.conn.fetch(_USERS)]
            elif name == "Group":
                found += [await self._group(r) for r in await self.conn.fetch(_GROUPS)]
        scim_filter = search_request.filter
        if scim_filter is not None:
            found = [r for r in found if scim_filter.match(r)]

        def order(resource: Resource[Any]) -> tuple[bool, Any, str]:
            value = search_request.sort_value(resource) if search_request.sort_by else None
            return value is None, value if value is not None else "", str(resource.id)

        descending = search_request.sort_order == search_request.SortOrder.descending
        found.sort(key=order, reverse=bool(search_request.sort_by) and descending)
        start = search_request.start_index_0 or 0
        stop = None if search_request.count is None else start + search_request.count
        return SearchPage(len(found), found[start:stop])

    # -- writing ------------------------------------------------------------

    async def create(self, resource_type: ResourceType, resource: Resource[Any]) -> Resource[Any]:
        """Provision a user (a member without a password unless one is sent) or a group."""
        resource_id = new_id()
        try:
            async with self.conn.transaction():
                if isinstance(resource, User):
                    await self._insert_user(resource_id, resource)
                elif isinstance(resource, Group):
                    await self._insert_group(resource_id, resource)
        except UniqueViolationError:
            raise UniquenessException(detail="userName or displayName is taken") from None
        return await self._find(str(resource_type.name), resource_id)

    async def _insert_user(self, user_id: UUID, user: User[Any]) -> None:
        email, name, disabled = _user_fields(user)
        if self.seats is not None and not disabled:
            await self._check_seat()
        password = hash_password(user.password) if user.password else None
        await self.conn.execute(
            "insert into nexus_user (tenant_id, id, email, name, password_hash, roles, disabled) "
            "values (nullif(current_setting('nexus.tenant_id', true), '')::uuid, "
            "$1, $2, $3, $4, array['member'], $5)",
            user_id,
            email,
            name,
            password,
            disabled,
        )
        await user_event(self.conn, USER_CREATED, user_id=user_id, via="scim")
        if disabled:
            await user_event(self.conn, USER_DISABLED, user_id=user_id, via="scim")
        await self._insert_resource(user_id, "User", user)

    async def _check_seat(self) -> None:
        """A SCIM 403 naming the plan's seats when they are all taken."""
        assert self.seats is not None
        tenant_id = await self.conn.fetchval(
            "select nullif(current_setting('nexus.tenant_id', true), '')::uuid"
        )
        try:
            await self.seats.check_seats(self.conn, tenant_id)
        except PlanLimitExceeded as exc:
            raise ForbiddenException(detail=exc.detail) from None

    async def _insert_group(self, group_id: UUID, group: Group) -> None:
        display = str(group.display_name or "group")
        taken = await self.conn.fetchval(
            "select 1 from nexus_scim_resource where kind = 'Group' and not deleted "
            "and lower(resource->>'displayName') = lower($1)",
            display,
        )
        if taken:
            raise UniquenessException(detail=f"a group named {display} exists")
        role = _role_name(display)
        await self.conn.execute(
            "insert into nexus_role (tenant_id, id, name, description) values "
            "(nullif(current_setting('nexus.tenant_id', true), '')::uuid, $1, $2, $3)",
            group_id,
            role,
            f"SCIM group {display}"[:500],
        )
        await self._insert_resource(group_id, "Group", group)
        await self._set_members(role, group)

    async def _insert_resource(self, resource_id: UUID, kind: str, resource: Resource[Any]) -> None:
        await self.conn.execute(
            "insert into nexus_scim_resource (tenant_id, id, kind, resource) values "
            "(nullif(current_setting('nexus.tenant_id', true), '')::uuid, $1, $2, $3)",
            resource_id,
            kind,
            _stored(resource),
        )

    async def _set_members(self, role: str, group: Group) -> None:
        wanted: list[UUID] = []
        for member in group.members or []:
            try:
                wanted.append(UUID(str(member.value)))
            except ValueError:
                continue
        await self.conn.execute(
            "update nexus_user set roles = array_remove(roles, $1), updated_at = now() "
            "where $1 = any(roles) and not (id = any($2::uuid[]))",
            role,
            wanted,
        )
        await self.conn.execute(
            "update nexus_user set roles = array_append(roles, $1), updated_at = now() "
            "where id = any($2::uuid[]) and not ($1 = any(roles))",
            role,
            wanted,
        )

    async def _check_version(self, current: Resource[Any], expected: str | None) -> None:
        if expected is not None and current.meta is not None and current.meta.version != expected:
            raise PreconditionFailedException(detail="the resource changed meanwhile")

    async def update(
        self,
        resource_type: ResourceType,
        resource: Resource[Any],
        *,
        expected_version: str | None = None,
    ) -> Resource[Any]:
        """Replace a user or group with its new state (after a PUT or a PATCH)."""
        resource_id = _uuid(resource.id)
        current = await self._find(str(resource_type.name), resource_id)
        await self._check_version(current, expected_version)
        try:
            async with self.conn.transaction():
                if isinstance(resource, User):
                    await self._update_user(resource_id, resource)
                elif isinstance(resource, Group):
                    await self._update_group(resource_id, resource)
        except UniqueViolationError:
            raise UniquenessException(detail="userName is taken") from None
        return await self._find(str(resource_type.name), resource_id)

    async def _upsert_resource(self, resource_id: UUID, kind: str, resource: Resource[Any]) -> None:
        await self.conn.execute(
            "insert into nexus_scim_resource (tenant_id, id, kind, resource) values "
            "(nullif(current_setting('nexus.tenant_id', true), '')::uuid, $1, $2, $3) "
            "on conflict (tenant_id, id) do update set resource = excluded.resource, "
            "version = nexus_scim_resource.version + 1, updated_at = now()",
            resource_id,
            kind,
            _stored(resource),
        )

    async def _update_user(self, user_id: UUID, user: User[Any]) -> None:
        email, name, disabled = _user_fields(user)
        was_disabled = await self.conn.fetchval(
            "select disabled from nexus_user where id = $1 for update", user_id
        )
        await self.conn.execute(
            "update nexus_user set email = $2, name = $3, disabled = $4, updated_at = now() "
            "where id = $1",
            user_id,
            email,
            name,
            disabled,
        )
        if user.password:
            await self.conn.execute(
                "update nexus_user set password_hash = $2 where id = $1",
                user_id,
                hash_password(user.password),
            )
        if disabled:
            await self._deprovision(user_id)
            if was_disabled is False:
                await user_event(self.conn, USER_DISABLED, user_id=user_id, via="scim")
        await self._upsert_resource(user_id, "User", user)

    async def _update_group(self, group_id: UUID, group: Group) -> None:
        display = str(group.display_name or "group")
        taken = await self.conn.fetchval(
            "select 1 from nexus_scim_resource where kind = 'Group' and not deleted "
            "and lower(resource->>'displayName') = lower($1) and id <> $2",
            display,
            group_id,
        )
        if taken:
            raise UniquenessException(detail=f"a group named {display} exists")
        role = await self.conn.fetchval("select name from nexus_role where id = $1", group_id)
        await self.conn.execute(
            "update nexus_role set description = $2, updated_at = now() where id = $1",
            group_id,
            f"SCIM group {display}"[:500],
        )
        await self._upsert_resource(group_id, "Group", group)
        await self._set_members(role, group)

    async def _deprovision(self, user_id: UUID) -> None:
        """Stop every credential of a user now (the security issue's revocation rules)."""
        await self.conn.execute(
            "update nexus_api_key set revoked_at = coalesce(revoked_at, now()) where user_id = $1",
            user_id,
        )
        await self.conn.execute(
            "update nexus_oidc_token set revoked_at = coalesce(revoked_at, now()) "
            "where user_id = $1 and revoked_at is null",
            user_id,
        )
        self.deprovisioned.append(user_id)

    async def delete(
        self,
        resource_type: ResourceType,
        resource_id: str,
        *,
        expected_version: str | None = None,
    ) -> None:
        """Delete a group (and its role), or deprovision a user: disabled, and gone from SCIM."""
        key = _uuid(resource_id)
        current = await self._find(str(resource_type.name), key)
        await self._check_version(current, expected_version)
        if isinstance(current, User):
            disabled = await self.conn.fetchval(
                "update nexus_user set disabled = true, updated_at = now() "
                "where id = $1 and not disabled returning id",
                key,
            )
            await self._deprovision(key)
            if disabled is not None:
                await user_event(self.conn, USER_DISABLED, user_id=key, via="scim")
            await self._upsert_resource(key, "User", current)
            await self.conn.execute(
                "update nexus_scim_resource set deleted = true where id = $1", key
            )
            return
        role = await self.conn.fetchval("select name from nexus_role where id = $1", key)
        await self.conn.execute(
            "update nexus_user set roles = array_remove(roles, $1) where $1 = any(roles)", role
        )
        await self.conn.execute(
            "update nexus_api_key set roles = array_remove(roles, $1) where $1 = any(roles)", role
        )
        await self.conn.execute("delete from nexus_scim_resource where id = $1", key)
        await self.conn.execute("delete from nexus_role where id = $1", key)
