"""The meet tables (Piccolo), all tenant-owned.

The schema itself is created by the migration in ``migrations/``; the logic modules query
with SQL. These classes give Piccolo (and ``nexus migrate``) the tables' names and columns.
"""

from __future__ import annotations

from nexus_hookspecs.piccolo import TenantOwned
from piccolo.columns import UUID, Array, Boolean, Integer, Text, Timestamptz
from piccolo.table import Table

__all__ = ("Control", "Meeting", "Participant", "Signal")


class Meeting(TenantOwned, Table, tablename="meet_meeting"):
    """A meeting room, scheduled or open now: its host, lobby, lock and state."""

    title = Text()
    host = Text()
    starts_at = Timestamptz(null=True)
    ends_at = Timestamptz(null=True)
    mode = Text()
    lobby = Boolean()
    locked = Boolean()
    status = Text()
    invitees = Array(base_column=Text())
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Participant(TenantOwned, Table, tablename="meet_participant"):
    """Someone who asked to join a meeting: waiting in the lobby, admitted, denied, gone."""

    meeting_id = UUID()
    actor = Text()
    display_name = Text()
    state = Text()
    connection = UUID(null=True)
    joined_at = Timestamptz()
    updated_at = Timestamptz()


class Control(TenantOwned, Table, tablename="meet_control"):
    """A host control given in a meeting (mute all, remove, lock, end), in order."""

    meeting_id = UUID()
    seq = Integer()
    kind = Text()
    target = UUID(null=True)
    actor = Text(null=True)
    created_at = Timestamptz()


class Signal(TenantOwned, Table, tablename="meet_signal"):
    """A signaling note too large for a NOTIFY (an SDP offer), kept a minute for the others."""

    meeting_id = UUID()
    body = Text()
    created_at = Timestamptz()
