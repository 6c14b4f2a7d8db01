"""The isolation contract, over every route of every plugin, with no per-plugin code.

The app is built with every installed plugin (entry points, honouring ``NEXUS_PLUGINS``) and
the kernel's tenant-owned sample plugin ``memos``. Its routes are read from the app itself:

- a *collection* is a plugin route without path parameters that answers ``POST``;
- an *item* route is the collection's path plus one path parameter (``/{memo_id}``);
- a *list* is any plugin ``GET`` route without path parameters.

Tenant A creates a resource through each collection with the manifest's
``example_payloads`` (``"POST /"``, ``"PUT /{memo_id}"``, ``"PATCH /{memo_id}"``, keyed by the
path below the plugin's prefix). Tenant B's credentials must then get exactly what a missing
resource gets, 404, on every method of A's item, must never see A's ids in any list, and A's
resource must be unchanged. A body carrying ``"tenant_id": <B>`` is refused or ignored.

Every route that is not public names a permission, reads included (the kernel refuses to
mount one that does not). A key of the tenant without it — no roles and no scopes, or an
admin key scoped to an unrelated permission — gets 403 on every route, and an admin key
scoped to exactly the route's permission is let through (its answer may be 404 or 422, never
403). A new plugin is covered as soon as it is installed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest
from kernel_samples import memos
from litestar.routes import HTTPRoute
from nexus.app import create_app
from nexus.identity import ApiKeyCreate, create_api_key
from nexus.plugins import API_PREFIX, load_plugins
from nexus.settings import Settings
from nexus.testing import (
    create_test_client,
    make_tenant,
    migrated_database,
    run_sync,
    tenant_transaction,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from litestar import Litestar
    from litestar.testing import TestClient
    from nexus.testing import TestTenant

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_IGNORED_METHODS = frozenset({"OPTIONS", "HEAD"})


def _plugins() -> list[object]:
    """Every installed plugin that loads, plus the ``memos`` sample."""
    installed = load_plugins(Settings.from_env())
    return [record.plugin for record in installed.loaded if record.name != "memos"] + [memos]


PLUGINS = _plugins()


@dataclass(frozen=True)
class Resource:
    """A plugin collection (``POST``) and its item route."""

    plugin: str
    collection: str
    item: str
    param: str
    param_type: type
    item_methods: frozenset[str]
    examples: dict[str, Any] = field(compare=False, hash=False)

    def __str__(self) -> str:
        return f"{self.plugin}:{self.collection}"

    def item_url(self, item_id: Any) -> str:
        return self.item.replace("{" + self.param + "}", str(item_id))

    def example(self, method: str, path: str) -> Any:
        """The manifest's example body for ``method path``, else the create example."""
        for key in (
            f"{method} {_relative(self.plugin, path)}",
            f"POST {_relative(self.plugin, self.collection)}",
        ):
            if key in self.examples:
                return self.examples[key]
        return {}

    def absent_id(self) -> Any:
        """An id of the item route's type that names nothing."""
        if self.param_type is int:
            return 2**31 - 1
        if self.param_type is uuid.UUID:
            return uuid.uuid4()
        return f"absent-{uuid.uuid4().hex}"


@dataclass(frozen=True)
class Listing:
    """A plugin ``GET`` route without path parameters."""

    plugin: str
    path: str

    def __str__(self) -> str:
        return f"{self.plugin}:GET {self.path}"


def _relative(plugin: str, path: str) -> str:
    """A route path as ``example_payloads`` names it: below ``/api/v1/<plugin>``."""
    return path[len(f"{API_PREFIX}/{plugin}") :] or "/"


@dataclass
class _Route:
    plugin: str
    path: str
    params: dict[str, type]
    methods: set[str] = field(default_factory=set)


def _plugin_routes(app: Litestar) -> dict[str, _Route]:
    routes: dict[str, _Route] = {}
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            plugin = handler.opt.get("nexus_plugin")
            methods = set(handler.http_methods) - _IGNORED_METHODS
            if plugin is None or not methods:
                continue
            params = {name: p.type for name, p in route.path_parameters.items()}
            entry = routes.setdefault(route.path_format, _Route(plugin, route.path_format, params))
            entry.methods |= methods
    return routes


