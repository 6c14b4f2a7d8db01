"""Mailboxes of a domain, their aliases and folders."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath
from nexus_hookspecs.http import Db, route_opt

from nexus_mail._examples import body
from nexus_mail._keys import MAILBOXES_READ, MAILBOXES_WRITE
from nexus_mail._mailboxes import (
    AliasOut,
    FolderOut,
    MailboxOut,
    add_alias,
    add_folder,
    create_mailbox,
    load_mailbox,
)

__all__ = ("AliasCreate", "FolderCreate", "MailboxController", "MailboxCreate")

LocalPart = Annotated[
    str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$")
]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class MailboxCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A mailbox ``local_part@<the domain>``, optionally a user's."""

    local_part: LocalPart
    display_name: Name | None = None
    user_id: UUID | None = None


class AliasCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Another address for the mailbox (on its domain unless ``domain_id`` names another)."""

    local_part: LocalPart
    domain_id: UUID | None = None


class FolderCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A folder of the mailbox's own."""

    name: Name


class MailboxController(Controller):
    path = "/"

    @post("/domains/{domain_id:uuid}/mailboxes", opt=route_opt(permission=MAILBOXES_WRITE))
    async def create(
        self,
        db: Db,
        domain_id: FromPath[UUID],
        data: Annotated[MailboxCreate, body("POST /domains/{domain_id}/mailboxes", "A mailbox")],
    ) -> MailboxOut:
        """Create a mailbox with its folders (Inbox, Sent, Drafts, Trash, Junk)."""
        async with db.transaction() as conn:
            return await create_mailbox(
                conn,
                domain_id=domain_id,
                local_part=data.local_part,
                display_name=data.display_name,
                user_id=data.user_id,
            )

    @get("/mailboxes", opt=route_opt(permission=MAILBOXES_READ))
    async def list_mailboxes(self, db: Db) -> list[MailboxOut]:
        """The tenant's mailboxes, by address."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select id, domain_id, address, display_name, user_id, created_at "
                "from mail_mailbox order by address"
            )
        return [msgspec.convert(dict(row), MailboxOut) for row in rows]

    @get("/mailboxes/{mailbox_id:uuid}", opt=route_opt(permission=MAILBOXES_READ))
    async def show(self, db: Db, mailbox_id: FromPath[UUID]) -> MailboxOut:
        """One mailbox; another tenant's answers 404."""
        async with db.transaction() as conn:
            return await load_mailbox(conn, mailbox_id)

    @post("/mailboxes/{mailbox_id:uuid}/aliases", opt=route_opt(permission=MAILBOXES_WRITE))
    async def create_alias(
        self,
        db: Db,
        mailbox_id: FromPath[UUID],
        data: Annotated[AliasCreate, body("POST /mailboxes/{mailbox_id}/aliases", "An alias")],
    ) -> AliasOut:
        """Deliver another address to the mailbox."""
        async with db.transaction() as conn:
            return await add_alias(
                conn, mailbox_id=mailbox_id, local_part=data.local_part, domain_id=data.domain_id
            )

    @get("/mailboxes/{mailbox_id:uuid}/aliases", opt=route_opt(permission=MAILBOXES_READ))
    async def list_aliases(self, db: Db, mailbox_id: FromPath[UUID]) -> list[AliasOut]:
        """The mailbox's aliases."""
        async with db.transaction() as conn:
            await load_mailbox(conn, mailbox_id)
            rows = await conn.fetch(
                "select id, mailbox_id, address, created_at from mail_alias "
                "where mailbox_id = $1 order by address",
                mailbox_id,
            )
        return [msgspec.convert(dict(row), AliasOut) for row in rows]

    @get("/mailboxes/{mailbox_id:uuid}/folders", opt=route_opt(permission=MAILBOXES_READ))
    async def list_folders(self, db: Db, mailbox_id: FromPath[UUID]) -> list[FolderOut]:
        """The mailbox's folders, the standard ones first."""
        async with db.transaction() as conn:
            await load_mailbox(conn, mailbox_id)
            rows = await conn.fetch(
                "select id, mailbox_id, name, role, created_at from mail_folder "
                "where mailbox_id = $1 order by array_position("
                "array['inbox', 'sent', 'drafts', 'trash', 'junk'], role) nulls last, name",
                mailbox_id,
            )
        return [msgspec.convert(dict(row), FolderOut) for row in rows]

    @post("/mailboxes/{mailbox_id:uuid}/folders", opt=route_opt(permission=MAILBOXES_WRITE))
    async def create_folder(
        self,
        db: Db,
        mailbox_id: FromPath[UUID],
        data: Annotated[FolderCreate, body("POST /mailboxes/{mailbox_id}/folders", "A folder")],
    ) -> FolderOut:
        """Add a folder of the mailbox's own."""
        async with db.transaction() as conn:
            return await add_folder(conn, mailbox_id=mailbox_id, name=data.name)
