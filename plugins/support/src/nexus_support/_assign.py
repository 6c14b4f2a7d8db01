"""Assignment rules: round robin and load-based (fewest open tickets) within a team."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import Connection

__all__ = ("OPEN_STATUSES", "pick_agent")

OPEN_STATUSES = ("new", "open", "pending")
"""Statuses a ticket counts as open in (an agent's load, the SLA check)."""


async def pick_agent(conn: Connection, team_id: UUID) -> tuple[UUID | None, str]:
    """The agent a new ticket of ``team_id`` goes to under the team's rule, and the rule.

    Round robin takes the members in turn (the team row is locked, so two tickets opened at
    once go to two agents); load-based takes the member with the fewest open tickets, the
    first listed on a tie. A ``manual`` team, or one without members, assigns nobody.
    """
    team = await conn.fetchrow(
        "select assignment, members, next_member from support_team where id = $1 for update",
        team_id,
    )
    if team is None or not team["members"] or team["assignment"] == "manual":
        return None, "manual"
    members: list[UUID] = list(team["members"])
    if team["assignment"] == "round_robin":
        index = team["next_member"] % len(members)
        await conn.execute(
            "update support_team set next_member = $2 where id = $1", team_id, index + 1
        )
        return members[index], "round_robin"
    rows = await conn.fetch(
        "select assignee, count(*) as open from support_ticket "
        "where assignee = any($1::uuid[]) and status = any($2::text[]) group by assignee",
        members,
        list(OPEN_STATUSES),
    )
    load = {row["assignee"]: int(row["open"]) for row in rows}
    return min(members, key=lambda member: (load.get(member, 0), members.index(member))), "load"
