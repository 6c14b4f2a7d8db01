"""The HTTP kit: cursors, keyset pages over real PostgreSQL, problems, options, events."""

from __future__ import annotations

import asyncio
import base64
from decimal import Decimal
from uuid import UUID

import asyncpg
import msgspec
import pytest
from litestar import Litestar, Response, get
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from nexus_hookspecs import CloudEvent, EventType, Manifest, new_id
from nexus_hookspecs.http import (
    BY_ID,
    FieldErrors,
    Keyset,
    after_id,
    conflict,
    content_disposition,
    field_errors,
    file_operation,
    invalid,
    not_found,
    page_of,
    route_opt,
)

BY_NAME = Keyset("name", keys=(("lower(q.name)", "text"),))


def _refusal(exc: pytest.ExceptionInfo[ValidationException]) -> list[dict[str, str]]:
    assert isinstance(exc.value.extra, list)
    return exc.value.extra


def test_a_creation_order_cursor_round_trips():
    last = new_id()
    page = page_of([{"id": new_id()}, {"id": last}, {"id": new_id()}], 2)
    assert page.next_cursor is not None
    assert after_id(page.next_cursor) == last
    assert after_id(None) is None


def test_the_last_page_has_no_cursor():
    assert page_of([{"id": new_id()}], 2).next_cursor is None


@pytest.mark.parametrize(
    "cursor",
    [
        "not-base64!",
        base64.urlsafe_b64encode(b"[1,2]").decode(),
        base64.urlsafe_b64encode(new_id().bytes).decode().rstrip("="),
        BY_NAME.encode(["ada"], new_id()),
    ],
    ids=["garbage", "wrong-shape", "bare-uuid", "another-order"],
)
def test_a_cursor_not_of_this_list_is_422_naming_cursor(cursor):
    with pytest.raises(ValidationException) as exc:
        after_id(cursor)
    assert _refusal(exc) == [
        {"key": "cursor", "message": "not a cursor of this list", "source": "query"}
    ]


def test_a_sorted_cursor_names_its_order_when_refused():
    with pytest.raises(ValidationException) as exc:
        BY_NAME.decode(BY_ID.encode((), new_id()))
    assert _refusal(exc)[0]["message"] == "not a cursor of this list sorted by name"


def test_keyset_pages_walk_every_row_once_in_order(nexus_database_url):
    names = ["delta", "Alpha", "charlie", "bravo", "alpha", "Echo", "foxtrot"]

    async def walk() -> list[str]:
        conn = await asyncpg.connect(nexus_database_url)
        try:
            await conn.execute("create temporary table person (id uuid primary key, name text)")
            for name in names:
                await conn.execute("insert into person values ($1, $2)", new_id(), name)
            seen: list[str] = []
            cursor = None
            while True:
                args: list[object] = []
                sql = BY_NAME.sql("select id, name from person", args, cursor, 3)
                page = BY_NAME.page(await conn.fetch(sql, *args), 3, lambda row: row["name"])
                assert len(page.items) <= 3
                seen.extend(page.items)
                cursor = page.next_cursor
                if cursor is None:
                    return seen
        finally:
            await conn.close()

    seen = asyncio.run(walk())
    assert [name.lower() for name in seen] == sorted(name.lower() for name in names)
    assert sorted(seen) == sorted(names)


