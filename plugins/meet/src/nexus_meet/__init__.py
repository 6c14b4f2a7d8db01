"""Nexus Meet: meeting rooms and scheduled meetings, a lobby, host controls, media access.

STUN/TURN servers with time-limited TURN credentials for small peer-to-peer (mesh)
meetings, and LiveKit or Jitsi room tokens for larger ones.

The hook implementations, and nothing else. ``meet.meeting.scheduled.v1`` carries a
meeting's join link for a calendar to add. See README.md for the routes, permissions,
settings and events.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_hookspecs import Manifest, Permission, hookimpl

from nexus_meet._events import CANCELLED, ENDED, SCHEDULED, UPDATED
from nexus_meet._examples import EXAMPLES
from nexus_meet._keys import MEETINGS_HOST, MEETINGS_READ, MEETINGS_WRITE
from nexus_meet._room import FANOUT
from nexus_meet._routes_host import ParticipantController
from nexus_meet._routes_meetings import MeetingController
from nexus_meet._settings import MeetSettings
from nexus_meet._signal import signal

if TYPE_CHECKING:
    from collections.abc import Callable

    from nexus_hookspecs import Background

__all__ = (
    "MeetSettings",
    "nexus_background",
    "nexus_manifest",
    "nexus_piccolo_app",
    "nexus_routes",
    "nexus_shutdown",
)

TABLES = ("meet_meeting", "meet_participant", "meet_control", "meet_signal")


@hookimpl
def nexus_manifest() -> Manifest:
    """Describe the plugin."""
    return Manifest(
        name="meet",
        version="0.1.0",
        title="Meet",
        summary=(
            "Meeting rooms and scheduled meetings with a lobby and host controls; STUN/TURN "
            "for peer-to-peer meetings, LiveKit or Jitsi room tokens for larger ones."
        ),
        hookspecs=">=0.1.5,<0.2",
        permissions=(
            Permission(
                key=MEETINGS_READ,
                description="Show meetings and participants; get ICE servers and SFU tokens.",
            ),
            Permission(
                key=MEETINGS_WRITE, description="Schedule, change, cancel and join meetings."
            ),
            Permission(
                key=MEETINGS_HOST,
                description="Host controls: admit, deny, remove, lock, mute all, end.",
            ),
        ),
        settings=MeetSettings,
        events=(SCHEDULED, UPDATED, CANCELLED, ENDED),
        tenant_tables=TABLES,
        example_payloads=EXAMPLES,
    )


@hookimpl
def nexus_routes(register: Callable[[Any], None]) -> None:
    """Mount the meet routes under ``/api/v1/meet/``."""
    register(MeetingController)
    register(ParticipantController)
    register(signal)


@hookimpl
async def nexus_background(work: Background) -> None:
    """LISTEN for the signaling notes of the other server processes."""
    await FANOUT.start(work)


@hookimpl
async def nexus_shutdown(app: Any) -> None:
    """Stop listening."""
    del app
    await FANOUT.stop()


@hookimpl
def nexus_piccolo_app() -> str:
    """The meet tables and migrations."""
    return "nexus_meet.piccolo_app"
