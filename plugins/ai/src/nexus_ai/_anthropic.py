"""Anthropic through the official ``anthropic`` SDK: the Messages API, streamed.

Anthropic offers no embeddings API: :meth:`AnthropicAdapter.embed` answers 422 saying so.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from anthropic import APIError, AsyncAnthropic
from anthropic.types import (
    InputJSONDelta,
    RawContentBlockDeltaEvent,
    RawContentBlockStartEvent,
    RawMessageDeltaEvent,
    RawMessageStartEvent,
    TextDelta,
    ToolUseBlock,
)
from nexus_hookspecs.http import invalid

from nexus_ai._model import Message, ToolCall, Turn, Usage, wire_name

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from nexus_hookspecs import ToolSpec

    from nexus_ai._provider import Credentials

__all__ = ("AnthropicAdapter",)


def _messages(messages: list[Message]) -> list[dict[str, Any]]:
    """Anthropic's turns: tool answers are ``tool_result`` blocks of one user message."""
    out: list[dict[str, Any]] = []
    for message in messages:
        if message.role == "tool":
            block = {
                "type": "tool_result",
                "tool_use_id": message.tool_call_id,
                "content": message.content,
            }
            if out and out[-1]["role"] == "user" and isinstance(out[-1]["content"], list):
                out[-1]["content"].append(block)
            else:
                out.append({"role": "user", "content": [block]})
        elif message.role == "assistant":
            blocks: list[dict[str, Any]] = (
                [{"type": "text", "text": message.content}] if message.content else []
            )
            blocks += [
                {"type": "tool_use", "id": c.id, "name": wire_name(c.name), "input": c.arguments}
                for c in message.tool_calls
            ]
            out.append({"role": "assistant", "content": blocks})
        else:
            out.append({"role": "user", "content": message.content})
    return out


class AnthropicAdapter:
    """``messages.create(stream=True)``: text and ``tool_use`` blocks from the events."""

    errors: tuple[type[Exception], ...] = (APIError,)

    async def stream(
        self,
        credentials: Credentials,
        *,
        model: str,
        system: str,
        messages: list[Message],
        tools: list[ToolSpec],
        max_tokens: int,
    ) -> AsyncIterator[str | Turn]:
        """Text deltas, then the turn (``input_json_delta`` fragments joined per block)."""
        names = {wire_name(tool.name): tool.name for tool in tools}
        wire_tools: Any = [
            {
                "name": wire_name(tool.name),
                "description": tool.description,
                "input_schema": tool.input_schema,
            }
            for tool in tools
        ]
        wire_messages: Any = _messages(messages)
        text: list[str] = []
        blocks: dict[int, dict[str, str]] = {}
        usage = Usage()
        async with AsyncAnthropic(
            api_key=credentials.api_key, base_url=credentials.base_url, max_retries=0
        ) as client:
            stream = await client.messages.create(
                model=model,
                system=system,
                messages=wire_messages,
                tools=wire_tools,
                max_tokens=max_tokens,
                stream=True,
            )
            async for event in stream:
                if isinstance(event, RawMessageStartEvent):
                    usage.input_tokens = event.message.usage.input_tokens
                elif isinstance(event, RawMessageDeltaEvent):
                    usage.output_tokens = event.usage.output_tokens
                elif isinstance(event, RawContentBlockStartEvent) and isinstance(
                    event.content_block, ToolUseBlock
                ):
                    block = event.content_block
                    blocks[event.index] = {"id": block.id, "name": block.name, "json": ""}
                elif isinstance(event, RawContentBlockDeltaEvent):
                    if isinstance(event.delta, TextDelta):
                        text.append(event.delta.text)
                        yield event.delta.text
                    elif isinstance(event.delta, InputJSONDelta):
                        blocks[event.index]["json"] += event.delta.partial_json
        yield Turn(
            text="".join(text),
            tool_calls=[
                ToolCall(
                    id=b["id"],
                    name=names.get(b["name"], b["name"]),
                    arguments=json.loads(b["json"] or "{}"),
                )
                for _, b in sorted(blocks.items())
            ],
            usage=usage,
        )

    async def embed(
        self, credentials: Credentials, *, model: str, texts: list[str]
    ) -> tuple[list[list[float]], Usage]:
        """Anthropic has no embeddings API: 422."""
        invalid("texts", "Anthropic offers no embeddings; use OpenAI or Gemini for them")
