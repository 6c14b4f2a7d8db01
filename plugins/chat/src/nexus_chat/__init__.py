"""Nexus Chat: channels, direct messages and threads, delivered live over WebSocket.

The hook implementations, and nothing else. See README.md for the routes, the socket's
frames, permissions, events and how messages reach sockets on other server processes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_hookspecs import Manifest, Permission, Service, hookimpl

from nexus_chat._ai_tools import nexus_ai_tools
from nexus_chat._examples import EXAMPLES
from nexus_chat._hub import HUB
from nexus_chat._keys import (
    ADMIN,
    MESSAGE_DELETED,
    MESSAGE_EDITED,
    MESSAGE_POSTED,
    REACTION_ADDED,
    REACTION_REMOVED,
    READ,
    WRITE,
)
from nexus_chat._mentions import notify_mentions
from nexus_chat._outgoing import (
    create_outgoing,
    delete_outgoing,
    deliver_outgoing,
    list_outgoing,
)
from nexus_chat._reactions import ReactionController
from nexus_chat._retention import SWEEPER, ChatSettings
from nexus_chat._routes import ChannelController, MessageController, search
from nexus_chat._services import SERVICES
from nexus_chat._socket import chat_socket
from nexus_chat._webhooks import create_webhook, incoming

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = (
    "nexus_ai_tools",
    "nexus_background",
    "nexus_event_handlers",
    "nexus_manifest",
    "nexus_piccolo_app",
    "nexus_routes",
    "nexus_services",
    "nexus_shutdown",
)

_MEMBERS = ("tenant_admin", "member")
TABLES = (
    "chat_channel",
    "chat_member",
    "chat_message",
    "chat_message_edit",
    "chat_presence",
    "chat_webhook",
    "chat_reaction",
    "chat_outgoing",
)


@hookimpl
def nexus_manifest() -> Manifest:
    """Describe the plugin."""
    return Manifest(
        name="chat",
        version="0.1.0",
        title="Chat",
        summary=(
            "Channels, direct messages and threads with edits and their history, delivered "
            "live over WebSocket with presence and typing, across server processes."
        ),
        hookspecs=">=0.1.7,<0.2",
        permissions=(
            Permission(
                key=READ, description="Read channels and messages; connect live.", roles=_MEMBERS
            ),
            Permission(
                key=WRITE, description="Post, edit and delete one's messages.", roles=_MEMBERS
            ),
            Permission(key=ADMIN, description="Create channels.", roles=_MEMBERS),
        ),
        events=(
            MESSAGE_POSTED,
            MESSAGE_EDITED,
            MESSAGE_DELETED,
            REACTION_ADDED,
            REACTION_REMOVED,
        ),
        tenant_tables=TABLES,
        settings=ChatSettings,
        example_payloads=EXAMPLES,
    )


@hookimpl
def nexus_routes(register: Callable[[Any], None]) -> None:
    """Mount the chat routes and its socket under ``/api/v1/chat/``."""
    for handler in (
        ChannelController,
        MessageController,
        ReactionController,
        search,
        create_webhook,
        incoming,
        create_outgoing,
        list_outgoing,
        delete_outgoing,
        chat_socket,
    ):
        register(handler)


@hookimpl
def nexus_event_handlers(register: Callable[[str, Any], None]) -> None:
    """Notify mentioned users (through Notification) and POST to outgoing webhooks."""
    register(MESSAGE_POSTED.type, notify_mentions)
    register(MESSAGE_POSTED.type, deliver_outgoing)


@hookimpl
def nexus_services(register: Callable[[Service], None]) -> None:
    """Offer ``chat.messages.post``: a bot (the assistant) posts for a user."""
    for service in SERVICES:
        register(service)


@hookimpl
async def nexus_background(work: Any) -> None:
    """Subscribe to the other processes' notes (Redis, when configured); sweep old messages."""
    SWEEPER.start(work)
    await HUB.start()


@hookimpl
async def nexus_shutdown(app: Any) -> None:
    """Stop the fan-out and the retention sweep."""
    del app
    await SWEEPER.stop()
    await HUB.stop()


@hookimpl
def nexus_piccolo_app() -> str:
    """The chat tables and migrations."""
    return "nexus_chat.piccolo_app"
