"""Observability: structured logs and metrics."""

from __future__ import annotations

from nexus.observability._logging import configure_logging

__all__ = ("configure_logging",)
