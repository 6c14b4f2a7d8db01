"""The AI plugin's tenant settings (``PUT /api/v1/plugins/ai/settings``, tenant admins).

The kernel keeps them: a change is checked (422 naming the field), audited
(``plugin.settings.changed`` with before and after) and seen by every process at once.
"""

from __future__ import annotations

import msgspec

__all__ = ("AiSettings",)


class AiSettings(msgspec.Struct, kw_only=True, frozen=True):
    """What a tenant decides about its assistant.

    Attributes:
        writing_tools_unconfirmed: Let the assistant run writing tools (drafting an
            invoice, opening a ticket …) without asking the user to confirm each call. Off
            by default: a writing call waits for ``confirmed``.
    """

    writing_tools_unconfirmed: bool = False
