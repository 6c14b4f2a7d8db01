"""The chat tables (Piccolo), all tenant-owned; the migration creates them with SQL."""

from __future__ import annotations

from nexus_hookspecs.piccolo import TenantOwned
from piccolo.columns import UUID, Array, Text, Timestamptz
from piccolo.table import Table

__all__ = ("Channel", "Edit", "Hook", "Member", "Message", "Outgoing", "Presence", "Reaction")


class Channel(TenantOwned, Table, tablename="chat_channel"):
    """A public, private or direct channel."""

    kind = Text()
    name = Text(null=True)
    created_by = Text()
    created_at = Timestamptz()


class Member(TenantOwned, Table, tablename="chat_member"):
    """A member of a channel."""

    channel_id = UUID()
    member = Text()
    joined_at = Timestamptz()
    last_read_id = UUID(null=True)


class Message(TenantOwned, Table, tablename="chat_message"):
    """A message, maybe in a thread, maybe edited or deleted."""

    channel_id = UUID()
    thread_id = UUID(null=True)
    author = Text()
    body = Text()
    created_at = Timestamptz()
    edited_at = Timestamptz(null=True)
    deleted_at = Timestamptz(null=True)
    attachments = Array(base_column=UUID())


class Edit(TenantOwned, Table, tablename="chat_message_edit"):
    """The text an edit or a delete replaced."""

    message_id = UUID()
    body = Text()
    replaced_at = Timestamptz()


class Presence(TenantOwned, Table, tablename="chat_presence"):
    """One open WebSocket connection of an actor."""

    actor = Text()
    connected_at = Timestamptz()


class Hook(TenantOwned, Table, tablename="chat_webhook"):
    """An incoming webhook a bot posts into a channel with."""

    channel_id = UUID()
    name = Text()
    secret_hash = Text()
    created_by = Text()
    created_at = Timestamptz()


class Reaction(TenantOwned, Table, tablename="chat_reaction"):
    """One actor's emoji on a message."""

    message_id = UUID()
    actor = Text()
    emoji = Text()
    created_at = Timestamptz()


class Outgoing(TenantOwned, Table, tablename="chat_outgoing"):
    """An outgoing webhook: the channel's new messages are POSTed to ``url``, signed."""

    channel_id = UUID()
    url = Text()
    secret = Text()
    created_by = Text()
    created_at = Timestamptz()
