"""A change made through one process reaches every other process, with and without Redis."""

from __future__ import annotations

import asyncio
import threading

import asyncpg
import pytest
import redis
from kernel_samples import hello
from nexus.services import kernel_of
from nexus.settings import Settings
from nexus.testing import create_test_client, make_tenant, run_sync

REDIS_URL = "redis://127.0.0.1:6379/0"


def _redis_or_skip() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")
    return REDIS_URL


@pytest.fixture(params=["postgres", "redis"])
def channel_settings(request):
    if request.param == "redis":
        return Settings(log_level="warning", redis_url=_redis_or_skip())
    return Settings(log_level="warning")


def _changes(client, tenant) -> threading.Event:
    """An event set when the client's app hears of a feature change of ``tenant``.

    Only that tenant's: on Redis the channel is the server's, so other test processes'
    changes arrive too.
    """
    heard = threading.Event()
    kernel_of(client.app).features.toggles.observe(
        lambda tenant_id: tenant_id == tenant.id and heard.set()
    )
    return heard


def test_change_on_one_process_is_pushed_to_another(nexus_database_url, channel_settings):
    first = create_test_client([hello], database_url=nexus_database_url, settings=channel_settings)
    second = create_test_client(
        [hello], database_url=nexus_database_url, settings=channel_settings, run_migrations=False
    )
    with first, second:
        acme = make_tenant(nexus_database_url, slug="acme")
        globex = make_tenant(nexus_database_url, slug="globex")
        # Both processes hold acme's state before the change.
        assert second.get("/api/v1/hello", headers=acme.headers).status_code == 200
        assert second.get("/api/v1/hello", headers=globex.headers).status_code == 200
        heard = _changes(second, acme)
        response = first.put(
            "/api/v1/features/hello", json={"enabled": False}, headers=acme.headers
        )
        assert response.status_code == 200
        assert heard.wait(timeout=10), "the second process never heard of the change"
        assert second.get("/api/v1/hello", headers=acme.headers).status_code == 404
        assert second.get("/api/v1/hello", headers=globex.headers).status_code == 200


def test_a_process_that_lost_its_channel_never_serves_stale_state(nexus_database_url):
    settings = Settings(log_level="warning")
    first = create_test_client([hello], database_url=nexus_database_url, settings=settings)
    second = create_test_client(
        [hello], database_url=nexus_database_url, settings=settings, run_migrations=False
    )
    with first, second:
        acme = make_tenant(nexus_database_url, slug="acme")
        toggles = kernel_of(second.app).features.toggles
        assert second.get("/api/v1/hello", headers=acme.headers).status_code == 200
        assert toggles.cached(acme.id) is not None
        back = threading.Event()
        went = threading.Event()
        toggles.observe_live(lambda live: (back if live else went).set())

        async def cut() -> None:
            conn = await asyncpg.connect(nexus_database_url)
            try:
                await conn.execute(
                    "select pg_terminate_backend(pid) from pg_stat_activity "
                    "where query like 'LISTEN%' and datname = current_database()"
                )
            finally:
                await conn.close()

        run_sync(cut())
        assert went.wait(timeout=10), "the lost LISTEN connection was not noticed"
        assert toggles.cached(acme.id) is None, "nothing is kept while the channel is down"
        assert back.wait(timeout=10), "the channel did not reconnect"
        first.put("/api/v1/features/hello", json={"enabled": False}, headers=acme.headers)
        assert second.get("/api/v1/hello", headers=acme.headers).status_code == 404


def test_toggle_check_reads_an_immutable_snapshot(nexus_database_url):
    with create_test_client([hello], database_url=nexus_database_url) as client:
        acme = make_tenant(nexus_database_url, slug="acme")
        client.get("/api/v1/hello", headers=acme.headers)
        toggles = kernel_of(client.app).features.toggles
        held = toggles.cached(acme.id)
        client.put("/api/v1/features/hello", json={"enabled": False}, headers=acme.headers)
        assert "hello" in held.enabled, "a snapshot once handed out never changes"
        assert asyncio.run(_enabled_elsewhere(held)) is True


async def _enabled_elsewhere(held) -> bool:
    return "hello" in held.enabled
