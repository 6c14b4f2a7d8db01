"""The inbound SMTP server, on the app's event loop, started from ``nexus_background``."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import structlog
from aiosmtpd.smtp import SMTP

from nexus_mail._config import mail_config
from nexus_mail._inbound import InboundHandler

if TYPE_CHECKING:
    from nexus_hookspecs import Background

__all__ = ("inbound_address", "start_server", "stop_servers")

log = structlog.get_logger("nexus_mail")
_MAX_BYTES = 50_000_000
_servers: list[tuple[asyncio.AbstractEventLoop, asyncio.Server]] = []


async def start_server(work: Background) -> None:
    """Listen on ``NEXUS_MAIL_SMTP_HOST``:``NEXUS_MAIL_SMTP_PORT`` when the port is set."""
    config = mail_config()
    if config.smtp_port is None:
        return
    handler = InboundHandler(work, hostname=config.smtp_hostname)
    loop = asyncio.get_running_loop()

    def protocol() -> SMTP:
        return SMTP(
            handler,
            hostname=config.smtp_hostname,
            ident="Nexus Mail",
            data_size_limit=_MAX_BYTES,
            enable_SMTPUTF8=True,
            loop=loop,
        )

    try:
        server = await loop.create_server(protocol, host=config.smtp_host, port=config.smtp_port)
    except OSError as exc:
        # Another process of the installation holds the port: the app still serves.
        log.error("inbound SMTP server not started", error=str(exc), port=config.smtp_port)
        return
    _servers.append((loop, server))
    log.info("inbound SMTP server listening", address=inbound_address())


def inbound_address() -> tuple[str, int] | None:
    """Where the most recently started inbound server listens (``None``: none runs)."""
    for _loop, server in reversed(_servers):
        if server.is_serving() and server.sockets:
            host, port = server.sockets[0].getsockname()[:2]
            return str(host), int(port)
    return None


async def stop_servers() -> None:
    """Close the servers started on the running loop."""
    loop = asyncio.get_running_loop()
    for item in [s for s in _servers if s[0] is loop]:
        _servers.remove(item)
        item[1].close()
        await item[1].wait_closed()
