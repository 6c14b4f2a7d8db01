"""The knowledge base: PostgreSQL full-text search, public reading, suggestions."""

from __future__ import annotations

from typing import Any

from support_helpers import API, get, ok, post, problem, ticket

ARTICLES = (
    ("Resetting your password", "Open the sign-in page and choose Forgot password."),
    ("Exporting invoices", "Invoices export to CSV from the billing page; passwords stay private."),
    ("Two-factor sign-in", "Scan the QR code with an authenticator app to sign in safely."),
)


def _write(client: Any, tenant: Any) -> list[dict[str, Any]]:
    category = post(client, tenant, "/kb/categories", {"name": "Accounts"})
    written = [
        post(
            client,
            tenant,
            "/kb/articles",
            {"title": title, "body": body, "category_id": category["id"], "status": "published"},
        )
        for title, body in ARTICLES
    ]
    written.append(
        post(client, tenant, "/kb/articles", {"title": "Password policy draft", "body": "WIP"})
    )
    return written


def test_search_ranks_title_matches_first_and_reads_web_syntax(client: Any, tenant: Any) -> None:
    reset, export, two_factor, draft = _write(client, tenant)
    hits = get(client, tenant, "/kb/articles/search", q="password")
    # Stemmed ("passwords" matches), the title weighing more than the body; drafts included.
    assert [h["id"] for h in hits][:2] == sorted(
        [reset["id"], draft["id"]], key=lambda i: [h["id"] for h in hits].index(i)
    )
    assert {h["id"] for h in hits} == {reset["id"], export["id"], draft["id"]}
    assert "«" in next(h for h in hits if h["id"] == export["id"])["excerpt"]
    phrase = get(client, tenant, "/kb/articles/search", q='"sign in" -password')
    assert [h["id"] for h in phrase] == [two_factor["id"]]
    assert get(client, tenant, "/kb/articles/search", q="kubernetes") == []
    problem(client.get(f"{API}/kb/articles/search", headers=tenant.headers), 422)


def test_the_public_reads_published_articles_only(client: Any, tenant: Any, other: Any) -> None:
    reset, _, _, draft = _write(client, tenant)
    public = f"{API}/public/{tenant.slug}/kb/articles"
    listed = ok(client.get(public))["items"]
    assert {a["title"] for a in listed} == {title for title, _ in ARTICLES}
    assert ok(client.get(f"{public}/{reset['id']}"))["title"] == reset["title"]
    problem(client.get(f"{public}/{draft['id']}"), 404)
    found = ok(client.get(f"{public}/search", params={"q": "password"}))
    assert draft["id"] not in {h["id"] for h in found} and reset["id"] in {h["id"] for h in found}
    # Another tenant's slug shows its own (empty) knowledge base; an unknown slug is 404.
    assert ok(client.get(f"{API}/public/{other.slug}/kb/articles"))["items"] == []
    problem(client.get(f"{API}/public/{other.slug}/kb/articles/{reset['id']}"), 404)
    problem(client.get(f"{API}/public/no-such-tenant/kb/articles"), 404)
    ok(
        client.patch(
            f"{API}/kb/articles/{reset['id']}", json={"status": "draft"}, headers=tenant.headers
        )
    )
    problem(client.get(f"{public}/{reset['id']}"), 404)


def test_a_new_ticket_gets_suggested_articles(client: Any, tenant: Any) -> None:
    reset, *_ = _write(client, tenant)
    opened = ticket(
        client, tenant, subject="Forgot my password", body="I cannot remember it, help!"
    )
    suggested = get(client, tenant, f"/tickets/{opened['id']}/suggestions")
    assert suggested[0]["id"] == reset["id"]
    assert all(s["title"] != "Password policy draft" for s in suggested)
