"""The ``cache`` port through the kernel: per tenant, invalidated in every process."""

from __future__ import annotations

import threading

import pytest
import redis
from kernel_samples import shelf
from nexus.services import kernel_of
from nexus.settings import Settings
from nexus.testing import create_test_client, make_tenant

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(params=["postgres", "redis"])
def cache_settings(request):
    """In-process caches fanned out by NOTIFY, or one Redis shared by every process."""
    if request.param == "redis":
        try:
            redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
        except redis.RedisError as exc:
            pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")
        return Settings(log_level="warning", redis_url=REDIS_URL)
    return Settings(log_level="warning")


@pytest.fixture(autouse=True)
def _empty_shelf():
    shelf.STORE.clear()
    shelf.LOADS.clear()


def _value(client, tenant) -> str | None:
    response = client.get("/api/v1/shelf/value", headers=tenant.headers)
    assert response.status_code == 200, response.text
    return response.json()["value"]


def test_a_cached_read_of_one_tenant_is_never_served_to_another(nexus_database_url, cache_settings):
    with create_test_client(
        [shelf], database_url=nexus_database_url, settings=cache_settings
    ) as client:
        acme = make_tenant(nexus_database_url, slug="acme")
        globex = make_tenant(nexus_database_url, slug="globex")
        shelf.STORE[acme.id] = "acme's"
        shelf.STORE[globex.id] = "globex's"
        assert _value(client, acme) == "acme's"
        assert _value(client, acme) == "acme's"
        assert _value(client, globex) == "globex's"
        assert [acme.id, globex.id] == shelf.LOADS, "one load per tenant, then hits"


def test_a_write_invalidates_the_cached_read_in_every_process(nexus_database_url, cache_settings):
    first = create_test_client([shelf], database_url=nexus_database_url, settings=cache_settings)
    second = create_test_client(
        [shelf], database_url=nexus_database_url, settings=cache_settings, run_migrations=False
    )
    with first, second:
        acme = make_tenant(nexus_database_url, slug="acme")
        globex = make_tenant(nexus_database_url, slug="globex")
        shelf.STORE.update({acme.id: "v1", globex.id: "g1"})
        assert _value(second, acme) == "v1"
        assert _value(second, globex) == "g1"
        heard = threading.Event()
        kernel_of(second.app).cache.observe(lambda tenant, keys, tags: heard.set())
        response = first.put("/api/v1/shelf/value", json={"value": "v2"}, headers=acme.headers)
        assert response.status_code == 200
        if cache_settings.redis_url is None:
            assert heard.wait(timeout=10), "the second process never heard of the write"
        assert _value(second, acme) == "v2"
        assert _value(second, globex) == "g1"
        assert shelf.LOADS.count(globex.id) == 1, "another tenant's entry was left alone"


def test_event_consumers_invalidate_through_the_kernel(nexus_database_url):
    with create_test_client([shelf], database_url=nexus_database_url) as client:
        acme = make_tenant(nexus_database_url, slug="acme")
        shelf.STORE[acme.id] = "v1"
        assert _value(client, acme) == "v1"
        shelf.STORE[acme.id] = "v2"  # changed elsewhere; an event tells this process
        invalidate = kernel_of(client.app).cache.invalidate
        client.blocking_portal.call(lambda: invalidate(acme.id, tags=["values"]))
        assert _value(client, acme) == "v2"


def test_dropping_a_tenant_empties_its_cache_in_every_process(nexus_database_url, cache_settings):
    first = create_test_client([shelf], database_url=nexus_database_url, settings=cache_settings)
    second = create_test_client(
        [shelf], database_url=nexus_database_url, settings=cache_settings, run_migrations=False
    )
    with first, second:
        acme = make_tenant(nexus_database_url, slug="acme")
        globex = make_tenant(nexus_database_url, slug="globex")
        shelf.STORE.update({acme.id: "v1", globex.id: "g1"})
        assert (_value(second, acme), _value(second, globex)) == ("v1", "g1")
        shelf.STORE[acme.id] = "v2"
        heard = threading.Event()
        kernel_of(second.app).cache.observe(lambda tenant, keys, tags: heard.set())
        drop = kernel_of(first.app).cache.drop
        first.blocking_portal.call(lambda: drop(acme.id))
        if cache_settings.redis_url is None:
            assert heard.wait(timeout=10), "the second process never heard of the drop"
        assert _value(second, acme) == "v2"
        assert _value(second, globex) == "g1"
        assert shelf.LOADS.count(globex.id) == 1, "another tenant's entry was left alone"
