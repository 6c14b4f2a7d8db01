"""The console's own routes: the page, its assets, their types and security policy."""

from __future__ import annotations

import re

import pytest
from kernel_samples import hello
from nexus.console import CONSOLE_CSP
from nexus.testing import create_test_client, temporary_database

ASSETS = {
    "/console/assets/base.css": "text/css",
    "/console/assets/js/main.js": "text/javascript",
    "/console/assets/js/api.js": "text/javascript",
    "/console/assets/js/ui.js": "text/javascript",
    "/console/assets/js/schema.js": "text/javascript",
    "/console/assets/js/tenant.js": "text/javascript",
    "/console/assets/js/settings.js": "text/javascript",
    "/console/assets/js/operator.js": "text/javascript",
    "/console/assets/js/tokens.js": "text/javascript",
}


@pytest.fixture(scope="module")
def client(nexus_postgres_server):
    # One kernel for the module: these tests only read static files.
    with (
        temporary_database(nexus_postgres_server) as url,
        create_test_client([hello], database_url=url) as client,
    ):
        yield client


@pytest.mark.parametrize("path", ["/console", "/console/"])
def test_console_page_is_served_without_credentials(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-security-policy"] == CONSOLE_CSP
    assert response.headers["x-frame-options"] == "DENY"
    assert "<title>Nexus console</title>" in response.text


@pytest.mark.parametrize("path", sorted(ASSETS), ids=lambda p: p.rsplit("/", 1)[-1])
def test_console_assets_have_their_content_types(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == ASSETS[path]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"] == CONSOLE_CSP


def test_every_asset_the_page_and_modules_load_is_served(client):
    page = client.get("/console").text
    referenced = set(re.findall(r'(?:src|href)="(/console/assets/[^"]+)"', page))
    for path in ASSETS:
        if path.endswith(".js"):
            body = client.get(path).text
            referenced |= {
                "/console/assets/js/" + name for name in re.findall(r'from "\./([a-z]+\.js)"', body)
            }
    assert referenced == set(ASSETS)


def test_page_obeys_its_own_policy(client):
    """No inline script, style or event handler, no other origin: the CSP allows only 'self'."""
    page = client.get("/console").text
    assert "'unsafe-inline'" not in CONSOLE_CSP
    assert "script-src 'self'" in CONSOLE_CSP
    assert "connect-src 'self'" in CONSOLE_CSP
    assert not re.search(r"<script(?![^>]*\bsrc=)", page), "inline script"
    assert "<style" not in page
    assert not re.search(r"\son[a-z]+=", page), "inline event handler"
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page), "asset from another origin"
    for path in ASSETS:
        body = client.get(path).text
        assert "http://" not in body and "https://" not in body, path
        assert ".innerHTML" not in body, path


@pytest.mark.parametrize(
    "path",
    ["/console/assets/missing.js", "/console/assets/../app.py", "/console/assets/__init__.py"],
)
def test_unknown_assets_are_404(client, path):
    assert client.get(path).status_code == 404


def test_console_is_not_in_the_api_document(client):
    paths = client.get("/schema/openapi.json").json()["paths"]
    assert not [path for path in paths if path.startswith("/console")]