class Line(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    account: str
    debit: Decimal


class Entry(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    memo: str
    lines: list[Line]
    posted: bool = False


def test_field_errors_lists_every_failing_field_nested_included():
    body = {"memo": 7, "lines": [{"account": "1000", "debit": "x"}, {"debit": "1"}], "tenant_id": 1}
    errors = [(e.key, e.message) for e in field_errors(body, Entry)]
    assert errors == [
        ("tenant_id", "unknown field"),
        ("memo", "Expected `str`, got `int`"),
        ("lines[0].debit", "Invalid decimal string"),
        ("lines[1].account", "required field is missing"),
    ]


def test_field_errors_is_empty_for_a_valid_body():
    assert field_errors({"memo": "m", "lines": []}, Entry) == []


def test_field_errors_of_a_non_object_body_names_the_whole_body():
    assert [e.key for e in field_errors([1], Entry)] == ["$"]


def test_problem_helpers_always_raise():
    with pytest.raises(NotFoundException):
        not_found()
    with pytest.raises(HTTPException) as exc:
        conflict("the period is closed", period="2026-01")
    assert exc.value.status_code == 409
    assert exc.value.extra == {"period": "2026-01"}
    with pytest.raises(ValidationException) as invalid_exc:
        invalid("qty", "must be more than zero")
    assert _refusal(invalid_exc) == [
        {"key": "qty", "message": "must be more than zero", "source": "body"}
    ]


def test_field_errors_collector_refuses_once_with_all_fields():
    errors = FieldErrors()
    errors.raise_if_any()  # nothing recorded: no refusal
    errors.add("starts_on", "must be a date")
    errors.add("limit", "too large", source="query")
    with pytest.raises(ValidationException) as exc:
        errors.raise_if_any()
    assert [(e["key"], e["source"]) for e in _refusal(exc)] == [
        ("starts_on", "body"),
        ("limit", "query"),
    ]


def test_route_opt_is_what_the_kernel_gate_reads():
    assert route_opt() == {}
    assert route_opt(permission="crm.deals:write", feature="crm.deals", access="public") == {
        "permission": "crm.deals:write",
        "feature": "crm.deals",
        "nexus_access": "public",
    }


def test_an_encoded_cloud_event_always_carries_its_required_attributes():
    event = CloudEvent(
        id=str(new_id()),
        source="/nexus/crm",
        type="crm.deal.won.v1",
        time="2026-12-06T00:00:00Z",  # type: ignore[arg-type]
        tenantid=str(new_id()),
    )
    encoded = msgspec.json.decode(msgspec.json.encode(event))
    assert encoded["specversion"] == "1.0"
    assert encoded["datacontenttype"] == "application/json"
    assert {"id", "source", "type"} <= encoded.keys()
    assert "subject" not in encoded


def test_new_ids_are_time_ordered():
    ids = [new_id() for _ in range(50)]
    assert ids == sorted(ids)
    assert all(isinstance(i, UUID) and i.version == 7 for i in ids)


def test_manifest_events_accept_declared_types_and_bare_names():
    class Won(msgspec.Struct):
        id: UUID

    manifest = Manifest(
        name="crm",
        version="1",
        title="CRM",
        events=("crm.deal.lost.v1", EventType(type="crm.deal.won.v1", payload=Won)),
    )
    assert manifest.event_names() == ("crm.deal.lost.v1", "crm.deal.won.v1")
    assert [e.payload for e in manifest.event_types()] == [None, Won]


def test_content_disposition_sends_any_name_with_an_ascii_fallback():
    value = content_disposition('Plan "Q4" – Übersicht.pdf')
    value.encode("latin-1")  # a header must be Latin-1 on the wire
    assert value.startswith('attachment; filename="Plan _Q4_ _ _bersicht.pdf"; ')
    assert value.endswith("filename*=UTF-8''Plan%20%22Q4%22%20%E2%80%93%20%C3%9Cbersicht.pdf")
    assert content_disposition("報告").startswith('attachment; filename="__"')
    assert content_disposition("   ").startswith('attachment; filename="download"')


def test_file_operation_describes_each_media_type_with_or_without_json():
    @get(
        "/files",
        operation_class=file_operation("text/csv", "application/pdf"),
        sync_to_thread=False,
    )
    def files() -> Response[bytes]:
        return Response(b"")

    @get(
        "/report", operation_class=file_operation("text/csv", keep_json=True), sync_to_thread=False
    )
    def report() -> dict[str, int]:
        return {}

    schema = Litestar([files, report]).openapi_schema.to_schema()
    paths = schema["paths"]
    files_ok = paths["/files"]["get"]["responses"]["200"]["content"]
    assert set(files_ok) == {"text/csv", "application/pdf"}
    assert files_ok["application/pdf"]["schema"] == {"type": "string", "format": "binary"}
    report_ok = paths["/report"]["get"]["responses"]["200"]["content"]
    assert set(report_ok) == {"application/json", "text/csv"}
