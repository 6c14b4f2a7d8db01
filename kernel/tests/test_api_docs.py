"""The API docs under /schema load nothing from another origin and carry a strict policy."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from kernel_samples import hello
from nexus.testing import create_test_client

# Every viewer Litestar knows, at its usual path: those Nexus serves must be clean, the
# others must not be served at all.
PAGES = (
    "/schema",
    "/schema/",
    "/schema/swagger",
    "/schema/redoc",
    "/schema/elements",
    "/schema/rapidoc",
    "/schema/scalar",
)
SERVED = ("/schema", "/schema/swagger")
_URL = re.compile(r"""https?://[^\s"'<>)]+""")


class _Page(HTMLParser):
    """The URLs a page makes the browser load, and its inline scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.references: list[str] = []
        self.inline: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("src", "href"):
            if values.get(name):
                self.references.append(str(values[name]))
        if "style" in values:
            self.inline.append(f"style attribute on <{tag}>")
        if any(name.startswith("on") for name in values):
            self.inline.append(f"event handler on <{tag}>")
        self._in = tag if tag in ("script", "style") else None

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in and data.strip():
            self.inline.append(f"inline <{self._in}>: {data.strip()[:80]}")


@pytest.fixture
def client(nexus_migrated_database):
    with create_test_client([hello], database_url=nexus_migrated_database([hello])) as c:
        yield c


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def test_docs_pages_load_nothing_from_another_origin(client):
    for path in PAGES:
        _check_page(client, path)


def _check_page(client, path):
    response = client.get(path)
    if path.rstrip("/") in SERVED:
        assert response.status_code == 200, response.text
    if response.status_code != 200 or "html" not in response.headers["content-type"]:
        assert path.rstrip("/") not in SERVED
        return
    page = _parse(response.text)
    server = urlsplit(str(client.base_url)).netloc
    foreign = [url for url in _URL.findall(response.text) if urlsplit(url).netloc != server]
    assert foreign == [], f"{path} refers to another origin"
    assert page.inline == [], f"{path} has inline code the policy would have to allow"
    assert page.references, f"{path} loads no asset: is it Swagger UI at all?"
    for reference in page.references:
        url = urljoin(f"{client.base_url}{path}", reference)
        assert urlsplit(url).netloc == server, reference
        asset = client.get(urlsplit(url).path)
        assert asset.status_code == 200, f"{reference}: {asset.status_code}"
        assert asset.content, reference


def test_docs_pages_carry_a_strict_content_security_policy(client):
    for path in (*SERVED, "/schema/openapi.json", "/schema/openapi.yaml"):
        _check_policy(client, path)


def _check_policy(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    policy = {
        directive.split()[0]: directive.split()[1:]
        for directive in response.headers["content-security-policy"].split(";")
        if directive.strip()
    }
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no inline script, no eval, no CDN
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy.get("style-src", [])


def test_swagger_ui_is_served_from_the_wheel_with_the_bootstrap(client):
    page = _parse(client.get("/schema/swagger").text)
    scripts = [r for r in page.references if r.endswith(".js")]
    assert [s.rsplit("/", 1)[-1] for s in scripts] == ["swagger-ui-bundle.js", "swagger-init.js"]
    bundle = client.get(scripts[0])
    assert bundle.headers["content-type"].startswith("text/javascript")
    assert b"SwaggerUIBundle" in bundle.content
    bootstrap = client.get(scripts[1]).text
    assert "/schema/openapi.json" in client.get("/schema/swagger").text
    assert "data-spec-url" in bootstrap
    assert client.get("/schema/assets/nope.js").status_code == 404
    assert client.get("/schema/assets/swagger-editor-bundle.js").status_code == 404
