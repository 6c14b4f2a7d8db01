"""A one-thread asyncio HTTP/1.1 load generator with a fixed number of keep-alive connections.

Run as a script (the harness starts it as its own process)::

    python bench/loadgen/_aioclient.py http://127.0.0.1:8000/ --connections 50 --duration 5

Each connection has one request in flight (no pipelining), like wrk. Responses must carry
``Content-Length``. Prints one ``BENCH-JSON {...}`` line in the shape of ``report.lua``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import cast
from urllib.parse import urlsplit

_CONTENT_LENGTH = b"\r\ncontent-length:"


class _Client:
    """Shared state of all connections: the request bytes, the deadline and the tallies."""

    def __init__(self, host: str, port: int, request: bytes, deadline_ns: int) -> None:
        self.host, self.port, self.request, self.deadline_ns = host, port, request, deadline_ns
        self.latencies_ns: list[int] = []
        self.errors = {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0}
        self.open = 0
        self.all_closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    async def connect(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            await loop.create_connection(lambda: _Connection(self), self.host, self.port)
        except OSError:
            self.errors["connect"] += 1
            self._check_done()

    def opened(self) -> None:
        self.open += 1

    def closed(self, *, early: bool) -> None:
        self.open -= 1
        if early and time.perf_counter_ns() < self.deadline_ns:
            self.errors["read"] += 1
            asyncio.get_running_loop().create_task(self.connect())
            return
        self._check_done()

    def _check_done(self) -> None:
        finished = self.open <= 0 and time.perf_counter_ns() >= self.deadline_ns
        if finished and not self.all_closed.done():
            self.all_closed.set_result(None)


class _Connection(asyncio.Protocol):
    """One keep-alive connection: send, read one response, send again until the deadline."""

    def __init__(self, client: _Client) -> None:
        self.client = client
        self.buffer = bytearray()
        self.expected = -1
        self.status = 0
        self.sent_ns = 0
        self.finished = False
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast("asyncio.Transport", transport)  # uvloop's is no subclass
        self.client.opened()
        self._send()

    def _send(self) -> None:
        assert self.transport is not None
        self.sent_ns = time.perf_counter_ns()
        self.transport.write(self.client.request)

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        while True:
            if self.expected < 0:
                end = buffer.find(b"\r\n\r\n")
                if end < 0:
                    return
                head = bytes(buffer[:end]).lower()
                self.status = int(head[9:12])
                start = head.find(_CONTENT_LENGTH)
                if start < 0:
                    self._give_up()
                    return
                stop = head.find(b"\r\n", start + 2)
                length = int(head[start + len(_CONTENT_LENGTH) : stop if stop > 0 else end])
                self.expected = end + 4 + length
            if len(buffer) < self.expected:
                return
            del buffer[: self.expected]
            self.expected = -1
            self._response_done()
            if self.finished:
                return

    def _response_done(self) -> None:
        now = time.perf_counter_ns()
        client = self.client
        if now >= client.deadline_ns:
            self.finished = True
            assert self.transport is not None
            self.transport.close()
            return
        client.latencies_ns.append(now - self.sent_ns)
        if not 200 <= self.status < 400:
            client.errors["status"] += 1
        self._send()

    def _give_up(self) -> None:
        # Chunked or close-delimited bodies are not supported; count and drop the connection.
        self.client.errors["read"] += 1
        self.finished = True
        assert self.transport is not None
        self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.client.closed(early=not self.finished)


def _percentile(ordered: list[int], percent: float) -> int:
    if not ordered:
        return 0
    index = min(len(ordered) - 1, max(0, round(percent / 100 * len(ordered)) - 1))
    return ordered[index]


async def _run(
    url: str, connections: int, duration_s: float, headers: list[str]
) -> dict[str, object]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    lines = [f"GET {path} HTTP/1.1", f"Host: {parts.netloc}", "User-Agent: nexus-bench", *headers]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    started = time.perf_counter_ns()
    client = _Client(host, port, request, started + int(duration_s * 1e9))
    await asyncio.gather(*(client.connect() for _ in range(connections)))
    try:
        await asyncio.wait_for(client.all_closed, timeout=duration_s + 10)
    except TimeoutError:
        client.errors["timeout"] += client.open
    ordered = sorted(client.latencies_ns)
    mean = sum(ordered) / len(ordered) if ordered else 0.0
    return {
        "requests": len(ordered),
        "duration_us": int(duration_s * 1e6),
        "errors": client.errors,
        "latency_us": {
            "p50": _percentile(ordered, 50) // 1000,
            "p90": _percentile(ordered, 90) // 1000,
            "p99": _percentile(ordered, 99) // 1000,
            "max": (ordered[-1] if ordered else 0) // 1000,
            "mean": round(mean / 1000, 1),
        },
    }


def main() -> None:
    """Parse the command line, run the load and print the summary line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--header", action="append", default=[], help="'Name: value'")
    args = parser.parse_args()
    try:
        import uvloop  # noqa: PLC0415 - optional speed-up, as on the server side
    except ImportError:
        runner = asyncio.run
    else:
        runner = uvloop.run
    summary = runner(_run(args.url, args.connections, args.duration, args.header))
    print("BENCH-JSON " + json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
