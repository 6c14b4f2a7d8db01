"""``Idempotency-Key`` on writes: one effect per key, replays, reuse, in-flight, expiry."""

from __future__ import annotations

import asyncio
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

import asyncpg
import msgspec
import pytest
from kernel_samples.others import named
from litestar import Response, get, patch, post, put
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException
from litestar.params import FromPath, JSONBody
from nexus.http import parse_idempotency_key
from nexus.settings import Settings
from nexus.testing import create_test_client, make_platform_key, make_tenant, run_sync
from nexus_hookspecs import Database, hookimpl

# Set by a test to let a handler that asked to wait ({"wait": true}) finish.
GATE = threading.Event()
_INSERT = "insert into idem_effect (effect, payload) values ($1, $2)"


class Order(msgspec.Struct):
    item: str
    qty: int


async def _effect(db: Database, payload: Any) -> str:
    effect = str(uuid.uuid4())
    async with db.transaction() as conn:
        await conn.execute(_INSERT, effect, msgspec.json.encode(payload).decode())
    return effect


@post("/")
async def create(db: NamedDependency[Database], data: JSONBody[dict[str, Any]]) -> Response[Any]:
    effect = await _effect(db, data)
    if data.get("wait"):
        # Held open (outside any transaction) until the test has seen the others answered.
        assert await asyncio.to_thread(GATE.wait, 30)
    return Response(
        {"effect": effect, "echo": data}, status_code=201, headers={"Location": f"/e/{effect}"}
    )


@put("/{name:str}")
async def replace(
    db: NamedDependency[Database], name: FromPath[str], data: JSONBody[Order]
) -> Order:
    await _effect(db, {"put": name})
    return data


@patch("/{name:str}")
async def change(
    db: NamedDependency[Database], name: FromPath[str], data: JSONBody[Order]
) -> Order:
    await _effect(db, {"patch": name})
    return data


@post("/unavailable")
async def unavailable(db: NamedDependency[Database]) -> Response[Any]:
    await _effect(db, "unavailable")
    return Response({"retry": True}, status_code=503)


@post("/explode")
async def explode(db: NamedDependency[Database]) -> None:
    await _effect(db, "explode")
    raise RuntimeError("boom")


@post("/conflict")
async def conflict(db: NamedDependency[Database]) -> None:
    await _effect(db, "conflict")
    raise HTTPException(status_code=409, detail="not now")


@post("/big")
async def big(db: NamedDependency[Database]) -> str:
    await _effect(db, "big")
    return "x" * 4096


@post("/secret", opt={"nexus_no_idempotency": True})
async def secret(db: NamedDependency[Database]) -> dict[str, str]:
    return {"secret": await _effect(db, "secret")}


@post("/platform", opt={"nexus_access": "authenticated"})
async def platform_write(data: JSONBody[dict[str, Any]]) -> dict[str, str]:
    return {"effect": str(uuid.uuid4())}


@get("/")
async def read() -> dict[str, str]:
    return {"effect": str(uuid.uuid4())}


ROUTES = (
    create,
    replace,
    change,
    unavailable,
    explode,
    conflict,
    big,
    secret,
    platform_write,
    read,
)


def _routes(register):
    for route in ROUTES:
        register(route)


ledger = named("ledger")
ledger.nexus_routes = hookimpl(_routes)


def _sql(url: str, statement: str, *args: Any) -> Any:
    """Run one statement as the test server's superuser (which bypasses row-level security)."""

    async def run() -> Any:
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetch(statement, *args)
        finally:
            await conn.close()

    return run_sync(run())


@pytest.fixture
def nexus_database_url(nexus_migrated_database):
    """Every test's database starts migrated for the ledger (a template copy)."""
    return nexus_migrated_database([ledger])


@pytest.fixture
def client(nexus_database_url):
    with create_test_client(
        [ledger],
        database_url=nexus_database_url,
        settings=Settings(log_level="warning", max_body_bytes=1024),
    ) as client:
        _sql(nexus_database_url, "create table idem_effect (effect text primary key, payload text)")
        _sql(nexus_database_url, "grant all on idem_effect to nexus_api")
        yield client


@pytest.fixture
def tenant(nexus_database_url, client):
    return make_tenant(nexus_database_url)


def _effects(url: str) -> int:
    return _sql(url, "select count(*) from idem_effect")[0][0]


def _post(client, tenant, key: str, body: Any, path: str = "/api/v1/ledger/"):
    return client.post(path, json=body, headers={**tenant.headers, "Idempotency-Key": key})


