"""Public replies go to the requester through notify, threaded with Message-ID headers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import nexus_support
import pytest
from nexus.testing import create_test_client, make_tenant
from support_helpers import post, ticket
from support_notify import ASKED, notify

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(scope="module")
def notified(support_db: str) -> Iterator[Any]:
    with create_test_client([nexus_support, notify], database_url=support_db) as test_client:
        yield test_client


def test_replies_are_sent_through_notify_and_thread(notified: Any, support_db: str) -> None:
    tenant = make_tenant(support_db)
    opened = ticket(notified, tenant, requester_name="Ada Lovelace")
    first = post(notified, tenant, f"/tickets/{opened['id']}/replies", {"body": "On it."})
    second = post(notified, tenant, f"/tickets/{opened['id']}/replies", {"body": "Done."})
    assert first["delivery"].startswith("notify:") and second["delivery"].startswith("notify:")
    one, two = ASKED[-2:]
    assert (one.to.email, one.to.name, one.category) == (
        "ada@example.com",
        "Ada Lovelace",
        "support.replies",
    )
    assert one.subject == f"[#{opened['number']}] {opened['subject']}"
    assert one.email_headers == {"Message-ID": first["rfc_message_id"]}
    assert two.email_headers["Message-ID"] == second["rfc_message_id"]
    assert two.email_headers["In-Reply-To"] == first["rfc_message_id"]
    assert first["rfc_message_id"] in two.email_headers["References"]
    assert two.source_ref == f"support.ticket:{opened['id']}"
