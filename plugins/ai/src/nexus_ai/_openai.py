"""OpenAI through the official ``openai`` SDK: Chat Completions streamed, and embeddings."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from openai import APIError, AsyncOpenAI, omit

from nexus_ai._model import Message, ToolCall, Turn, Usage, wire_name

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from nexus_hookspecs import ToolSpec

    from nexus_ai._provider import Credentials

__all__ = ("OpenAIAdapter",)


def _client(credentials: Credentials) -> AsyncOpenAI:
    return AsyncOpenAI(api_key=credentials.api_key, base_url=credentials.base_url, max_retries=0)


def _messages(system: str, messages: list[Message]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{"role": "system", "content": system}] if system else []
    for message in messages:
        if message.role == "tool":
            out.append(
                {"role": "tool", "tool_call_id": message.tool_call_id, "content": message.content}
            )
        elif message.role == "assistant" and message.tool_calls:
            out.append(
                {
                    "role": "assistant",
                    "content": message.content or None,
                    "tool_calls": [
                        {
                            "id": call.id,
                            "type": "function",
                            "function": {
                                "name": wire_name(call.name),
                                "arguments": json.dumps(call.arguments),
                            },
                        }
                        for call in message.tool_calls
                    ],
                }
            )
        else:
            out.append({"role": message.role, "content": message.content})
    return out


class OpenAIAdapter:
    """Chat Completions with ``stream_options.include_usage``; tool calls from the deltas."""

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
        """Text deltas, then the turn (tool calls assembled from their fragments)."""
        names = {wire_name(tool.name): tool.name for tool in tools}
        wire_tools: Any = [
            {
                "type": "function",
                "function": {
                    "name": wire_name(tool.name),
                    "description": tool.description,
                    "parameters": tool.input_schema,
                },
            }
            for tool in tools
        ]
        wire_messages: Any = _messages(system, messages)
        async with _client(credentials) as client:
            stream = await client.chat.completions.create(
                model=model,
                messages=wire_messages,
                tools=wire_tools or omit,
                max_completion_tokens=max_tokens,
                stream=True,
                stream_options={"include_usage": True},
            )
            text: list[str] = []
            calls: dict[int, dict[str, str]] = {}
            usage = Usage()
            async for chunk in stream:
                if chunk.usage is not None:
                    usage = Usage(
                        input_tokens=chunk.usage.prompt_tokens,
                        output_tokens=chunk.usage.completion_tokens,
                    )
                for choice in chunk.choices:
                    if choice.delta.content:
                        text.append(choice.delta.content)
                        yield choice.delta.content
                    for part in choice.delta.tool_calls or ():
                        call = calls.setdefault(part.index, {"id": "", "name": "", "args": ""})
                        call["id"] = part.id or call["id"]
                        if part.function is not None:
                            call["name"] += part.function.name or ""
                            call["args"] += part.function.arguments or ""
        yield Turn(
            text="".join(text),
            tool_calls=[
                ToolCall(
                    id=call["id"],
                    name=names.get(call["name"], call["name"]),
                    arguments=_arguments(call["args"]),
                )
                for _, call in sorted(calls.items())
            ],
            usage=usage,
        )

    async def embed(
        self, credentials: Credentials, *, model: str, texts: list[str]
    ) -> tuple[list[list[float]], Usage]:
        """``embeddings.create`` over all the texts at once."""
        async with _client(credentials) as client:
            answer = await client.embeddings.create(model=model, input=texts)
        vectors = [item.embedding for item in sorted(answer.data, key=lambda d: d.index)]
        return vectors, Usage(input_tokens=answer.usage.prompt_tokens)


def _arguments(raw: str) -> dict[str, Any]:
    try:
        value = json.loads(raw or "{}")
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}
