"""The AI plugin's permission keys."""

from __future__ import annotations

__all__ = ("CHAT", "SETTINGS", "USAGE_READ")

CHAT = "ai.chat:use"
SETTINGS = "ai.settings:manage"
USAGE_READ = "ai.usage:read"
