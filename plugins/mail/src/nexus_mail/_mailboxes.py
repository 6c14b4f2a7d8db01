"""Mailboxes, their aliases and folders; finding the mailbox an address delivers to."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import conflict, not_found

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

__all__ = (
    "STANDARD_FOLDERS",
    "AliasOut",
    "FolderOut",
    "MailboxOut",
    "add_alias",
    "add_folder",
    "create_mailbox",
    "folder_of",
    "load_mailbox",
    "mailbox_for",
)

STANDARD_FOLDERS = (
    ("Inbox", "inbox"),
    ("Sent", "sent"),
    ("Drafts", "drafts"),
    ("Trash", "trash"),
    ("Junk", "junk"),
)
_MAILBOX = "id, domain_id, address, display_name, user_id, created_at"


class MailboxOut(msgspec.Struct, kw_only=True):
    """A mailbox."""

    id: UUID
    domain_id: UUID
    address: str
    display_name: str | None
    user_id: UUID | None
    created_at: datetime


class AliasOut(msgspec.Struct, kw_only=True):
    """An alias of a mailbox."""

    id: UUID
    mailbox_id: UUID
    address: str
    created_at: datetime


class FolderOut(msgspec.Struct, kw_only=True):
    """A folder of a mailbox; ``role`` marks the standard ones."""

    id: UUID
    mailbox_id: UUID
    name: str
    role: str | None
    created_at: datetime


async def _address_free(conn: Connection, address: str) -> None:
    if await conn.fetchval(
        "select 1 from mail_mailbox where address = $1 union all "
        "select 1 from mail_alias where address = $1",
        address,
    ):
        conflict(f"the address {address} is already taken")


async def _domain_name(conn: Connection, domain_id: UUID) -> str:
    name = await conn.fetchval("select domain from mail_domain where id = $1", domain_id)
    if name is None:
        not_found()
    return str(name)


async def create_mailbox(
    conn: Connection,
    *,
    domain_id: UUID,
    local_part: str,
    display_name: str | None,
    user_id: UUID | None,
) -> MailboxOut:
    """Create ``local_part@domain`` with its standard folders."""
    address = f"{local_part.lower()}@{await _domain_name(conn, domain_id)}"
    await _address_free(conn, address)
    row = await conn.fetchrow(
        f"insert into mail_mailbox (id, domain_id, address, display_name, user_id) "
        f"values ($1, $2, $3, $4, $5) returning {_MAILBOX}",
        new_id(),
        domain_id,
        address,
        display_name,
        user_id,
    )
    assert row is not None
    for name, role in STANDARD_FOLDERS:
        await conn.execute(
            "insert into mail_folder (id, mailbox_id, name, role) values ($1, $2, $3, $4)",
            new_id(),
            row["id"],
            name,
            role,
        )
    return msgspec.convert(dict(row), MailboxOut)


async def load_mailbox(conn: Connection, mailbox_id: UUID) -> MailboxOut:
    """The tenant's mailbox, or 404."""
    row = await conn.fetchrow(f"select {_MAILBOX} from mail_mailbox where id = $1", mailbox_id)
    if row is None:
        not_found()
    return msgspec.convert(dict(row), MailboxOut)


async def add_alias(
    conn: Connection, *, mailbox_id: UUID, local_part: str, domain_id: UUID | None
) -> AliasOut:
    """Deliver ``local_part@domain`` (the mailbox's domain unless given) to the mailbox."""
    mailbox = await load_mailbox(conn, mailbox_id)
    domain = await _domain_name(conn, domain_id or mailbox.domain_id)
    address = f"{local_part.lower()}@{domain}"
    await _address_free(conn, address)
    row = await conn.fetchrow(
        "insert into mail_alias (id, mailbox_id, address) values ($1, $2, $3) "
        "returning id, mailbox_id, address, created_at",
        new_id(),
        mailbox_id,
        address,
    )
    return msgspec.convert(dict(row or {}), AliasOut)


async def add_folder(conn: Connection, *, mailbox_id: UUID, name: str) -> FolderOut:
    """A folder of the mailbox's own; 409 when the name is taken."""
    await load_mailbox(conn, mailbox_id)
    if await conn.fetchval(
        "select 1 from mail_folder where mailbox_id = $1 and lower(name) = lower($2)",
        mailbox_id,
        name,
    ):
        conflict(f"the folder {name} exists")
    row = await conn.fetchrow(
        "insert into mail_folder (id, mailbox_id, name) values ($1, $2, $3) "
        "returning id, mailbox_id, name, role, created_at",
        new_id(),
        mailbox_id,
        name,
    )
    return msgspec.convert(dict(row or {}), FolderOut)


async def mailbox_for(conn: Connection, address: str) -> UUID | None:
    """The mailbox ``address`` delivers to (directly or through an alias), if any."""
    found = await conn.fetchval(
        "select id from mail_mailbox where address = $1 union all "
        "select mailbox_id from mail_alias where address = $1 limit 1",
        address.lower(),
    )
    return None if found is None else UUID(str(found))


async def folder_of(conn: Connection, mailbox_id: UUID, role: str) -> UUID:
    """The id of the mailbox's standard folder ``role``."""
    found = await conn.fetchval(
        "select id from mail_folder where mailbox_id = $1 and role = $2", mailbox_id, role
    )
    if found is None:
        not_found()
    return UUID(str(found))
