"""``POST /chat`` (the assistant, streamed as server-sent events) and ``POST /embeddings``."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import post
from litestar.response import ServerSentEvent
from nexus_hookspecs.http import Context, Db, Multiline, Tools, invalid, route_opt

from nexus_ai._adapters import adapter
from nexus_ai._errors import provider_failed
from nexus_ai._examples import body
from nexus_ai._keys import CHAT
from nexus_ai._loop import Chat
from nexus_ai._model import Message
from nexus_ai._store import credentials, enforce_limits, load_policy, meter

__all__ = ("ChatIn", "EmbeddingsIn", "EmbeddingsOut", "chat", "embeddings")

_SYSTEM = (
    "You are the assistant of a business's Nexus workspace. Use the tools to look things "
    "up and to act; a tool that changes data runs only once the user confirms it."
)


class ChatIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The conversation so far (the last message usually the user's), and calls confirmed."""

    messages: Annotated[list[Message], msgspec.Meta(min_length=1, max_length=200)]
    model: str | None = None
    system: Multiline | None = None
    confirmed: list[str] = msgspec.field(default_factory=list)


class EmbeddingsIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Texts to embed with the policy's embedding model."""

    texts: Annotated[list[Multiline], msgspec.Meta(min_length=1, max_length=100)]


class EmbeddingsOut(msgspec.Struct, kw_only=True):
    """One vector per text, in order."""

    model: str
    vectors: list[list[float]]
    input_tokens: int


@post("/chat", opt=route_opt(permission=CHAT), status_code=200)
async def chat(
    db: Db,
    tools: Tools,
    context: Context,
    data: Annotated[ChatIn, body("POST /chat", "Ask")],
) -> ServerSentEvent:
    """Run the assistant with the tenant's provider; its events stream back (SSE).

    Events: ``text`` (``{"text"}`` as it arrives), ``usage`` (tokens metered per turn),
    ``tool`` (a tool's answer), ``confirmation_required`` (writing calls to confirm, with
    the conversation to send back with their ids in ``confirmed``), ``done`` (the whole
    conversation) and ``error`` (a bound reached: ``max_turns``, ``max_tokens`` or a token
    limit; ``status`` 409 when the provider refused). 429 before streaming when a monthly
    token limit is used up (``limit`` names it); 422 for a model the policy does not allow;
    409 without a policy or key.
    """
    actor = context.actor or "anonymous"
    async with db.transaction() as conn:
        policy = await load_policy(conn)
        model = data.model or policy.default_model
        if model not in policy.models:
            invalid("model", f"not allowed by the tenant's policy: {', '.join(policy.models)}")
        keys, row = await credentials(conn, policy.provider)
        await enforce_limits(conn, policy, actor)
    loop = Chat(
        db=db,
        tools=tools,
        adapter=adapter(policy.provider),
        credentials=keys,
        row=row,
        policy=policy,
        actor=actor,
        model=model,
        system=data.system or _SYSTEM,
        messages=list(data.messages),
        confirmed=frozenset(data.confirmed),
    )
    return ServerSentEvent(loop.run())


@post("/embeddings", opt=route_opt(permission=CHAT), status_code=200)
async def embeddings(
    db: Db, context: Context, data: Annotated[EmbeddingsIn, body("POST /embeddings", "Texts")]
) -> EmbeddingsOut:
    """Embed texts with the policy's ``embedding_model``; the tokens are metered.

    409 when the provider refuses (a wrong key, its own outage), naming its status.
    """
    actor = context.actor or "anonymous"
    async with db.transaction() as conn:
        policy = await load_policy(conn)
        if not policy.embedding_model:
            invalid("texts", "the tenant's policy names no embedding_model")
        keys, row = await credentials(conn, policy.provider)
        await enforce_limits(conn, policy, actor)
    model = policy.embedding_model
    provider = adapter(policy.provider)
    try:
        vectors, usage = await provider.embed(keys, model=model, texts=data.texts)
    except provider.errors as exc:
        raise provider_failed(exc) from exc
    async with db.transaction() as conn:
        await meter(conn, actor=actor, row=row, model=model, kind="embedding", usage=usage)
    return EmbeddingsOut(model=model, vectors=vectors, input_tokens=usage.input_tokens)
