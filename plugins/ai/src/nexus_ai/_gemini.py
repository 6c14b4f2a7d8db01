"""Google Gemini through the official ``google-genai`` SDK (``http_options.base_url``)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from google import genai
from google.genai import errors as genai_errors
from google.genai import types

from nexus_ai._model import Message, ToolCall, Turn, Usage, wire_name

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from nexus_hookspecs import ToolSpec

    from nexus_ai._provider import Credentials

__all__ = ("GeminiAdapter",)


def _client(credentials: Credentials) -> genai.Client:
    options = types.HttpOptions(base_url=credentials.base_url) if credentials.base_url else None
    return genai.Client(api_key=credentials.api_key, http_options=options)


def _contents(messages: list[Message]) -> list[types.Content]:
    """Gemini's turns: ``model`` for the assistant, function responses as ``user`` parts."""
    out: list[types.Content] = []
    for message in messages:
        if message.role == "tool":
            part = types.Part(
                function_response=types.FunctionResponse(
                    id=message.tool_call_id,
                    name=wire_name(message.name or ""),
                    response={"result": json.loads(message.content or "null")},
                )
            )
            if (
                out
                and out[-1].role == "user"
                and out[-1].parts
                and out[-1].parts[-1].function_response
            ):
                out[-1].parts.append(part)
            else:
                out.append(types.Content(role="user", parts=[part]))
        elif message.role == "assistant":
            parts = [types.Part(text=message.content)] if message.content else []
            parts += [
                types.Part(
                    function_call=types.FunctionCall(
                        id=c.id, name=wire_name(c.name), args=c.arguments
                    )
                )
                for c in message.tool_calls
            ]
            out.append(types.Content(role="model", parts=parts))
        else:
            out.append(types.Content(role="user", parts=[types.Part(text=message.content)]))
    return out


class GeminiAdapter:
    """``generate_content_stream`` with function declarations; ``embed_content``."""

    errors: tuple[type[Exception], ...] = (genai_errors.APIError,)

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
        """Text parts as they come, then the turn with its function calls."""
        names = {wire_name(tool.name): tool.name for tool in tools}
        declarations = [
            types.FunctionDeclaration(
                name=wire_name(tool.name),
                description=tool.description,
                parameters_json_schema=tool.input_schema,
            )
            for tool in tools
        ]
        config = types.GenerateContentConfig(
            system_instruction=system or None,
            max_output_tokens=max_tokens,
            tools=[types.Tool(function_declarations=declarations)] if declarations else None,
        )
        text: list[str] = []
        calls: list[ToolCall] = []
        usage = Usage()
        stream = await _client(credentials).aio.models.generate_content_stream(
            model=model, contents=_contents(messages), config=config
        )
        async for chunk in stream:
            if chunk.usage_metadata is not None:
                usage = Usage(
                    input_tokens=chunk.usage_metadata.prompt_token_count or 0,
                    output_tokens=chunk.usage_metadata.candidates_token_count or 0,
                )
            for candidate in chunk.candidates or ():
                for part in (candidate.content.parts if candidate.content else None) or ():
                    if part.text:
                        text.append(part.text)
                        yield part.text
                    if part.function_call is not None:
                        call = part.function_call
                        wire = call.name or ""
                        calls.append(
                            ToolCall(
                                id=call.id or f"call_{len(calls) + 1}",
                                name=names.get(wire, wire),
                                arguments=dict(call.args or {}),
                            )
                        )
        yield Turn(text="".join(text), tool_calls=calls, usage=usage)

    async def embed(
        self, credentials: Credentials, *, model: str, texts: list[str]
    ) -> tuple[list[list[float]], Usage]:
        """``embed_content`` over the texts; tokens counted with ``count_tokens``."""
        models = _client(credentials).aio.models
        contents: Any = list(texts)
        answer = await models.embed_content(model=model, contents=contents)
        counted = await models.count_tokens(model=model, contents=contents)
        vectors = [list(e.values or ()) for e in answer.embeddings or ()]
        return vectors, Usage(input_tokens=counted.total_tokens or 0)
