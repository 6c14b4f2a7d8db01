"""Support's assistant tool ``support.tickets.open``, run by the kernel as the caller.

It writes, so it runs only once confirmed; the ticket it opens is the tenant's (the REST
list shows it, another tenant's list does not), published as ``support.ticket.created.v1``;
a member without ``support.tickets:write`` is refused; bad input names the field.
"""

from __future__ import annotations

from typing import Any

from nexus.testing import call_tool, list_tools, outbox_events
from support_helpers import get

_TICKET = {
    "subject": "Printer on fire",
    "body": "The office printer is smoking.\nPlease send someone.",
    "priority": "urgent",
    "requester_email": "ops@example.com",
    "tags": ["hardware"],
}


def test_the_assistant_opens_a_ticket_once_confirmed(
    client: Any, tenant: Any, other: Any, support_db: str
) -> None:
    waiting = call_tool(client, tenant, "support.tickets.open", _TICKET)
    assert waiting.confirmation_required and get(client, tenant, "/tickets")["items"] == []
    bad = call_tool(
        client, tenant, "support.tickets.open", {**_TICKET, "priority": "asap"}, confirmed=True
    )
    assert not bad.ok and "priority" in (bad.error or "")

    opened = call_tool(client, tenant, "support.tickets.open", _TICKET, confirmed=True)
    assert opened.ok, opened.error
    assert (opened.result["subject"], opened.result["priority"]) == ("Printer on fire", "urgent")
    listed = get(client, tenant, "/tickets")["items"]
    assert [t["id"] for t in listed] == [opened.result["id"]]
    assert get(client, other, "/tickets")["items"] == []
    created = outbox_events(support_db, tenant, "support.ticket.created.v1")
    assert [e.data["ticket_id"] for e in created] == [opened.result["id"]]

    assert {t.name for t in list_tools(client, tenant)} >= {"support.tickets.open"}