def discover(
    app: Litestar, examples: dict[str, dict[str, Any]]
) -> tuple[list[Resource], list[Listing]]:
    """Read the plugins' resources and lists from the routes of ``app``."""
    routes = _plugin_routes(app)
    resources = []
    for collection in routes.values():
        if collection.params or "POST" not in collection.methods:
            continue
        for item in routes.values():
            if len(item.params) != 1:
                continue
            ((param, param_type),) = item.params.items()
            if item.path == f"{collection.path.rstrip('/')}/{{{param}}}":
                resources.append(
                    Resource(
                        plugin=collection.plugin,
                        collection=collection.path,
                        item=item.path,
                        param=param,
                        param_type=param_type,
                        item_methods=frozenset(item.methods),
                        examples=examples.get(collection.plugin, {}),
                    )
                )
    listings = [
        Listing(route.plugin, route.path)
        for route in routes.values()
        if not route.params and "GET" in route.methods
    ]
    return sorted(resources, key=str), sorted(listings, key=str)


@dataclass(frozen=True)
class Guarded:
    """One method of a plugin route and the permission it requires."""

    plugin: str
    method: str
    path: str
    params: dict[str, type]
    permission: str | None
    public: bool

    def __str__(self) -> str:
        return f"{self.plugin}:{self.method} {self.path}"

    def url(self) -> str:
        """The path with an absent id of the right type in each parameter."""
        url = self.path
        for name, param_type in self.params.items():
            url = url.replace("{" + name + "}", str(_absent(param_type)))
        return url


def _absent(param_type: type) -> Any:
    if param_type is int:
        return 2**31 - 1
    if param_type is uuid.UUID:
        return uuid.uuid4()
    return f"absent-{uuid.uuid4().hex}"


def guarded_routes(app: Litestar) -> list[Guarded]:
    """Every method of every plugin route, with the permission the gate checks for it."""
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        params = {name: p.type for name, p in route.path_parameters.items()}
        for handler in route.route_handlers:
            plugin = handler.opt.get("nexus_plugin")
            if plugin is None:
                continue
            found.extend(
                Guarded(
                    plugin=plugin,
                    method=method,
                    path=route.path_format,
                    params=params,
                    permission=handler.opt.get("permission"),
                    public=handler.opt.get("nexus_access") in ("public", "visitor"),
                )
                for method in sorted(set(handler.http_methods) - _IGNORED_METHODS)
            )
    return sorted(found, key=str)


def route_keys(app: Litestar) -> dict[str, set[str]]:
    """Each plugin's routes as ``example_payloads`` names them: ``"PUT /{memo_id}"``."""
    keys: dict[str, set[str]] = {}
    for route in _plugin_routes(app).values():
        relative = _relative(route.plugin, route.path)
        keys.setdefault(route.plugin, set()).update(f"{m} {relative}" for m in route.methods)
    return keys


def _discover_installed() -> tuple[
    list[Resource], list[Listing], dict[str, Any], dict[str, Any], list[Guarded]
]:
    # Routes are known before start-up: the app is built on a database it never opens.
    settings = Settings(log_level="warning", database_url="postgresql://unused.invalid/nexus")
    registry = load_plugins(settings, plugins=PLUGINS)
    examples = {
        record.name: dict(record.manifest.example_payloads)
        for record in registry.loaded
        if record.manifest
    }
    app = create_app(settings, registry=registry)  # built, never started: no connection
    resources, listings = discover(app, examples)
    return resources, listings, examples, route_keys(app), guarded_routes(app)


RESOURCES, LISTINGS, EXAMPLES, ROUTE_KEYS, GUARDED = _discover_installed()
ITEM_CASES = [
    pytest.param(resource, method, id=f"{resource.plugin}:{method} {resource.item}")
    for resource in RESOURCES
    for method in sorted(resource.item_methods)
]
UPDATE_CASES = [
    pytest.param(resource, method, id=f"{resource.plugin}:{method} {resource.item}")
    for resource in RESOURCES
    for method in sorted(resource.item_methods & {"PUT", "PATCH"})
]


# A real permission that no plugin route requires: a key scoped to it is an admin's key
# narrowed to something else.
UNRELATED = "nexus.api_keys:admin"


@dataclass(frozen=True)
class World:
    client: TestClient[Any]
    a: TestTenant
    b: TestTenant
    url: str


@pytest.fixture(scope="module")
def world(nexus_postgres_server: str) -> Iterator[World]:
    """One app with every plugin, and two tenants with admin keys, for the whole module."""
    # Every listing test creates every resource again: with a dozen plugins' routes that is
    # more than the default per-key rate limit allows in a minute, and a 429 tests nothing.
    settings = Settings(
        log_level="warning", rate_limit_key="1000000/minute", rate_limit_tenant="1000000/minute"
    )
    with (
        migrated_database(nexus_postgres_server, PLUGINS) as url,
        create_test_client(PLUGINS, database_url=url, settings=settings) as client,
    ):
        yield World(client=client, a=make_tenant(url), b=make_tenant(url), url=url)


