"""Toggles: Support off, or its knowledge base or surveys off, answer 404 like no route."""

from __future__ import annotations

from typing import Any

from support_helpers import API, ok, problem

FORM = {"name": "Ada", "email": "ada@example.com", "subject": "Hello", "body": "Anyone there?"}


def _toggle(client: Any, tenant: Any, key: str, *, enabled: bool) -> None:
    ok(client.put(f"/api/v1/features/{key}", json={"enabled": enabled}, headers=tenant.headers))


def test_the_knowledge_base_off_hides_it_in_and_out(client: Any, tenant: Any) -> None:
    public = f"{API}/public/{tenant.slug}/kb/articles"
    article = {
        "title": "Is anyone there?",
        "body": "We answer within a day.",
        "status": "published",
    }
    ok(client.post(f"{API}/kb/articles", json=article, headers=tenant.headers), 201)
    helped = ok(client.post(f"{API}/public/{tenant.slug}/tickets", json=FORM), 201)
    assert [a["title"] for a in helped["suggested_articles"]] == ["Is anyone there?"]
    _toggle(client, tenant, "support.kb", enabled=False)
    problem(client.get(public), 404)
    problem(client.get(f"{API}/kb/articles", headers=tenant.headers), 404)
    opened = ok(client.post(f"{API}/public/{tenant.slug}/tickets", json=FORM), 201)
    assert opened["suggested_articles"] == []  # the form stays, without suggestions
    _toggle(client, tenant, "support.kb", enabled=True)
    ok(client.get(public))


def test_support_off_closes_its_public_routes(client: Any, tenant: Any, other: Any) -> None:
    _toggle(client, tenant, "support", enabled=False)
    problem(client.post(f"{API}/public/{tenant.slug}/tickets", json=FORM), 404)
    problem(client.get(f"{API}/public/{tenant.slug}/kb/articles"), 404)
    problem(client.get(f"{API}/tickets", headers=tenant.headers), 404)
    ok(client.get(f"{API}/public/{other.slug}/kb/articles"))  # another tenant is unaffected
    _toggle(client, tenant, "support", enabled=True)
    ok(client.post(f"{API}/public/{tenant.slug}/tickets", json=FORM), 201)
