"""Nexus AI: OpenAI, Anthropic and Gemini for the tenant, and its assistant.

The hook implementations, and nothing else. Each tenant picks a provider and its models
(``/policy``), keeps its own key encrypted at rest or uses the platform's
(``/providers``); every call is metered per tenant and user (``/usage``) against monthly
token limits. ``POST /chat`` runs the tool-calling loop over the caller's tools (the
``tools`` port); a chat message naming ``@assistant`` is answered in its thread, the loop
run as its author. See README.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_hookspecs import Manifest, Permission, hookimpl

from nexus_ai._examples import EXAMPLES
from nexus_ai._keys import CHAT, SETTINGS, USAGE_READ
from nexus_ai._mention import MESSAGE_POSTED, answer_mention
from nexus_ai._routes_chat import chat, embeddings
from nexus_ai._routes_mcp import McpServerController
from nexus_ai._routes_settings import (
    PolicyController,
    PriceController,
    ProviderController,
    usage,
)
from nexus_ai._settings import AiSettings

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("nexus_event_handlers", "nexus_manifest", "nexus_piccolo_app", "nexus_routes")

_MEMBERS = ("tenant_admin", "member")


@hookimpl
def nexus_manifest() -> Manifest:
    """Describe the plugin."""
    return Manifest(
        name="ai",
        version="0.1.0",
        title="AI",
        summary=(
            "OpenAI, Anthropic and Gemini for the tenant: its keys encrypted or the "
            "platform's, a model policy, usage metered per user with monthly limits, and an "
            "assistant that calls the caller's tools."
        ),
        hookspecs=">=0.1.8,<0.2",
        permissions=(
            Permission(key=CHAT, description="Talk to the assistant; embed texts.", roles=_MEMBERS),
            Permission(key=SETTINGS, description="Provider keys and the model policy."),
            Permission(key=USAGE_READ, description="See the tokens and cost per user."),
        ),
        settings=AiSettings,
        tenant_tables=(
            "ai_provider",
            "ai_policy",
            "ai_usage",
            "ai_mcp_server",
            "ai_mcp_call",
            "ai_price",
        ),
        example_payloads=EXAMPLES,
    )


@hookimpl
def nexus_routes(register: Callable[[Any], None]) -> None:
    """Mount the routes under ``/api/v1/ai/``."""
    for handler in (
        ProviderController,
        PolicyController,
        PriceController,
        McpServerController,
        usage,
        chat,
        embeddings,
    ):
        register(handler)


@hookimpl
def nexus_event_handlers(register: Callable[[str, Any], None]) -> None:
    """Answer chat messages that mention ``@assistant``, in their thread."""
    register(MESSAGE_POSTED, answer_mention)


@hookimpl
def nexus_piccolo_app() -> str:
    """The AI tables and migrations."""
    return "nexus_ai.piccolo_app"