def test_same_key_and_body_replays_the_first_response(client, tenant, nexus_database_url):
    first = _post(client, tenant, "order-1", {"item": "tea"})
    again = _post(client, tenant, "order-1", {"item": "tea"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["content-type"] == first.headers["content-type"]
    assert again.headers["idempotency-replayed"] == "true"
    assert "idempotency-replayed" not in first.headers
    assert again.headers["x-request-id"] != first.headers["x-request-id"]
    assert _effects(nexus_database_url) == 1


@pytest.mark.parametrize("method", ["put", "patch"])
def test_put_and_patch_replay_too(client, tenant, nexus_database_url, method):
    send = getattr(client, method)
    headers = {**tenant.headers, "Idempotency-Key": "change-1"}
    first = send("/api/v1/ledger/tea", json={"item": "tea", "qty": 2}, headers=headers)
    again = send("/api/v1/ledger/tea", json={"item": "tea", "qty": 2}, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.headers["idempotency-replayed"] == "true"
    assert _effects(nexus_database_url) == 1


def test_quoted_and_bare_key_are_the_same_key(client, tenant, nexus_database_url):
    first = _post(client, tenant, '"order-2"', {"item": "tea"})
    again = _post(client, tenant, "order-2", {"item": "tea"})
    assert again.json() == first.json()
    assert _effects(nexus_database_url) == 1


@pytest.mark.parametrize(
    ("path", "body"),
    [("/api/v1/ledger/", {"item": "coffee"}), ("/api/v1/ledger/?dry=1", {"item": "tea"})],
    ids=["other-body", "other-query"],
)
def test_same_key_for_another_request_is_422_problem(
    client, tenant, nexus_database_url, path, body
):
    assert _post(client, tenant, "order-3", {"item": "tea"}).status_code == 201
    reused = _post(client, tenant, "order-3", body, path=path)
    assert reused.status_code == 422
    assert reused.headers["content-type"] == "application/problem+json"
    assert reused.json()["type"] == "/problems/idempotency-key-reused"
    assert _effects(nexus_database_url) == 1


def test_keys_are_scoped_per_tenant(client, tenant, nexus_database_url):
    other = make_tenant(nexus_database_url)
    mine = _post(client, tenant, "shared-key", {"item": "tea"})
    theirs = _post(client, other, "shared-key", {"item": "tea"})
    assert mine.status_code == theirs.status_code == 201
    assert "idempotency-replayed" not in theirs.headers
    assert mine.json()["effect"] != theirs.json()["effect"]
    assert _effects(nexus_database_url) == 2


def test_outside_a_tenant_keys_are_scoped_per_principal(client, nexus_database_url):
    first_admin = {"Authorization": f"Bearer {make_platform_key(nexus_database_url)}"}
    second_admin = {"Authorization": f"Bearer {make_platform_key(nexus_database_url)}"}

    def send(headers):
        return client.post(
            "/api/v1/ledger/platform",
            json={"n": 1},
            headers={**headers, "Idempotency-Key": "platform-1"},
        )

    first, replayed, other = send(first_admin), send(first_admin), send(second_admin)
    assert first.status_code == replayed.status_code == other.status_code == 201
    assert replayed.json() == first.json()
    assert replayed.headers["idempotency-replayed"] == "true"
    assert other.json() != first.json()


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/ledger/unavailable", 503),
        ("/api/v1/ledger/explode", 500),
        ("/api/v1/ledger/conflict", 409),
    ],
    ids=["returned-5xx", "raised", "raised-4xx"],
)
def test_a_failed_request_frees_its_key(client, tenant, nexus_database_url, path, status):
    first = _post(client, tenant, "retry-me", None, path=path)
    again = _post(client, tenant, "retry-me", None, path=path)
    assert first.status_code == again.status_code == status
    assert "idempotency-replayed" not in again.headers
    assert _effects(nexus_database_url) == 2


def test_a_request_that_failed_validation_can_be_corrected_under_its_key(client, tenant):
    headers = {**tenant.headers, "Idempotency-Key": "fix-me"}
    invalid = client.put("/api/v1/ledger/tea", json={"item": "tea"}, headers=headers)
    assert invalid.status_code == 422
    fixed = client.put("/api/v1/ledger/tea", json={"item": "tea", "qty": 1}, headers=headers)
    assert fixed.status_code == 200


def test_a_response_too_large_to_keep_frees_its_key(client, tenant, nexus_database_url):
    path = "/api/v1/ledger/big"
    assert _post(client, tenant, "big", None, path=path).status_code == 201
    again = _post(client, tenant, "big", None, path=path)
    assert again.status_code == 201
    assert "idempotency-replayed" not in again.headers
    assert _effects(nexus_database_url) == 2


def test_a_key_expires_after_its_ttl(client, tenant, nexus_database_url):
    assert _post(client, tenant, "order-4", {"item": "tea"}).status_code == 201
    stored = _sql(
        nexus_database_url,
        "select expires_at - created_at from nexus_idempotency_key where key = 'order-4'",
    )
    assert abs(stored[0][0].total_seconds() - Settings().idempotency_ttl_s) < 60
    _sql(nexus_database_url, "update nexus_idempotency_key set expires_at = now()")
    # Expired: the key is free again, even for another body.
    assert _post(client, tenant, "order-4", {"item": "coffee"}).status_code == 201
    assert _effects(nexus_database_url) == 2


def test_an_abandoned_key_is_claimed_again_after_its_lease(client, tenant, nexus_database_url):
    assert _post(client, tenant, "crashed", {"item": "tea"}).status_code == 201
    # As a worker that died mid-request leaves it: no response, lease run out.
    _sql(
        nexus_database_url,
        "update nexus_idempotency_key set status = null, body = null, expires_at = now()",
    )
    again = _post(client, tenant, "crashed", {"item": "tea"})
    assert again.status_code == 201
    assert "idempotency-replayed" not in again.headers
    assert _effects(nexus_database_url) == 2


@pytest.mark.parametrize("wait", [True, False], ids=["first-held-open", "free-running"])
def test_concurrent_identical_requests_have_exactly_one_effect(
    client, tenant, nexus_database_url, wait
):
    GATE.clear()
    barrier = threading.Barrier(20)
    body = {"item": "tea", "wait": wait}

    def send():
        barrier.wait(timeout=30)
        return _post(client, tenant, "together", body)

    responses = []
    with ThreadPoolExecutor(max_workers=20) as pool:
        for done in as_completed([pool.submit(send) for _ in range(20)], timeout=60):
            responses.append(done.result())
            if len(responses) == 19:
                GATE.set()  # the one holding the key may finish now
    originals = [
        r for r in responses if r.status_code == 201 and "idempotency-replayed" not in r.headers
    ]
    replays = [r for r in responses if r.headers.get("idempotency-replayed") == "true"]
    in_flight = [r for r in responses if r.status_code == 409]
    assert len(originals) == 1
    assert len(replays) + len(in_flight) == 19
    assert all(r.json() == originals[0].json() for r in replays)
    assert all(r.json()["type"] == "/problems/idempotency-in-flight" for r in in_flight)
    if wait:
        assert len(in_flight) == 19
    assert _effects(nexus_database_url) == 1
    assert _post(client, tenant, "together", body).json() == originals[0].json()


@pytest.mark.parametrize(
    "key", ["", '""', "k" * 256, "tab\there"], ids=["empty", "empty-quoted", "too-long", "control"]
)
def test_an_invalid_key_is_400_problem(client, tenant, nexus_database_url, key):
    response = _post(client, tenant, key, {"item": "tea"})
    assert response.status_code == 400
    assert response.json()["type"] == "/problems/idempotency-key-invalid"
    assert _effects(nexus_database_url) == 0


def test_non_ascii_key_is_400_problem(client, tenant):
    response = client.post(
        "/api/v1/ledger/",
        json={},
        headers=[*tenant.headers.items(), ("Idempotency-Key", "clé".encode("latin-1"))],
    )
    assert response.status_code == 400


def test_the_key_is_ignored_where_it_does_not_apply(client, tenant, nexus_database_url):
    headers = {**tenant.headers, "Idempotency-Key": "ignored"}
    reads = [client.get("/api/v1/ledger/", headers=headers).json() for _ in range(2)]
    assert reads[0] != reads[1]  # GET is not replayed
    secrets = [client.post("/api/v1/ledger/secret", headers=headers) for _ in range(2)]
    assert secrets[0].json() != secrets[1].json()  # the route opted out
    assert _sql(nexus_database_url, "select count(*) from nexus_idempotency_key")[0][0] == 0


def test_an_oversized_body_is_413_before_the_key_is_claimed(client, tenant, nexus_database_url):
    response = _post(client, tenant, "huge", {"item": "x" * 2048})
    assert response.status_code == 413
    assert response.json()["type"] == "/problems/payload-too-large"
    assert _sql(nexus_database_url, "select count(*) from nexus_idempotency_key")[0][0] == 0


def test_problem_types_document_the_expiry(client):
    reused = client.get("/problems/idempotency-key-reused").json()
    assert reused["status"] == 422
    assert "NEXUS_IDEMPOTENCY_TTL_S" in reused["description"]
    assert client.get("/problems/idempotency-in-flight").json()["status"] == 409


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        (b"abc", "abc"),
        (b'"abc"', "abc"),
        (b'  "a\\"b"  ', 'a"b'),
        (b"with space", "with space"),
        (b"", None),
        (b'""', None),
        (b"x" * 255, "x" * 255),
        (b"x" * 256, None),
        (b"caf\xe9", None),
    ],
    ids=[
        "bare",
        "quoted",
        "escaped",
        "space",
        "empty",
        "empty-quoted",
        "longest",
        "too-long",
        "non-ascii",
    ],
)
def test_parse_idempotency_key(raw, key):
    assert parse_idempotency_key(raw) == key
