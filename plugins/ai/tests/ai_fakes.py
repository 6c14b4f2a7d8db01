"""Local fake servers speaking the providers' documented HTTP APIs, for the tests.

One threaded ``http.server`` on a free loopback port answers like:

- OpenAI's ``POST /v1/chat/completions`` with ``stream: true``: ``chat.completion.chunk``
  server-sent events (text deltas, ``tool_calls`` deltas whose ``function.arguments``
  arrive in fragments, ``finish_reason``, a last chunk with ``usage`` when
  ``stream_options.include_usage``), ended by ``data: [DONE]``; ``POST /v1/embeddings``;
- (more providers below as they are added).

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
