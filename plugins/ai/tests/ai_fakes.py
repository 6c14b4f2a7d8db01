"""Local fake servers speaking the providers' documented HTTP APIs, for the tests.

One threaded ``http.server`` on a free loopback port answers like:

- OpenAI's ``POST /v1/chat/completions`` with ``stream: true``: ``chat.completion.chunk``
  server-sent events (text deltas, ``tool_calls`` deltas whose ``function.arguments``
  arrive in fragments, ``finish_reason``, a last chunk with ``usage`` when
  ``stream_options.include_usage``), ended by ``data: [DONE]``; ``POST /v1/embeddings``;
- Anthropic's ``POST /v1/messages`` with ``stream: true``: ``message_start``,
  ``content_block_start`` / ``content_block_delta`` (``text_delta``, ``input_json_delta``
  in fragments) / ``content_block_stop`` per block, ``message_delta`` (``stop_reason``,
  ``usage.output_tokens``) and ``message_stop`` events; key in ``x-api-key`` or as a
  bearer token (as SDK 2.x sends it);
- Gemini's ``POST /{v1,v1beta}/models/{model}:streamGenerateContent?alt=sse`` (each event a
  ``GenerateContentResponse``: ``candidates[].content.parts`` with ``text`` or
  ``functionCall``, ``usageMetadata``), ``:batchEmbedContents`` and ``:countTokens``; key in
  ``x-goog-api-key``.

Behind each API the same scripted model: when the last message is a tool's answer it says
``Found: <that answer>``; when the user writes ``find <words>`` it calls the first tool whose
name ends in ``contacts.search`` with ``{"query": "<words>"}``; when the user writes
``do <tool> <json>`` it calls that tool with those arguments; otherwise it echoes the text.
A wrong key answers 401 in the provider's error shape. Every request is recorded.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ("KEY", "FakeModels", "Reply", "script")

KEY = "sk-test-0123456789"
PROMPT_TOKENS = 40
COMPLETION_TOKENS = 9


class Reply:
    """What the scripted model answers: text, or one tool call."""

    def __init__(self, text: str = "", tool: str | None = None, args: Any = None) -> None:
        self.text = text
        self.tool = tool
        self.args = args or {}


def script(last_role: str, last_text: str, tool_names: list[str]) -> Reply:
    """The scripted model's answer to the conversation's last message."""
    if last_role == "tool":
        return Reply(text=f"Found: {last_text}")
    if last_text.startswith("find "):
        tool = next(name for name in tool_names if name.endswith("contacts__search"))
        return Reply(tool=tool, args={"query": last_text.removeprefix("find ")})
    if last_text.startswith("do "):
        _, tool, raw = last_text.split(" ", 2)
        return Reply(tool=tool, args=json.loads(raw))
    return Reply(text=last_text)


def _sse(data: Any, event: str | None = None) -> bytes:
    head = f"event: {event}\n" if event else ""
    body = data if isinstance(data, str) else json.dumps(data)
    return f"{head}data: {body}\n\n".encode()


class FakeModels:
    """The fake servers on one loopback port; ``url`` is its base."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, Any]]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
                fake.requests.append((self.path, body))
                fake.route(self, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()

    def route(self, handler: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        """Answer one request by its path."""
        path = handler.path.split("?", 1)[0]
        if path == "/v1/chat/completions":
            self._openai_chat(handler, body)
        elif path == "/v1/embeddings":
            self._openai_embeddings(handler, body)
        elif path == "/v1/messages":
            self._anthropic(handler, body)
        elif path.startswith(("/v1/models/", "/v1beta/models/")):
            self._gemini(handler, path.rsplit(":", 1)[-1], body)
        else:
            _json(handler, 404, {"error": {"message": "not found"}})

    # OpenAI ------------------------------------------------------------------------------

    def _openai_auth(self, handler: BaseHTTPRequestHandler) -> bool:
        if handler.headers.get("Authorization") == f"Bearer {KEY}":
            return True
        error = {
            "message": "Incorrect API key provided",
            "type": "invalid_request_error",
            "param": None,
            "code": "invalid_api_key",
        }
        _json(handler, 401, {"error": error})
        return False

    def _openai_chat(self, handler: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        if not self._openai_auth(handler):
            return
        last = body["messages"][-1]
        names = [tool["function"]["name"] for tool in body.get("tools", [])]
        reply = script(last["role"], last.get("content") or "", names)
        base = {
            "id": "chatcmpl-1",
            "object": "chat.completion.chunk",
            "created": 1765000000,
            "model": body["model"],
        }

        def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
            choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
            return _sse({**base, "choices": [choice]})

        parts = [chunk({"role": "assistant", "content": ""})]
        if reply.tool:
            arguments = json.dumps(reply.args)
            half = len(arguments) // 2
            parts.append(
                chunk(
                    {
                        "tool_calls": [
                            {
                                "index": 0,
                                "id": "call_1",
                                "type": "function",
                                "function": {"name": reply.tool, "arguments": ""},
                            }
                        ]
                    }
                )
            )
            for piece in (arguments[:half], arguments[half:]):
                parts.append(
                    chunk({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]})
                )
            parts.append(chunk({}, "tool_calls"))
        else:
            for word in _pieces(reply.text):
                parts.append(chunk({"content": word}))
            parts.append(chunk({}, "stop"))
        if (body.get("stream_options") or {}).get("include_usage"):
            usage = {
                "prompt_tokens": PROMPT_TOKENS,
                "completion_tokens": COMPLETION_TOKENS,
                "total_tokens": PROMPT_TOKENS + COMPLETION_TOKENS,
            }
            parts.append(_sse({**base, "choices": [], "usage": usage}))
        parts.append(_sse("[DONE]"))
        _stream(handler, parts)

    def _openai_embeddings(self, handler: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        if not self._openai_auth(handler):
            return
        texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
        data = [
            {"object": "embedding", "index": i, "embedding": _vector(text)}
            for i, text in enumerate(texts)
        ]
        tokens = sum(len(text.split()) for text in texts)
        _json(
            handler,
            200,
            {
                "object": "list",
                "data": data,
                "model": body["model"],
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            },
        )

    # Anthropic ---------------------------------------------------------------------------

    def _anthropic(self, handler: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        keys = {handler.headers.get("x-api-key"), handler.headers.get("Authorization")}
        if not keys & {KEY, f"Bearer {KEY}"}:
            error = {"type": "authentication_error", "message": "invalid x-api-key"}
            _json(handler, 401, {"type": "error", "error": error})
            return
        last = body["messages"][-1]
        content = last["content"]
        if isinstance(content, list) and content[-1].get("type") == "tool_result":
            reply = script("tool", str(content[-1]["content"]), [])
        else:
            text = content if isinstance(content, str) else content[-1]["text"]
            reply = script("user", text, [tool["name"] for tool in body.get("tools", [])])
        message = {
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "content": [],
            "model": body["model"],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {"input_tokens": PROMPT_TOKENS, "output_tokens": 1},
        }
        parts = [_sse({"type": "message_start", "message": message}, "message_start")]

        def event(kind: str, **data: Any) -> None:
            parts.append(_sse({"type": kind, **data}, kind))

        if reply.tool:
            block = {"type": "tool_use", "id": "toolu_1", "name": reply.tool, "input": {}}
            event("content_block_start", index=0, content_block=block)
            arguments = json.dumps(reply.args)
            half = len(arguments) // 2
            for piece in (arguments[:half], arguments[half:]):
                delta = {"type": "input_json_delta", "partial_json": piece}
                event("content_block_delta", index=0, delta=delta)
            stop = "tool_use"
        else:
            event("content_block_start", index=0, content_block={"type": "text", "text": ""})
            for word in _pieces(reply.text):
                event("content_block_delta", index=0, delta={"type": "text_delta", "text": word})
            stop = "end_turn"
        event("content_block_stop", index=0)
        event(
            "message_delta",
            delta={"stop_reason": stop, "stop_sequence": None},
            usage={"output_tokens": COMPLETION_TOKENS},
        )
        event("message_stop")
        _stream(handler, parts)

    # Gemini ------------------------------------------------------------------------------

    def _gemini(self, handler: BaseHTTPRequestHandler, method: str, body: dict[str, Any]) -> None:
        if handler.headers.get("x-goog-api-key") != KEY:
            error = {
                "code": 400,
                "message": "API key not valid. Please pass a valid API key.",
                "status": "INVALID_ARGUMENT",
            }
            _json(handler, 400, {"error": error})
            return
        if method == "batchEmbedContents":
            texts = [r["content"]["parts"][0]["text"] for r in body["requests"]]
            _json(handler, 200, {"embeddings": [{"values": _vector(t)} for t in texts]})
            return
        if method == "countTokens":
            texts = [p.get("text", "") for c in body["contents"] for p in c["parts"]]
            _json(handler, 200, {"totalTokens": sum(len(t.split()) for t in texts)})
            return
        last = body["contents"][-1]["parts"][-1]
        if "functionResponse" in last:
            reply = script("tool", json.dumps(last["functionResponse"]["response"]), [])
        else:
            names = [d["name"] for t in body.get("tools", []) for d in t["functionDeclarations"]]
            reply = script("user", last["text"], names)
        usage = {
            "promptTokenCount": PROMPT_TOKENS,
            "candidatesTokenCount": COMPLETION_TOKENS,
            "totalTokenCount": PROMPT_TOKENS + COMPLETION_TOKENS,
        }

        def chunk(part: dict[str, Any], finish: str | None = None) -> bytes:
            candidate: dict[str, Any] = {"content": {"role": "model", "parts": [part]}, "index": 0}
            if finish:
                candidate["finishReason"] = finish
            data: dict[str, Any] = {"candidates": [candidate], "modelVersion": "fake-1"}
            if finish:
                data["usageMetadata"] = usage
            return _sse(data)

        if reply.tool:
            call = {"name": reply.tool, "args": reply.args}
            parts = [chunk({"functionCall": call}, "STOP")]
        else:
            words = _pieces(reply.text)
            parts = [
                chunk({"text": w}, "STOP" if i == len(words) - 1 else None)
                for i, w in enumerate(words)
            ]
        _stream(handler, parts)


def _pieces(text: str) -> list[str]:
    words = text.split(" ")
    return [word + (" " if i < len(words) - 1 else "") for i, word in enumerate(words)]


def _vector(text: str) -> list[float]:
    return [float(len(text)), float(sum(map(ord, text)) % 997), float(text.count(" "))]


def _json(handler: BaseHTTPRequestHandler, status: int, body: Any) -> None:
    raw = json.dumps(body).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(raw)))
    handler.end_headers()
    handler.wfile.write(raw)


def _stream(handler: BaseHTTPRequestHandler, parts: list[bytes]) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/event-stream")
    handler.send_header("Connection", "close")
    handler.end_headers()
    for part in parts:
        handler.wfile.write(part)
        handler.wfile.flush()
    handler.close_connection = True
