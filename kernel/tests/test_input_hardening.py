"""Input of any shape gets a problem, never a 500: bodies, media types, text, headers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

import msgspec
import pytest
from kernel_samples.others import named
from litestar import get, post
from litestar.params import FromQuery, JSONBody
from nexus.settings import Settings
from nexus.testing import create_test_client, make_tenant
from nexus_hookspecs import Permission, hookimpl
from nexus_hookspecs.http import Multiline, route_opt

TOKEN = "/api/v1/auth/token"
NOTES = "/api/v1/intake/notes"


class Note(msgspec.Struct, kw_only=True):
    """Deliberately without ``forbid_unknown_fields``: the kernel refuses them anyway."""

    name: Annotated[str, msgspec.Meta(max_length=200)]
    body: Annotated[Multiline, msgspec.Meta(max_length=2000)] = ""
    pinned: bool = False
    size: int = 0


@post("/notes", opt=route_opt(permission="intake.notes:write"))
async def add_note(data: JSONBody[Note]) -> Note:
    return data


@get("/notes/search", sync_to_thread=False, opt=route_opt(permission="intake.notes:read"))
def search(q: FromQuery[str] = "") -> dict[str, str]:
    return {"q": q}


def _routes(register):
    register(add_note)
    register(search)


intake = named(
    "intake",
    hookspecs=">=0.1.1,<0.2",  # built on the kit: plain text is one line
    permissions=[Permission(key="intake.notes:read"), Permission(key="intake.notes:write")],
)
intake.nexus_routes = hookimpl(_routes)


@pytest.fixture
def nexus_database_url(nexus_migrated_database):
    """Every test's database starts migrated for its plugins (a template copy)."""
    return nexus_migrated_database([intake])


@pytest.fixture
def client(nexus_database_url):
    settings = Settings(log_level="warning", max_header_bytes=4096)
    with create_test_client([intake], database_url=nexus_database_url, settings=settings) as client:
        yield client


@pytest.fixture
def headers(nexus_database_url, client):
    return make_tenant(nexus_database_url).headers


def _problem(response, status: int, slug: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == f"/problems/{slug}"
    return problem


def _keys(problem: dict) -> list[str]:
    return [error["key"] for error in problem.get("errors", [])]


JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 1000 + b"]" * 1000,
        b'{"grant_type": ' + b"[" * 100_000,
        b'{"grant_type": "api_key", "api_key": "\xff\xfe"}',
        b"\xc3\x28",
        b"{",
        b'{"grant_type": "password"} trailing',
    ],
    ids=[
        "nested-1000",
        "nested-100000",
        "invalid-utf8-string",
        "invalid-utf8",
        "truncated",
        "trailing",
    ],
)
def test_a_body_that_does_not_decode_is_400_problem_on_the_public_token_route(client, body):
    response = client.post(TOKEN, content=body, headers=JSON)
    problem = _problem(response, 400, "bad-request")
    assert "JSON" in problem["detail"]


def test_a_body_that_does_not_decode_is_400_problem_on_a_plugin_route(client, headers):
    response = client.post(NOTES, content=b"[" * 5000, headers={**headers, **JSON})
    _problem(response, 400, "bad-request")


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", None],
    ids=["text-plain", "form", "missing"],
)
def test_a_json_route_refuses_another_media_type_with_415(client, headers, content_type):
    sent = {**headers} if content_type is None else {**headers, "Content-Type": content_type}
    response = client.post(NOTES, content=b'{"name": "a"}', headers=sent)
    _problem(response, 415, "unsupported-media-type")


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/json; charset=utf-8", "application/merge-patch+json"],
)
def test_json_media_types_are_accepted(client, headers, content_type):
    response = client.post(
        NOTES, content=b'{"name": "a"}', headers={**headers, "Content-Type": content_type}
    )
    assert response.status_code == 201, response.text


def test_an_unknown_body_field_is_422_naming_it_even_without_forbid_unknown_fields(client, headers):
    response = client.post(
        NOTES,
        json={"name": "a", "tenant_id": "00000000-0000-0000-0000-000000000000"},
        headers=headers,
    )
    problem = _problem(response, 422, "validation-error")
    assert _keys(problem) == ["tenant_id"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("pinned", 0), ("pinned", "true"), ("size", "5"), ("size", True), ("name", 5)],
    ids=["bool-from-0", "bool-from-text", "int-from-text", "int-from-bool", "text-from-int"],
)
def test_body_values_are_decoded_strictly(client, headers, field, value):
    body = {"name": "a", field: value}
    response = client.post(NOTES, json=body, headers=headers)
    problem = _problem(response, 422, "validation-error")
    assert _keys(problem) == [field]


