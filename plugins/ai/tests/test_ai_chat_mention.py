"""A chat message naming ``@assistant`` is answered in its thread, the loop run as its author.

Against the fake OpenAI server: the model asks for ``crm.contacts.search``, which runs as the
mentioning user (their tenant's contacts only), then answers; Chat shows the answer as
``bot:assistant`` in the message's thread, and the two turns are metered to that user. A
tenant without a policy gets a one-line reply saying so; with the AI plugin off, nothing.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import nexus_ai
import nexus_chat
import nexus_crm
import pytest
from ai_fakes import COMPLETION_TOKENS, PROMPT_TOKENS, FakeModels
from ai_helpers import configure
from nexus.testing import EventWorkerHarness, create_test_client, make_tenant, migrated_database

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [nexus_ai, nexus_chat, nexus_crm]
PASSWORD = "correct horse battery staple"
POSTED = "chat.message.posted.v1"


@pytest.fixture(scope="module")
def ai_db(nexus_postgres_server: str) -> Iterator[str]:
    with migrated_database(nexus_postgres_server, PLUGINS) as url:
        yield url


@pytest.fixture(scope="module")
def client(ai_db: str) -> Iterator[Any]:
    with create_test_client(PLUGINS, database_url=ai_db) as test_client:
        yield test_client


def _tenant(ai_db: str) -> Any:
    user = {"email": "ada@example.com", "name": "Ada", "password": PASSWORD}
    return make_tenant(ai_db, users=(user,))


def _sign_in(client: Any, tenant: Any) -> tuple[dict[str, str], str]:
    """Ada's bearer headers (a member) and her actor name."""
    answer = client.post(
        "/api/v1/auth/token",
        json={
            "grant_type": "password",
            "tenant": tenant.slug,
            "email": "ada@example.com",
            "password": PASSWORD,
        },
    )
    assert answer.status_code == 200, answer.text
    headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}
    me = client.get("/api/v1/me", headers=headers)
    assert me.status_code == 200, me.text
    return headers, f"user:{me.json()['subject']}"


def _channel(client: Any, tenant: Any) -> str:
    answer = client.post(
        "/api/v1/chat/channels", json={"name": "general", "kind": "public"}, headers=tenant.headers
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def _contact(client: Any, tenant: Any, last_name: str) -> None:
    answer = client.post(
        "/api/v1/crm/contacts",
        json={"first_name": "Ada", "last_name": last_name, "email": "ada@example.com"},
        headers=tenant.headers,
    )
    assert answer.status_code == 201, answer.text


def _post(client: Any, headers: dict[str, str], channel: str, body: str) -> dict[str, Any]:
    answer = client.post(
        f"/api/v1/chat/channels/{channel}/messages", json={"body": body}, headers=headers
    )
    assert answer.status_code == 201, answer.text
    result: dict[str, Any] = answer.json()
    return result


def _messages(client: Any, tenant: Any, channel: str) -> list[dict[str, Any]]:
    answer = client.get(f"/api/v1/chat/channels/{channel}/messages", headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    result: list[dict[str, Any]] = answer.json()
    return result


@pytest.fixture
def tenant(client: Any, ai_db: str) -> Any:
    return _tenant(ai_db)


@pytest.fixture
def other(client: Any, ai_db: str) -> Any:
    return _tenant(ai_db)


def test_a_mention_is_answered_in_its_thread_as_the_author(
    client: Any, tenant: Any, other: Any, fakes: FakeModels
) -> None:
    configure(client, tenant, "openai", fakes.url + "/v1", "gpt-4o-mini")
    _contact(client, tenant, "Lovelace")
    _contact(client, other, "Lovelace-Other")
    ada, actor = _sign_in(client, tenant)
    channel = _channel(client, tenant)
    theirs = _channel(client, other)
    before = len(fakes.requests)

    with EventWorkerHarness(client) as worker:
        asked = _post(client, ada, channel, "@assistant find Lovelace")
        _post(client, other.headers, theirs, "nothing for the assistant here")
        # Ada's message, then the assistant's own reply (seen, and left unanswered).
        worker.wait_handled_type("ai", POSTED, 3)

    [mine, reply] = _messages(client, tenant, channel)
    assert mine["id"] == asked["id"]
    assert reply["author"] == "bot:assistant" and reply["thread_id"] == asked["id"]
    assert reply["body"].startswith("Found: ") and "Lovelace" in reply["body"]
    assert "Other" not in reply["body"]  # the tool ran in Ada's tenant
    assert len(fakes.requests) - before == 2  # the tool call, then the answer
    assert len(_messages(client, other, theirs)) == 1  # no mention there: no reply

    usage = client.get("/api/v1/ai/usage", headers=tenant.headers).json()
    (user,) = usage["users"]
    assert user["actor"] == actor
    assert usage["input_tokens"] == 2 * PROMPT_TOKENS
    assert usage["output_tokens"] == 2 * COMPLETION_TOKENS


def test_a_writing_tool_waits_for_confirmation(client: Any, tenant: Any, fakes: FakeModels) -> None:
    configure(client, tenant, "openai", fakes.url + "/v1", "gpt-4o-mini")
    ada, _ = _sign_in(client, tenant)
    channel = _channel(client, tenant)
    write = json.dumps({"channel_id": channel, "body": "posted by the tool"})

    with EventWorkerHarness(client) as worker:
        asked = _post(client, ada, channel, f"@assistant do chat__messages__post {write}")
        worker.wait_handled_type("ai", POSTED, 2)

    [mine, reply] = _messages(client, tenant, channel)  # the tool did not post
    assert mine["id"] == asked["id"] and reply["thread_id"] == asked["id"]
    assert reply["body"].startswith("This needs your confirmation: chat.messages.post")


def test_without_a_policy_the_mention_is_told_so(client: Any, tenant: Any) -> None:
    ada, _ = _sign_in(client, tenant)
    channel = _channel(client, tenant)

    with EventWorkerHarness(client) as worker:
        asked = _post(client, ada, channel, "@Assistant how many contacts named Ada?")
        worker.wait_handled_type("ai", POSTED, 2)

    [_, reply] = _messages(client, tenant, channel)
    assert reply["author"] == "bot:assistant" and reply["thread_id"] == asked["id"]
    assert reply["body"].startswith("I could not answer: no model policy")


def test_with_the_ai_plugin_off_there_is_no_reply(
    client: Any, tenant: Any, fakes: FakeModels
) -> None:
    configure(client, tenant, "openai", fakes.url + "/v1", "gpt-4o-mini")
    ada, _ = _sign_in(client, tenant)
    channel = _channel(client, tenant)
    off = client.put("/api/v1/features/ai", json={"enabled": False}, headers=tenant.headers)
    assert off.status_code == 200, off.text
    before = len(fakes.requests)

    with EventWorkerHarness(client) as worker:
        _post(client, ada, channel, "@assistant find Lovelace")
        worker.wait_passed_over("ai", 1)

    assert len(_messages(client, tenant, channel)) == 1
    assert len(fakes.requests) == before
