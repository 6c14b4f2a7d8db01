"""``EventContext.tools_for`` (0.1.8): a handler gets the tools of a user, as that user stands.

The kernel's factory behind it: a user of the event's tenant gets the ``tools`` port a request
of theirs would; a bot, an API key, a user of another tenant or a disabled user is refused
(``LookupError``), so a handler can never act for someone who could not act themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import asyncpg
import pytest
from kernel_samples import ledger
from nexus.compose import RequestTools, ToolCalls, tools_for_actor
from nexus.identity import Authenticator
from nexus.services import kernel_of
from nexus.settings import Settings
from nexus.testing import create_test_client, make_tenant, run_sync

if TYPE_CHECKING:
    from uuid import UUID

USER = {"email": "ada@example.com", "name": "Ada", "password": "correct horse battery staple"}


@pytest.fixture
def nexus_database_url(nexus_migrated_database: Any) -> Any:
    """Every test's database starts migrated for its plugins (a template copy)."""
    return nexus_migrated_database([ledger])


@pytest.fixture
def app(nexus_database_url: str) -> Any:
    settings = Settings(database_url=nexus_database_url, log_level="warning")
    with create_test_client([ledger], database_url=nexus_database_url, settings=settings) as client:
        yield client


def _user_id(url: str, tenant_id: UUID) -> UUID:
    async def run() -> UUID:
        conn = await asyncpg.connect(url)
        try:
            value: UUID = await conn.fetchval(
                "select id from nexus_user where tenant_id = $1", tenant_id
            )
            return value
        finally:
            await conn.close()

    return run_sync(run())


def _disable(url: str, user_id: UUID) -> None:
    async def run() -> None:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute("update nexus_user set disabled = true where id = $1", user_id)
        finally:
            await conn.close()

    run_sync(run())


def test_a_users_tools_and_no_one_elses(app: Any, nexus_database_url: str) -> None:
    kernel = kernel_of(app.app)
    calls = ToolCalls(kernel.services, kernel.database, kernel.registry.permissions("member"))
    tools_for = tools_for_actor(calls, Authenticator(kernel.database, ttl_s=0))
    tenant = make_tenant(nexus_database_url, users=(USER,))
    other = make_tenant(nexus_database_url, users=({**USER, "email": "bo@example.com"},))
    ada = _user_id(nexus_database_url, tenant.id)
    bo = _user_id(nexus_database_url, other.id)

    port = app.blocking_portal.call(tools_for, tenant.id, f"user:{ada}")
    assert isinstance(port, RequestTools)
    assert isinstance(app.blocking_portal.call(port.list), list)

    for actor in ("bot:assistant", f"api_key:{ada}", "user:not-a-uuid", f"user:{bo}"):
        with pytest.raises(LookupError):
            app.blocking_portal.call(tools_for, tenant.id, actor)

    _disable(nexus_database_url, ada)
    with pytest.raises(LookupError):
        app.blocking_portal.call(tools_for, tenant.id, f"user:{ada}")
