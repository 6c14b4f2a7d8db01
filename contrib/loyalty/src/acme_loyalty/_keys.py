"""Permission and feature keys of the loyalty plugin, as constants."""

from __future__ import annotations

__all__ = ("AWARDS", "READ", "REDEEM")

READ = "loyalty.members:read"
"""List members by balance and show one's balance and history (members hold it too)."""

REDEEM = "loyalty.points:redeem"
"""Take points off a member's balance (``POST /members/{member_id}/redeem``)."""

AWARDS = "loyalty.awards"
"""Feature: award points for won deals (on by default; the manifest's ``awards``)."""
