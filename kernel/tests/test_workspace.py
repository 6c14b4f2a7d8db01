"""The workspace's server side: ``nexus_ui`` declarations collected, and the navigation
endpoint giving each caller only the enabled plugins' routes it may call."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from kernel_samples.others import plugin
from litestar import get, post
from nexus.testing import create_test_client, make_tenant
from nexus.workspace import WORKSPACE_CSP
from nexus_hookspecs import Manifest, Permission, UiAction, UiCard, UiEditor, UiResource

PASSWORD = "correct horse battery"


@get("/cards", opt={"permission": "deck.cards:read"})
async def list_cards() -> dict[str, Any]:
    return {"items": [], "next_cursor": None}


@post("/cards", opt={"permission": "deck.cards:write"})
async def add_card() -> dict[str, Any]:
    return {}


def _deck_ui(register: Any) -> None:
    register(
        UiResource(
            path="/api/v1/deck/cards",
            label="Cards",
            actions=(UiAction(label="Shuffle", path="/api/v1/deck/cards", confirm="Sure?"),),
            editor=UiEditor(kind="slides", id_field="file_id"),
        )
    )
    register(UiCard(label="Cards", path="/api/v1/deck/cards", value="items"))
    register("not a declaration")


def _broken_ui(register: Any) -> None:
    raise RuntimeError("boom")


DECK = plugin(
    Manifest(
        name="deck",
        version="1.0.0",
        title="Deck",
        hookspecs=">=0.1.7,<0.2",
        permissions=(
            Permission(key="deck.cards:read", roles=("tenant_admin", "member")),
            Permission(key="deck.cards:write", roles=("tenant_admin",)),
        ),
    ),
    nexus_routes=lambda register: [register(handler) for handler in (list_cards, add_card)],
    nexus_ui=_deck_ui,
)
BROKEN = plugin(
    Manifest(name="broken", version="1.0.0", title="Broken", hookspecs=">=0.1,<0.2"),
    nexus_ui=_broken_ui,
)


def _token(client: Any, email: str) -> dict[str, str]:
    answer = client.post(
        "/api/v1/auth/token",
        json={"grant_type": "password", "tenant": "acme", "email": email, "password": PASSWORD},
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_navigation_is_enabled_plugins_and_held_permissions(nexus_database_url: str) -> None:
    with create_test_client([DECK, BROKEN], database_url=nexus_database_url) as client:
        make_tenant(
            nexus_database_url,
            slug="acme",
            users=(
                {
                    "email": "a@acme.example",
                    "name": "A",
                    "roles": ["tenant_admin"],
                    "password": PASSWORD,
                },
                {"email": "m@acme.example", "name": "M", "roles": ["member"], "password": PASSWORD},
            ),
        )
        admin = client.get("/api/v1/workspace/navigation", headers=_token(client, "a@acme.example"))
        assert admin.status_code == 200, admin.text
        body = admin.json()
        ops = {(op["method"], op["path"]) for op in body["operations"]}
        assert {("GET", "/api/v1/deck/cards"), ("POST", "/api/v1/deck/cards")} <= ops
        assert [p["name"] for p in body["plugins"]] == ["broken", "deck"]
        kinds = [(d["plugin"], d["kind"], d["label"]) for d in body["ui"]]
        # The broken plugin's hook and the stray registration are left out, nothing else.
        assert kinds == [("deck", "UiResource", "Cards"), ("deck", "UiCard", "Cards")]
        assert body["ui"][0]["actions"][0]["confirm"] == "Sure?"
        assert body["ui"][0]["editor"] == {"kind": "slides", "id_field": "file_id"}

        member = _token(client, "m@acme.example")
        ops = {
            (op["method"], op["path"])
            for op in client.get("/api/v1/workspace/navigation", headers=member).json()[
                "operations"
            ]
        }
        assert ("GET", "/api/v1/deck/cards") in ops
        assert ("POST", "/api/v1/deck/cards") not in ops

        off = client.put(
            "/api/v1/features/deck",
            headers=_token(client, "a@acme.example"),
            json={"enabled": False, "reason": "test"},
        )
        assert off.status_code == 200, off.text
        after = client.get("/api/v1/workspace/navigation", headers=member).json()
        assert not [op for op in after["operations"] if op["plugin"] == "deck"]
        assert after["ui"] == []
        assert client.get("/api/v1/workspace/navigation").status_code == 401


def test_the_shell_is_served_with_a_strict_policy(nexus_database_url: str) -> None:
    with create_test_client([DECK], database_url=nexus_database_url) as client:
        for path in ("/app", "/app/", "/app/crm/contacts"):
            page = client.get(path)
            assert page.status_code == 200
            assert 'src="/app/assets/js/main.js"' in page.text
            assert "script-src 'self'" in page.headers["content-security-policy"]
        worker = client.get("/app/sw.js")
        assert worker.headers["content-type"].startswith("text/javascript")
        manifest = client.get("/app/manifest.webmanifest")
        assert manifest.json()["start_url"] == "/app/"
        english = client.get("/app/assets/locales/en.json").json()
        french = client.get("/app/assets/locales/fr.json").json()
        assert set(english) == set(french)
        assert client.get("/app/assets/nothing.js").status_code == 404
        # Every file the service worker caches exists.
        shell = worker.text.split("const SHELL = [", 1)[1].split("];", 1)[0]
        for cached in re.findall(r'"([^"]+)"', shell):
            assert client.get(cached).status_code == 200, cached


def test_the_editors_and_their_bundle_are_the_workspaces_own_files(
    nexus_database_url: str,
) -> None:
    with create_test_client([DECK], database_url=nexus_database_url) as client:
        bundle = client.get("/app/assets/vendor/editors.js")
        assert bundle.status_code == 200
        assert bundle.headers["content-type"].startswith("text/javascript")
        assert bundle.headers["content-security-policy"] == WORKSPACE_CSP
        assert bundle.text.startswith("/*! nexus workspace editors: lock sha256 ")
        assert "Tiptap GmbH" in client.get("/app/assets/vendor/editors.LICENSES.txt").text
        # Every module the workspace imports, statically or when an editor opens, is served.
        pending = ["/app/assets/js/main.js"]
        seen: set[str] = set()
        while pending:
            path = pending.pop()
            if path in seen:
                continue
            seen.add(path)
            answer = client.get(path)
            assert answer.status_code == 200, path
            if path.endswith("editors.js") and "/vendor/" in path:
                continue  # the bundle imports nothing
            for name in re.findall(r'(?:from |import\()"(\.\.?/[\w./]+\.js)"', answer.text):
                pending.append(str(PurePosixPath(path).parent / name).replace("/js/../", "/"))
        assert {
            "/app/assets/js/writer.js",
            "/app/assets/js/sheets.js",
            "/app/assets/js/slides.js",
            "/app/assets/vendor/editors.js",
        } <= seen
