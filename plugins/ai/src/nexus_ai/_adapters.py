"""The adapters by provider name, each imported on first use.

The three SDKs take seconds and tens of megabytes to import; a worker whose tenants never
chat should pay for none of them, and one that uses a single provider for that one alone.
"""

from __future__ import annotations

import functools
import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nexus_ai._provider import Adapter

__all__ = ("adapter",)

_ADAPTERS = {
    "openai": ("nexus_ai._openai", "OpenAIAdapter"),
    "anthropic": ("nexus_ai._anthropic", "AnthropicAdapter"),
    "gemini": ("nexus_ai._gemini", "GeminiAdapter"),
}


@functools.cache
def adapter(provider: str) -> Adapter:
    """The adapter of ``provider`` (one of the policy's provider names)."""
    module, name = _ADAPTERS[provider]
    made: Adapter = getattr(importlib.import_module(module), name)()
    return made