@dataclass(frozen=True)
class Keys:
    """Keys of one more tenant: without roles or scopes, scoped elsewhere, and per permission."""

    nothing: dict[str, str]
    unrelated: dict[str, str]
    exactly: dict[str, dict[str, str]]


@pytest.fixture(scope="module")
def keys(world: World) -> Keys:
    """A tenant of its own (its data untouched by the other tests) and its API keys."""
    tenant = make_tenant(world.url)
    permissions = sorted({route.permission for route in GUARDED if route.permission})

    async def make() -> dict[str, str]:
        asked = {
            "nothing": ApiKeyCreate(name="nothing", roles=[], scopes=[]),
            "unrelated": ApiKeyCreate(name="unrelated", roles=["tenant_admin"], scopes=[UNRELATED]),
        }
        for permission in permissions:
            asked[permission] = ApiKeyCreate(
                name=permission, roles=["tenant_admin"], scopes=[permission]
            )
        async with tenant_transaction(world.url, tenant) as conn:
            return {
                name: (await create_api_key(conn, tenant.id, data)).key
                for name, data in asked.items()
            }

    made = run_sync(make())

    def bearer(key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {key}"}

    return Keys(
        nothing=bearer(made["nothing"]),
        unrelated=bearer(made["unrelated"]),
        exactly={permission: bearer(made[permission]) for permission in permissions},
    )


def _create(world: World, resource: Resource, **extra: Any) -> Any:
    body = resource.example("POST", resource.collection)
    if extra and isinstance(body, dict):
        body = {**body, **extra}
    response = world.client.post(resource.collection, json=body, headers=world.a.headers)
    assert response.status_code in (200, 201), (
        f"creating through POST {resource.collection} answered {response.status_code}: "
        f"{response.text}; give the plugin's manifest a working example_payloads entry"
    )
    created = response.json()
    assert isinstance(created, dict) and "id" in created, (
        f"POST {resource.collection} must answer with the created resource and its id"
    )
    return created


def _read(world: World, resource: Resource, item_id: Any, tenant: TestTenant) -> Any:
    assert "GET" in resource.item_methods, f"{resource.item} must answer GET"
    return world.client.get(resource.item_url(item_id), headers=tenant.headers)


def _problem_type(response: Any) -> str | None:
    if response.headers.get("content-type") != "application/problem+json":
        return None
    return response.json().get("type")


def test_contract_discovers_the_memos_sample_routes():
    by_name = {str(resource): resource for resource in RESOURCES}
    memo = by_name["memos:/api/v1/memos"]
    assert memo.item == "/api/v1/memos/{memo_id}"
    assert memo.param_type is uuid.UUID
    assert memo.item_methods == {"GET", "PUT", "PATCH", "DELETE"}
    assert "memos:GET /api/v1/memos" in {str(listing) for listing in LISTINGS}


@pytest.mark.parametrize("plugin", sorted(EXAMPLES), ids=str)
def test_example_payloads_name_routes_of_their_plugin(plugin):
    unknown = set(EXAMPLES[plugin]) - ROUTE_KEYS.get(plugin, set())
    assert not unknown, f"example_payloads of {plugin} name no route: {sorted(unknown)}"


@pytest.mark.parametrize(("resource", "method"), ITEM_CASES)
def test_other_tenant_gets_404_on_an_item_and_it_stays_unchanged(world, resource, method):
    created = _create(world, resource)
    before = _read(world, resource, created["id"], world.a)
    assert before.status_code == 200, before.text
    body = resource.example(method, resource.item) if method in _BODY_METHODS else None

    theirs = world.client.request(
        method, resource.item_url(created["id"]), json=body, headers=world.b.headers
    )
    missing = world.client.request(
        method, resource.item_url(resource.absent_id()), json=body, headers=world.b.headers
    )

    assert theirs.status_code == 404, f"{method} as tenant B: {theirs.status_code} {theirs.text}"
    assert _problem_type(theirs) == "/problems/not-found"
    assert (missing.status_code, _problem_type(missing)) == (404, "/problems/not-found"), (
        "another tenant's resource must answer exactly like a missing one"
    )
    after = _read(world, resource, created["id"], world.a)
    assert after.status_code == 200
    assert after.json() == before.json()


@pytest.mark.parametrize("listing", LISTINGS, ids=str)
def test_other_tenants_lists_never_show_an_item(world, listing):
    created = {str(resource): str(_create(world, resource)["id"]) for resource in RESOURCES}

    status, theirs = _every_page(world.client, listing.path, world.b.headers)

    assert status < 500, theirs
    leaked = sorted(name for name, item_id in created.items() if item_id in theirs)
    assert not leaked, f"tenant B's GET {listing.path} shows tenant A's {leaked}"
    own = f"{listing.plugin}:{listing.path}"
    if own in created:
        status, mine = _every_page(world.client, listing.path, world.a.headers)
        assert status == 200
        assert created[own] in mine, "the list must show its tenant's own items"


def _every_page(client, path, headers, limit=50):
    """The status and the text of every page of a list, following ``next_cursor``."""
    response = client.get(path, headers=headers)
    texts = [response.text]
    for _ in range(limit):
        json_body = response.headers.get("content-type", "").startswith("application/json")
        body = response.json() if response.status_code == 200 and json_body else None
        cursor = body.get("next_cursor") if isinstance(body, dict) else None
        if not cursor:
            break
        response = client.get(path, params={"cursor": cursor}, headers=headers)
        texts.append(response.text)
    return response.status_code, "\n".join(texts)


@pytest.mark.parametrize("resource", RESOURCES, ids=str)
def test_tenant_id_in_a_create_body_cannot_place_it_in_another_tenant(world, resource):
    if not isinstance(resource.example("POST", resource.collection), dict):
        pytest.skip("the create example is not a JSON object")
    body = {**resource.example("POST", resource.collection), "tenant_id": str(world.b.id)}

    response = world.client.post(resource.collection, json=body, headers=world.a.headers)

    if 400 <= response.status_code < 500:
        return  # refused
    assert response.status_code in (200, 201), response.text
    item_id = response.json()["id"]
    assert _read(world, resource, item_id, world.b).status_code == 404
    mine = _read(world, resource, item_id, world.a)
    assert mine.status_code == 200
    assert mine.json().get("tenant_id", str(world.a.id)) == str(world.a.id)


@pytest.mark.parametrize(("resource", "method"), UPDATE_CASES)
def test_tenant_id_in_an_update_body_cannot_move_it_to_another_tenant(world, resource, method):
    example = resource.example(method, resource.item)
    if not isinstance(example, dict):
        pytest.skip("the update example is not a JSON object")
    item_id = _create(world, resource)["id"]

    response = world.client.request(
        method,
        resource.item_url(item_id),
        json={**example, "tenant_id": str(world.b.id)},
        headers=world.a.headers,
    )

    if 400 <= response.status_code < 500:
        return  # refused
    assert response.status_code == 200, response.text
    assert _read(world, resource, item_id, world.b).status_code == 404
    mine = _read(world, resource, item_id, world.a)
    assert mine.status_code == 200
    assert mine.json().get("tenant_id", str(world.a.id)) == str(world.a.id)


def test_every_plugin_route_names_a_permission_or_is_public():
    assert GUARDED, "no plugin routes found"
    assert not [str(route) for route in GUARDED if route.permission == UNRELATED]
    memos = {str(route): route.permission for route in GUARDED if route.plugin == "memos"}
    assert memos["memos:GET /api/v1/memos"] == "memos:read", "0.1.0 plugins: implied"
    assert memos["memos:POST /api/v1/memos"] == "memos.memos:write"


@pytest.mark.parametrize("route", [route for route in GUARDED if not route.public], ids=str)
def test_a_key_without_the_route_permission_gets_403_and_one_with_it_does_not(world, keys, route):
    def call(headers: dict[str, str]) -> Any:
        body = {} if route.method in _BODY_METHODS else None
        return world.client.request(route.method, route.url(), json=body, headers=headers)

    nothing, unrelated = call(keys.nothing), call(keys.unrelated)

    for name, refused in (("no roles, no scopes", nothing), (f"scoped to {UNRELATED}", unrelated)):
        assert (refused.status_code, _problem_type(refused)) == (403, "/problems/forbidden"), (
            f"a key with {name} got {refused.status_code} on {route}: {refused.text[:200]}"
        )
    assert route.permission is not None, f"{route} is neither public nor names a permission"
    allowed = call(keys.exactly[route.permission])
    assert allowed.status_code != 403, (
        f"a key holding exactly {route.permission} was refused on {route}: {allowed.text}"
    )
    assert allowed.status_code < 500, allowed.text
