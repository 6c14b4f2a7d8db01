"""The Slides routes without collab loaded: what they check before asking it, and the 409."""

from __future__ import annotations

import nexus_slides
from nexus.testing import load_test_plugins, make_tenant, plugin_findings

DECKS = "/api/v1/slides/decks"


def test_the_doctor_finds_nothing():
    assert plugin_findings(load_test_plugins([nexus_slides])) == []


def test_without_collab_creating_a_deck_answers_409_naming_it(client, tenant):
    answer = client.post(DECKS, json={"name": "Q4 review"}, headers=tenant.headers)
    assert answer.status_code == 409, answer.text
    assert answer.json()["blocking"] == ["collab"]


def test_a_bad_slide_size_answers_422_naming_it(client, tenant):
    answer = client.post(DECKS, json={"name": "Q4", "width": 10}, headers=tenant.headers)
    assert answer.status_code == 422
    assert "width" in answer.text


def test_an_import_that_is_not_pptx_answers_422_or_415(client, tenant):
    bad = client.post(
        f"{DECKS}/import?name=x",
        content=b"not a zip",
        headers={**tenant.headers, "Content-Type": "application/octet-stream"},
    )
    assert bad.status_code == 422 and "not a PPTX" in bad.text
    other = client.post(
        f"{DECKS}/import?name=x",
        content=b"{}",
        headers={**tenant.headers, "Content-Type": "application/json"},
    )
    assert other.status_code == 415


def test_a_key_without_the_write_scope_cannot_create(client, slides_db):
    reader = make_tenant(slides_db, scopes=("slides.decks:read",))
    answer = client.post(DECKS, json={"name": "Q4"}, headers=reader.headers)
    assert answer.status_code == 403
