"""The adapters by provider name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexus_ai._anthropic import AnthropicAdapter
from nexus_ai._gemini import GeminiAdapter
from nexus_ai._openai import OpenAIAdapter

if TYPE_CHECKING:
    from nexus_ai._provider import Adapter

__all__ = ("ADAPTERS",)

ADAPTERS: dict[str, Adapter] = {
    "openai": OpenAIAdapter(),
    "anthropic": AnthropicAdapter(),
    "gemini": GeminiAdapter(),
}
