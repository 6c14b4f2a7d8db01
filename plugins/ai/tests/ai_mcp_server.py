"""A real external MCP server for the tests: the ``mcp`` SDK's ``MCPServer`` on loopback.

Two tools: ``forecast`` (annotated read-only) and ``book_umbrella`` (writes). The
streamable HTTP app is served by uvicorn in a thread, behind a check of the bearer token
(401 without it); every token seen is recorded.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn
from mcp.server.mcpserver import MCPServer
from mcp_types import ToolAnnotations

__all__ = ("TOKEN", "WeatherServer")

TOKEN = "wx-secret-token"


class WeatherServer:
    """The server on a free loopback port; ``url`` is its MCP endpoint."""

    def __init__(self) -> None:
        self.tokens: list[str] = []
        self.booked: list[str] = []
        mcp = MCPServer("weather")

        @mcp.tool(annotations=ToolAnnotations(read_only_hint=True))
        def forecast(city: str) -> str:
            """Tomorrow's weather in a city."""
            return f"{city}: sunny, 21 C"

        @mcp.tool()
        def book_umbrella(city: str) -> str:
            """Reserve an umbrella in a city."""
            self.booked.append(city)
            return f"umbrella booked in {city}"

        inner = mcp.streamable_http_app(stateless_http=True, json_response=True)

        async def app(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "http":
                headers = dict(scope["headers"])
                token = headers.get(b"authorization", b"").decode()
                self.tokens.append(token)
                if token != f"Bearer {TOKEN}":
                    await send({"type": "http.response.start", "status": 401, "headers": []})
                    await send({"type": "http.response.body", "body": b""})
                    return
            await inner(scope, receive, send)

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "the MCP server did not start"
            time.sleep(0.05)
        self.url = f"http://127.0.0.1:{port}/mcp"

    def close(self) -> None:
        """Stop serving."""
        self.server.should_exit = True
        self.thread.join(10)
