"""What every provider adapter offers: a streamed chat turn and embeddings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import msgspec

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from nexus_hookspecs import ToolSpec

    from nexus_ai._model import Message, Turn, Usage

__all__ = ("Adapter", "Credentials")


class Credentials(msgspec.Struct, frozen=True, kw_only=True):
    """How to reach a provider for one tenant: its key and base URL (``None``: the SDK's)."""

    api_key: str
    base_url: str | None = None


class Adapter(Protocol):
    """One provider through its official SDK."""

    errors: tuple[type[Exception], ...]
    """What the SDK raises when the provider refuses or cannot be reached."""

    def stream(
        self,
        credentials: Credentials,
        *,
        model: str,
        system: str,
        messages: list[Message],
        tools: list[ToolSpec],
        max_tokens: int,
    ) -> AsyncIterator[str | Turn]:
        """Text as it arrives, then the whole :class:`Turn` last."""
        ...

    async def embed(
        self, credentials: Credentials, *, model: str, texts: list[str]
    ) -> tuple[list[list[float]], Usage]:
        """One vector per text, and the tokens it took."""
        ...
