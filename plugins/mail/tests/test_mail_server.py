"""The inbound server's start: a port held by another process leaves the app serving."""

from __future__ import annotations

import asyncio
import socket
from typing import TYPE_CHECKING, Any

from nexus_mail._server import inbound_address, start_server, stop_servers

if TYPE_CHECKING:
    import pytest


def test_a_taken_port_is_logged_and_no_server_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        monkeypatch.setenv("NEXUS_MAIL_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("NEXUS_MAIL_SMTP_PORT", str(port))
        before = inbound_address()

        async def start() -> Any:
            await start_server(object())  # type: ignore[arg-type]
            found = inbound_address()
            await stop_servers()
            return found

        assert asyncio.run(start()) == before


def test_without_a_port_no_server_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEXUS_MAIL_SMTP_PORT", raising=False)
    before = inbound_address()
    asyncio.run(start_server(object()))  # type: ignore[arg-type]
    assert inbound_address() == before
