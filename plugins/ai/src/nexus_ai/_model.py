"""The provider-neutral conversation: messages, tool calls, a model turn and its usage."""

from __future__ import annotations

from typing import Any, Literal

import msgspec
from nexus_hookspecs.http import Multiline

__all__ = ("Message", "ToolCall", "Turn", "Usage", "wire_name")


class ToolCall(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A tool the model asked for: the provider's call id, the tool, its arguments."""

    id: str
    name: str
    arguments: dict[str, Any] = msgspec.field(default_factory=dict)


class Message(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """One message: the user's, the assistant's (text and tool calls) or a tool's answer."""

    role: Literal["user", "assistant", "tool"]
    content: Multiline = ""
    tool_calls: list[ToolCall] = msgspec.field(default_factory=list)
    tool_call_id: str | None = None
    name: str | None = None


class Usage(msgspec.Struct, kw_only=True):
    """Tokens one provider call took."""

    input_tokens: int = 0
    output_tokens: int = 0


class Turn(msgspec.Struct, kw_only=True):
    """What the model answered in one call: text, tool calls, usage."""

    text: str
    tool_calls: list[ToolCall]
    usage: Usage


def wire_name(name: str) -> str:
    """A tool's name as providers accept it (``[a-zA-Z0-9_-]``): dots become ``__``."""
    return name.replace(".", "__")
