"""The assistant's tool-calling loop, as server-sent events.

Each turn streams the model's text (``text`` events), meters its tokens (``usage``), then
runs the tools it asked for as the caller (``tool`` events) and goes on, until the model
answers without tools (``done``, with the whole conversation), ``max_turns`` is reached or
the chat's output tokens (``max_tokens``) are spent (``error`` naming the bound). A writing
tool is not run: ``confirmation_required`` lists such calls with the conversation so far;
the client sends that conversation back with the ids it confirms in ``confirmed`` (the
others are answered "declined").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import msgspec
from litestar.exceptions import HTTPException
from litestar.response.sse import ServerSentEventMessage

from nexus_ai._errors import provider_failed
from nexus_ai._model import Message, ToolCall, Turn
from nexus_ai._store import enforce_limits, meter

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from nexus_hookspecs import Database, Tools, ToolSpec

    from nexus_ai._provider import Adapter, Credentials
    from nexus_ai._store import PolicyOut, ProviderRow

__all__ = ("Chat",)

_ENCODER = msgspec.json.Encoder(decimal_format="string")


def _event(event: str, data: Any) -> ServerSentEventMessage:
    return ServerSentEventMessage(event=event, data=_ENCODER.encode(data).decode())


@dataclass(kw_only=True)
class Chat:
    """One chat request's state: who, with what, and the conversation."""

    db: Database
    tools: Tools
    adapter: Adapter
    credentials: Credentials
    row: ProviderRow
    policy: PolicyOut
    actor: str
    model: str
    system: str
    messages: list[Message]
    confirmed: frozenset[str]

    async def run(self) -> AsyncIterator[ServerSentEventMessage]:
        """The events of the whole loop."""
        specs = await self.tools.list()
        async for event in self._pending():
            yield event
        spent = 0
        for turn_number in range(self.policy.max_turns):
            stop = await self._bound(turn_number, spent)
            if stop is not None:
                yield stop
                return
            turns: list[Turn] = []
            try:
                async for event in self._turn(specs, self.policy.max_tokens - spent, turns):
                    yield event
            except self.adapter.errors as exc:
                problem = provider_failed(exc)
                extra: dict[str, Any] = dict(problem.extra or {})
                yield _event("error", {"status": 409, "detail": problem.detail, **extra})
                return
            spent += turns[0].usage.output_tokens
            if not turns[0].tool_calls:
                yield _event("done", {"messages": self.messages})
                return
            waiting: list[ToolCall] = []
            for call in turns[0].tool_calls:
                answer = await self.tools.call(call.name, call.arguments)
                if answer.confirmation_required:
                    waiting.append(call)
                else:
                    yield self._answered(call, answer.ok, answer.result, answer.error)
            if waiting:
                yield _event("confirmation_required", {"calls": waiting, "messages": self.messages})
                return
        yield _event("error", {"limit": "max_turns", "detail": "the turns are used up"})

    async def _bound(self, turn_number: int, spent: int) -> ServerSentEventMessage | None:
        """An ``error`` event when the chat's tokens or a monthly limit are used up."""
        if spent >= self.policy.max_tokens:
            return _event("error", {"limit": "max_tokens", "detail": "the token budget is spent"})
        if turn_number:
            try:
                async with self.db.transaction() as conn:
                    await enforce_limits(conn, self.policy, self.actor)
            except HTTPException as exc:
                extra: dict[str, Any] = dict(exc.extra or {})
                return _event("error", {"status": 429, "detail": exc.detail, **extra})
        return None

    async def _turn(
        self, specs: list[ToolSpec], max_tokens: int, turns: list[Turn]
    ) -> AsyncIterator[ServerSentEventMessage]:
        """One model call: its text as it comes, then its metered usage."""
        async for part in self.adapter.stream(
            self.credentials,
            model=self.model,
            system=self.system,
            messages=self.messages,
            tools=specs,
            max_tokens=max_tokens,
        ):
            if isinstance(part, str):
                yield _event("text", {"text": part})
            else:
                turns.append(part)
        turn = turns[0]
        async with self.db.transaction() as conn:
            tokens = await meter(
                conn,
                actor=self.actor,
                row=self.row,
                model=self.model,
                kind="chat",
                usage=turn.usage,
            )
        yield _event("usage", {"model": self.model, **tokens})
        self.messages.append(
            Message(role="assistant", content=turn.text, tool_calls=turn.tool_calls)
        )

    async def _pending(self) -> AsyncIterator[ServerSentEventMessage]:
        """Run the calls the last assistant message left unanswered (confirmed or declined)."""
        index = next(
            (
                i
                for i in range(len(self.messages) - 1, -1, -1)
                if self.messages[i].role == "assistant"
            ),
            None,
        )
        if index is None:
            return
        answered = {m.tool_call_id for m in self.messages[index + 1 :] if m.role == "tool"}
        for call in self.messages[index].tool_calls:
            if call.id in answered:
                continue
            if call.id in self.confirmed:
                answer = await self.tools.call(call.name, call.arguments, confirmed=True)
                yield self._answered(call, answer.ok, answer.result, answer.error)
            else:
                yield self._answered(call, False, None, "the user declined this call")

    def _answered(
        self, call: ToolCall, ok: bool, result: Any, error: str | None
    ) -> ServerSentEventMessage:
        content = _ENCODER.encode(result if ok else {"error": error}).decode()
        self.messages.append(
            Message(role="tool", tool_call_id=call.id, name=call.name, content=content)
        )
        return _event(
            "tool", {"id": call.id, "name": call.name, "ok": ok, "result": result, "error": error}
        )
