"""The assistant answers a chat message that mentions ``@assistant``, in its thread.

Chat publishes ``chat.message.posted.v1`` for every post; where the AI plugin is on, a
user's message naming ``@assistant`` runs the assistant's loop (:class:`~nexus_ai._loop.Chat`)
*as that user*: their tools (``EventContext.tools_for``, contract 0.1.8, so their
permissions and their tenant's rows), the tenant's provider, model policy and limits, the
tokens metered to them. The answer is posted by Chat's ``chat.messages.post`` service as
``bot:assistant`` in the message's thread. A writing tool is not run unless the tenant's
``writing_tools_unconfirmed`` is on: the answer says which call waits for confirmation.
What stops the loop (no policy or key, a limit, the provider's refusal) is answered too,
in a sentence: a mention is never left without a reply. The bot's own posts (``bot:…``)
are never answered.
"""

from __future__ import annotations

import re
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any
from uuid import UUID  # noqa: TC003 - msgspec reads the annotations

import msgspec
from litestar.exceptions import HTTPException

from nexus_ai._adapters import adapter
from nexus_ai._loop import Chat
from nexus_ai._mcp_servers import ExternalTools
from nexus_ai._model import Message
from nexus_ai._store import credentials, enforce_limits, load_policy

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from nexus_hookspecs import Connection, EventContext

    from nexus_ai._settings import AiSettings

__all__ = ("BOT", "MESSAGE_POSTED", "answer_mention", "reply_text")

MESSAGE_POSTED = "chat.message.posted.v1"
"""Chat's event (its manifest's catalogue): the AI plugin knows it by name only."""

BOT = "assistant"
"""The answers' author is ``bot:assistant``; a message naming ``@assistant`` asks it."""

_MENTION = re.compile(rf"(?<![\w@]){re.escape('@' + BOT)}\b", re.IGNORECASE)
_LIMIT = 4000  # Chat's longest body
_SYSTEM = (
    "You are the assistant of a business's Nexus workspace, answering a mention in a chat "
    "channel. Use the tools to look things up; reply briefly in plain text. A tool that "
    "changes data runs only once the user confirms it."
)


class Posted(msgspec.Struct, kw_only=True):
    """The message Chat posted (the fields the handler reads)."""

    id: UUID


class _Delivery:
    """A :class:`nexus_hookspecs.Database` over the delivery's connection.

    The loop meters each turn and checks the limits in "a transaction"; here that is the
    delivery's own, so the usage commits with the answer (and the inbox row).
    """

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    @asynccontextmanager
    async def transaction(self, *, tenant_id: UUID | None = None) -> AsyncIterator[Connection]:
        del tenant_id  # the delivery's row-level security is the event's tenant already
        yield self._conn


def asks_assistant(data: Any) -> bool:
    """Whether the posted message is a user's (never a bot's) naming ``@assistant``."""
    author = str(data.get("author") or "")
    return author.startswith("user:") and bool(_MENTION.search(str(data.get("body") or "")))


def reply_text(event: str, data: Any) -> str | None:
    """The reply for the loop's last event, or ``None`` while the loop goes on."""
    if event == "done":
        last = data["messages"][-1] if data.get("messages") else {}
        return str(last.get("content") or "").strip() or "(the model answered nothing)"
    if event == "confirmation_required":
        names = ", ".join(sorted({call["name"] for call in data.get("calls", ())}))
        return (
            f"This needs your confirmation: {names} changes data. Ask me in the assistant "
            "(AI chat) to confirm it."
        )
    if event == "error":
        return f"I could not answer: {data.get('detail') or 'the assistant stopped'}."
    return None


async def answer_mention(event: Any, ctx: EventContext) -> None:
    """Answer a message naming ``@assistant`` in its thread, as its author's assistant."""
    data = event.data
    if not asks_assistant(data):
        return
    actor = str(data["author"])
    try:
        text = await _run(ctx, actor, str(data["body"]))
    except HTTPException as exc:  # no policy, no key, a model or token limit
        text = f"I could not answer: {exc.detail}."
    except LookupError as exc:  # the author may no longer act (disabled, gone)
        text = f"I could not answer: {exc}."
    await ctx.services.call(
        ctx.conn,
        "chat.messages.post",
        {
            "channel_id": data["channel_id"],
            "thread_id": data.get("thread_id") or data["id"],
            "body": _clip(text),
            "bot": BOT,
            "for_actor": actor,
        },
        result=Posted,
    )


async def _run(ctx: EventContext, actor: str, body: str) -> str:
    """Run the loop as ``actor`` on ``body``; the text of its last event."""
    settings: AiSettings = await ctx.settings()
    db = _Delivery(ctx.conn)
    policy = await load_policy(ctx.conn)
    keys, row = await credentials(ctx.conn, policy.provider)
    await enforce_limits(ctx.conn, policy, actor)
    loop = Chat(
        db=db,
        tools=ExternalTools(await ctx.tools_for(actor), db, actor),
        adapter=adapter(policy.provider),
        credentials=keys,
        row=row,
        policy=policy,
        actor=actor,
        model=policy.default_model,
        system=_SYSTEM,
        # The model reads the question, not the address: "@assistant find Ada" asks "find Ada".
        messages=[Message(role="user", content=_MENTION.sub("", body).strip() or body)],
        confirmed=frozenset(),
        writes_unconfirmed=settings.writing_tools_unconfirmed,
    )
    async for message in loop.run():
        reply = reply_text(str(message.event), msgspec.json.decode(str(message.data)))
        if reply is not None:
            return reply
    return "I could not answer: the assistant stopped."


def _clip(text: str) -> str:
    return text if len(text) <= _LIMIT else text[: _LIMIT - 1] + "…"