@pytest.mark.parametrize(
    "name",
    [
        "a\x00b",
        "a\x07b",
        "line\nbreak",
        "tab\there",
        "evil\u202etxt.exe",
        "iso\u2066late",
        "del\x7f",
    ],
    ids=["nul", "bell", "newline", "tab", "rlo", "lri", "del"],
)
def test_control_and_bidi_characters_in_a_single_line_field_are_422(client, headers, name):
    response = client.post(NOTES, json={"name": name}, headers=headers)
    problem = _problem(response, 422, "validation-error")
    assert _keys(problem) == ["name"]


def test_a_multiline_field_takes_newlines_and_tabs_but_no_other_controls(client, headers):
    fine = client.post(NOTES, json={"name": "a", "body": "one\n\ttwo\r\n"}, headers=headers)
    assert fine.status_code == 201, fine.text
    refused = client.post(NOTES, json={"name": "a", "body": "bad\x00\u202d"}, headers=headers)
    assert _keys(_problem(refused, 422, "validation-error")) == ["body"]


@pytest.mark.parametrize(
    "expires_at",
    [0, 1, "1970-01-01T00:00:00Z", "2020-01-01T00:00:00Z", "2999-01-01T00:00:00", "tomorrow"],
    ids=["zero", "number", "epoch", "past", "no-offset", "not-a-date"],
)
def test_an_api_key_refuses_a_past_or_malformed_expiry(client, headers, expires_at):
    response = client.post(
        "/api/v1/api-keys", json={"name": "k", "expires_at": expires_at}, headers=headers
    )
    assert _keys(_problem(response, 422, "validation-error")) == ["expires_at"]


def test_an_api_key_takes_a_future_rfc3339_expiry(client, headers):
    later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    response = client.post(
        "/api/v1/api-keys", json={"name": "k", "expires_at": later}, headers=headers
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("query", ["q=a%00b", "q=%00", "a%00=1"], ids=["value", "only-nul", "name"])
def test_a_nul_in_the_query_string_is_422_naming_the_parameter(client, headers, query):
    response = client.get(f"{NOTES}/search?{query}", headers=headers)
    problem = _problem(response, 422, "validation-error")
    assert problem["errors"][0]["source"] == "query"


def test_a_header_past_the_limit_is_431_before_authentication(client):
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer " + "a" * 5000})
    _problem(response, 431, "request-header-fields-too-large")
    assert response.headers["x-request-id"]


def test_headers_past_the_total_limit_are_431(client):
    many = {f"x-filler-{n}": "b" * 1000 for n in range(40)}
    response = client.get("/healthz", headers=many)
    _problem(response, 431, "request-header-fields-too-large")


def test_a_header_within_the_limit_is_parsed(client, headers):
    response = client.get("/api/v1/me", headers={**headers, "x-filler": "c" * 3000})
    assert response.status_code == 200


def test_a_bad_token_gets_401_without_the_libraries_words(client):
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer abc.def.ghi"})
    problem = _problem(response, 401, "unauthorized")
    assert problem["detail"] == "invalid token"


def test_a_plugin_built_for_the_0_1_0_contract_keeps_line_breaks_in_plain_text(
    nexus_migrated_database,
):
    # That contract had no Multiline type: its notes were plain str. Other controls and bidi
    # overrides are refused there too.
    from kernel_samples import memos

    url = nexus_migrated_database([memos])
    with create_test_client([memos], database_url=url) as client:
        headers = make_tenant(url).headers
        kept = client.post(
            "/api/v1/memos/", json={"title": "t", "body": 'x,"y"\n\tz'}, headers=headers
        )
        assert kept.status_code == 201, kept.text
        refused = client.post(
            "/api/v1/memos/", json={"title": "t\u202e", "body": "a\x00"}, headers=headers
        )
        assert _keys(_problem(refused, 422, "validation-error")) == ["title", "body"]
