"""HTTP conventions every route shares: problem+json for 4xx, body limit, security headers."""

from __future__ import annotations

import datetime as dt
import re

import msgspec
import pytest
from kernel_samples.others import named
from litestar import Litestar, Response, get, post
from litestar.params import JSONBody
from nexus.http import TimeOfDaySchema
from nexus.settings import Settings
from nexus.testing import create_test_client, make_tenant
from nexus_hookspecs import hookimpl

ORDERS = "/api/v1/shop/orders"


class Order(msgspec.Struct):
    item: str
    qty: int


@post("/orders")
async def place(data: JSONBody[Order]) -> Order:
    return data


@get("/cached", sync_to_thread=False)
def cached() -> Response[str]:
    return Response("fresh for a minute", headers={"Cache-Control": "max-age=60"})


def _routes(register):
    register(place)
    register(cached)


shop = named("shop")
shop.nexus_routes = hookimpl(_routes)


@pytest.fixture
def nexus_database_url(nexus_migrated_database):
    """Every test's database starts migrated for its plugins (a template copy)."""
    return nexus_migrated_database([shop])


@pytest.fixture
def client(nexus_database_url):
    settings = Settings(log_level="warning", max_body_bytes=256)
    with create_test_client([shop], database_url=nexus_database_url, settings=settings) as client:
        yield client


@pytest.fixture
def headers(nexus_database_url, client):
    return make_tenant(nexus_database_url).headers


def _assert_problem(response, status: int, slug: str) -> dict:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == f"/problems/{slug}"
    assert problem["status"] == status
    assert problem["request_id"] == response.headers["x-request-id"]
    return problem


@pytest.mark.parametrize(
    "extra", [{}, {"Idempotency-Key": "big-order"}], ids=["plain", "with-idempotency-key"]
)
def test_an_oversized_body_is_413_problem(client, headers, extra):
    body = {"item": "x" * 300, "qty": 1}
    response = client.post(ORDERS, json=body, headers={**headers, **extra})
    _assert_problem(response, 413, "payload-too-large")


def test_a_body_within_the_limit_is_accepted(client, headers):
    response = client.post(ORDERS, json={"item": "tea", "qty": 1}, headers=headers)
    assert response.status_code == 201


def test_a_wrong_method_on_a_route_is_405_problem(client, headers):
    response = client.delete(ORDERS, headers=headers)
    _assert_problem(response, 405, "method-not-allowed")
    assert "POST" in response.headers["allow"]


def test_a_failing_body_is_422_problem_listing_the_fields(client, headers):
    # msgspec stops at the first failing field; the problem lists every one of them.
    response = client.post(ORDERS, json={"item": 7}, headers=headers)
    problem = _assert_problem(response, 422, "validation-error")
    assert [(error["key"], error["source"]) for error in problem["errors"]] == [
        ("item", "body"),
        ("qty", "body"),
    ]
    assert problem["errors"][1]["message"] == "required field is missing"


def test_a_non_json_body_on_a_json_route_is_415_problem(client, headers):
    # The kernel reads a JSON route's body only as application/json (nexus.http.StrictRequest).
    response = client.post(
        ORDERS,
        content=b"item=tea&qty=1",
        headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
    )
    _assert_problem(response, 415, "unsupported-media-type")


@pytest.mark.parametrize(
    ("path", "status", "authenticated"),
    [
        (ORDERS, 405, True),
        ("/api/v1/shop/nothing", 404, True),
        ("/api/v1/shop/cached", 401, False),
        ("/healthz", 200, False),
        ("/problems", 200, False),
        ("/nowhere", 404, False),
    ],
    ids=["api-405", "api-404", "api-401", "healthz", "problems", "404"],
)
def test_every_response_carries_security_headers(client, headers, path, status, authenticated):
    response = client.get(path, headers=headers if authenticated else {})
    assert response.status_code == status
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"
    api = path.startswith("/api/")
    assert (response.headers.get("cache-control") == "no-store") is api


def test_a_handler_keeps_its_own_cache_control(client, headers):
    response = client.get("/api/v1/shop/cached", headers=headers)
    assert response.status_code == 200
    assert response.headers.get_list("cache-control") == ["max-age=60"]
    assert response.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize(
    ("slug", "status"),
    [
        ("payload-too-large", 413),
        ("rate-limited", 429),
        ("idempotency-key-invalid", 400),
        ("idempotency-key-reused", 422),
        ("idempotency-in-flight", 409),
    ],
)
def test_convention_problem_types_are_documented(client, slug, status):
    documented = client.get(f"/problems/{slug}").json()
    assert documented["status"] == status
    assert documented["description"]


def test_each_status_keeps_its_generic_problem_type(client):
    by_status = {}
    for problem in client.get("/problems").json():
        by_status.setdefault(problem["status"], problem["slug"])
    assert by_status[400] == "bad-request"
    assert by_status[409] == "conflict"
    assert by_status[422] == "validation-error"


def test_a_value_the_database_refuses_is_a_422_not_a_500(nexus_database_url):
    # Found by Schemathesis: a NUL character in a query parameter reached PostgreSQL. It is
    # now refused before any handler runs (nexus.http.request_limits), naming the parameter.
    from nexus.testing import create_test_client as _client
    from nexus.testing import make_tenant as _tenant

    with _client([], database_url=nexus_database_url) as client:
        tenant = _tenant(nexus_database_url)
        response = client.get(
            "/api/v1/analytics/events", params={"type": "a\x00b"}, headers=tenant.headers
        )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["key"] == "type"


class _Opening(msgspec.Struct):
    opens: dt.time


@get("/opening", sync_to_thread=False)
def _opening() -> _Opening:
    return _Opening(opens=dt.time(9))


def test_a_time_of_day_is_documented_as_one_and_what_msgspec_writes_matches_it():
    app = Litestar([_opening], plugins=[TimeOfDaySchema()])
    schemas = app.openapi_schema.to_schema()["components"]["schemas"]
    opens = schemas["_Opening"]["properties"]["opens"]
    assert "format" not in opens  # Litestar alone says "duration"
    written = msgspec.json.decode(msgspec.json.encode(_Opening(opens=dt.time(9, 30))))["opens"]
    assert re.fullmatch(opens["pattern"], written)
    assert msgspec.convert({"opens": "17:45:00"}, _Opening).opens == dt.time(17, 45)
