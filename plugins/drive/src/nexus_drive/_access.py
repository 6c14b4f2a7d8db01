"""Every access decision of Drive, in one place.

Who may do what with a folder or file is decided here and nowhere else: the routes, the tus
uploads, WebDAV, search and the link pages all ask :func:`role_of` (or :func:`link_role`)
for the caller's role on an item, then :func:`allows` whether that role permits the action.
``tests/test_drive_access_matrix.py`` checks :func:`allows` against the whole matrix and the
roles against real shares.

Roles, weakest first: ``viewer`` (see and download), ``commenter`` (and comment),
``editor`` (and upload, rename, move, trash, restore, share up to editor), ``owner`` (and
share as owner, delete for good). A user's own drive is theirs (``owner``); a shared drive's
members have the role they were given on all of it; a share on a folder holds for
everything below it. The strongest of these wins. A link gives ``view`` (see the item and,
inside a folder, what is below it) or ``download`` (and download). A quarantined file (a
virus scanner flagged it) cannot be downloaded, shared or linked by anyone, its owner
included.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from litestar.exceptions import PermissionDeniedException
from nexus_hookspecs.http import not_found

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import Connection

__all__ = (
    "ACTIONS",
    "ROLES",
    "Action",
    "Role",
    "allows",
    "drive_role",
    "principals",
    "require",
    "role_of",
    "stronger",
)

Role = Literal["viewer", "commenter", "editor", "owner"]
Action = Literal["view", "download", "comment", "edit", "share", "share_owner", "purge"]

ROLES: tuple[Role, ...] = ("viewer", "commenter", "editor", "owner")
ACTIONS: tuple[Action, ...] = (
    "view",
    "download",
    "comment",
    "edit",
    "share",
    "share_owner",
    "purge",
)

_RANK = {role: rank for rank, role in enumerate(ROLES)}

_NEEDS: dict[Action, Role] = {
    "view": "viewer",
    "download": "viewer",
    "comment": "commenter",
    "edit": "editor",
    "share": "editor",
    "share_owner": "owner",
    "purge": "owner",
}
"""The weakest role that may do each action."""

_LINK_ACTIONS: dict[str, frozenset[Action]] = {
    "view": frozenset({"view"}),
    "download": frozenset({"view", "download"}),
}
"""What a link of each access lets its holder do."""

_BLOCKED_WHEN_QUARANTINED: frozenset[Action] = frozenset({"download", "share", "share_owner"})


def stronger(first: str | None, second: str | None) -> str | None:
    """The stronger of two roles (``None`` is no role)."""
    if first is None:
        return second
    if second is None:
        return first
    return first if _RANK[first] >= _RANK[second] else second  # type: ignore[index]


def allows(
    action: Action,
    *,
    role: str | None = None,
    link: str | None = None,
    quarantined: bool = False,
) -> bool:
    """Whether ``role`` (a user's) or ``link`` (a link's access) permits ``action``.

    Args:
        action: What is asked.
        role: The caller's role on the item (``None``: none).
        link: The access of the link the caller holds (``view``/``download``), if any.
        quarantined: Whether the item is a quarantined file.
    """
    if quarantined and action in _BLOCKED_WHEN_QUARANTINED:
        return False
    if role is not None and _RANK[role] >= _RANK[_NEEDS[action]]:  # type: ignore[index]
        return True
    return link is not None and action in _LINK_ACTIONS.get(link, frozenset())


async def principals(conn: Connection, actor: str) -> list[str]:
    """The actor and the groups (``group:<id>``) it belongs to."""
    groups = await conn.fetch("select id from drive_group where $1 = any(members)", actor)
    return [actor, *(f"group:{row['id']}" for row in groups)]


async def role_of(conn: Connection, actor: str | None, item_id: UUID) -> str | None:
    """The strongest role ``actor`` holds on the item, or ``None``.

    From the drive (its owner, a shared drive's members) and every share on the item and
    the folders above it.
    """
    if actor is None:
        return None
    who = await principals(conn, actor)
    rows = await conn.fetch(
        "with recursive up (id, parent_id, drive_id) as ("
        "  select id, parent_id, drive_id from drive_item where id = $1"
        "  union all"
        "  select i.id, i.parent_id, i.drive_id from drive_item i join up on i.id = up.parent_id"
        ") "
        "select s.role from drive_share s where s.item_id in (select id from up) "
        "  and s.principal = any($2::text[]) "
        "union all "
        "select m.role from drive_member m where m.drive_id = (select drive_id from up limit 1) "
        "  and m.principal = any($2::text[]) "
        "union all "
        "select 'owner' from drive_drive d where d.id = (select drive_id from up limit 1) "
        "  and d.kind = 'user' and d.owner = $3",
        item_id,
        who,
        actor,
    )
    best: str | None = None
    for row in rows:
        best = stronger(best, row["role"])
    return best


async def drive_role(conn: Connection, actor: str | None, drive_id: UUID) -> str | None:
    """The actor's role on a whole drive (owner of their own; a member's on a shared one)."""
    if actor is None:
        return None
    who = await principals(conn, actor)
    rows = await conn.fetch(
        "select role from drive_member where drive_id = $1 and principal = any($2::text[]) "
        "union all "
        "select 'owner' from drive_drive where id = $1 and kind = 'user' and owner = $3",
        drive_id,
        who,
        actor,
    )
    best: str | None = None
    for row in rows:
        best = stronger(best, row["role"])
    return best


def require(action: Action, *, role: str | None, quarantined: bool = False) -> None:
    """Refuse unless ``role`` allows ``action``.

    No role at all answers 404, exactly as a missing item (one learns nothing of items one
    cannot see); a role too weak answers 403.
    """
    if role is None:
        not_found()
    if not allows(action, role=role, quarantined=quarantined):
        if quarantined and action in _BLOCKED_WHEN_QUARANTINED:
            raise PermissionDeniedException("the file is quarantined: a virus scanner flagged it")
        raise PermissionDeniedException(f"your role ({role}) does not allow to {action} it")
