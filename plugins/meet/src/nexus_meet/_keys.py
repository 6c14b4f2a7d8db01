"""Permission keys of Meet, as constants."""

from __future__ import annotations

__all__ = ("MEETINGS_HOST", "MEETINGS_READ", "MEETINGS_WRITE")

MEETINGS_READ = "meet.meetings:read"
"""List and show meetings, their participants, the ICE servers and SFU tokens to join."""

MEETINGS_WRITE = "meet.meetings:write"
"""Schedule, change and cancel meetings; join one (through its lobby)."""

MEETINGS_HOST = "meet.meetings:host"
"""Host controls: admit or deny from the lobby, remove, lock, ask all to mute, end."""
