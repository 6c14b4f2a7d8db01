"""Plugin safety checks: route prefix, declared permissions, settings schema, allowlist file."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
import pytest
from kernel_samples import hello, memos
from kernel_samples.others import named, plugin
from litestar import Controller, Litestar, get, post
from litestar.params import FromPath
from nexus.app import create_app
from nexus.plugins import (
    Allowlist,
    AllowlistError,
    PluginState,
    compatible_range,
    diagnose,
    load_plugins,
)
from nexus.services import kernel_of
from nexus.settings import Settings
from nexus.testing import create_test_client, make_tenant
from nexus_hookspecs import Feature, Manifest, Permission
from nexus_hookspecs import __version__ as hookspecs_version
from nexus_hookspecs.http import route_opt


@get("/../../admin", sync_to_thread=False)
def escape() -> str:
    return "out"


@get("/", sync_to_thread=False, opt={"nexus_plugin": "memos"})
def impostor() -> str:
    return "someone else"


@get("/tenants", sync_to_thread=False, opt={"nexus_access": "platform"})
def platform_only() -> str:
    return "every tenant"


@get("/hook", sync_to_thread=False, opt={"nexus_access": "public"})
def webhook() -> str:
    return "signed elsewhere"


@get("/guarded", sync_to_thread=False, opt={"permission": "sneaky.secret:read"})
def guarded() -> str:
    return "guarded"


@get("/gated", sync_to_thread=False, opt={"feature": "sneaky.beta"})
def gated() -> str:
    return "gated"


def _routes(*handlers):
    return {"nexus_routes": lambda register: [register(h) for h in handlers]}


def _findings(registry):
    """The doctor's errors (warnings, of routes on implied permissions, are tested apart)."""
    return {(f.plugin, f.check, f.problem) for f in diagnose(registry) if f.level == "error"}


def test_route_escaping_the_plugin_prefix_is_refused_and_the_app_starts_without_it(
    nexus_database_url,
):
    escaper = plugin(Manifest(name="escaper", version="1", title="E"), **_routes(escape))
    with create_test_client([escaper, hello], database_url=nexus_database_url) as client:
        record = kernel_of(client.app).registry.get("escaper")
        assert record.state is PluginState.FAILED
        assert (
            record.reason
            == "routes refused: route /api/v1/escaper/../../admin is outside /api/v1/escaper/"
        )
        paths = {route.path for route in client.app.routes}
        # Neither as written nor resolved: the kernel's own /api/v1/admin/... routes stay.
        assert not any("escaper" in path or path in ("/admin", "/api/admin") for path in paths)
        assert any(path.startswith("/api/v1/hello") for path in paths)


def test_handler_claiming_another_plugin_identity_is_refused():
    registry = load_plugins(
        Settings(),
        plugins=[
            memos,
            plugin(Manifest(name="sneaky", version="1", title="S"), **_routes(impostor)),
        ],
    )
    assert _findings(registry) == {
        (
            "sneaky",
            "routes",
            "route /api/v1/sneaky sets opt nexus_plugin='memos', which only the kernel sets",
        )
    }


def test_plugin_route_asking_for_platform_access_is_refused_and_public_is_allowed():
    registry = load_plugins(
        Settings(),
        plugins=[
            plugin(Manifest(name="sneaky", version="1", title="S"), **_routes(platform_only)),
            plugin(Manifest(name="hooks", version="1", title="H"), **_routes(webhook)),
        ],
    )
    assert _findings(registry) == {
        (
            "sneaky",
            "routes",
            "route /api/v1/sneaky/tenants sets opt nexus_access='platform'; "
            "plugin routes may use 'tenant', 'authenticated', 'public', 'visitor'",
        )
    }


@post("/public/{tenant:str}/forms", sync_to_thread=False, opt=route_opt(access="visitor"))
def visitor_form(tenant: str) -> str:
    return tenant


@post("/public/forms", sync_to_thread=False, opt=route_opt(access="visitor"))
def visitor_form_without_tenant() -> str:
    return "whose?"


def test_a_visitor_route_names_no_permission_but_must_name_its_tenant_in_the_path():
    manifest = Manifest(name="forms", version="1", title="F", hookspecs=">=0.1.3,<0.2")
    fine = load_plugins(Settings(), plugins=[plugin(manifest, **_routes(visitor_form))])
    assert _findings(fine) == set()
    nameless = load_plugins(
        Settings(), plugins=[plugin(manifest, **_routes(visitor_form_without_tenant))]
    )
    assert _findings(nameless) == {
        (
            "forms",
            "routes",
            "route /api/v1/forms/public/forms is for visitors but has no {tenant:str} path "
            "parameter naming the tenant",
        )
    }


def test_doctor_names_permissions_and_features_routes_use_but_the_manifest_lacks():
    sneaky = plugin(Manifest(name="sneaky", version="1", title="S"), **_routes(guarded, gated))
    registry = load_plugins(Settings(), plugins=[sneaky])
    assert _findings(registry) == {
        (
            "sneaky",
            "permissions",
            "route /api/v1/sneaky/guarded requires the permission sneaky.secret:read, "
            "which the manifest does not declare",
        ),
        (
            "sneaky",
            "permissions",
            "route /api/v1/sneaky/gated is gated by the feature sneaky.beta, "
            "which the manifest does not declare",
        ),
    }


@get("/items", sync_to_thread=False)
def list_items() -> list[str]:
    return ["an item"]


@post("/items", sync_to_thread=False)
def add_item() -> str:
    return "added"


@post("/items/{item_id:int}/done", sync_to_thread=False, opt=route_opt(permission="shop.items:do"))
def finish_item(item_id: FromPath[int]) -> int:
    return item_id


@post("/signed", sync_to_thread=False, opt=route_opt(access="public"))
def signed_webhook() -> str:
    return "verified its own signature"


def _shop(hookspecs: str):
    manifest = Manifest(
        name="shop",
        version="1",
        title="Shop",
        hookspecs=hookspecs,
        permissions=(Permission(key="shop.items:do", roles=("tenant_admin", "member")),),
    )
    return plugin(manifest, **_routes(list_items, add_item, finish_item, signed_webhook))


_UNUSED_DATABASE = "postgresql://unused.invalid/nexus"


def _built(plugins):
    """The app the kernel builds with ``plugins`` (never started: no database is opened)."""
    settings = Settings(log_level="warning", database_url=_UNUSED_DATABASE)
    registry = load_plugins(settings, plugins=plugins)
    return create_app(settings, registry=registry), registry


def _permissions(app, plugin_name):
    return {
        (method, route.path): handler.opt.get("permission")
        for route in app.routes
        for handler in getattr(route, "route_handlers", ())
        if handler.opt.get("nexus_plugin") == plugin_name
        for method in handler.http_methods - {"OPTIONS", "HEAD"}
    }


def test_a_route_without_a_permission_is_refused_unless_public_for_plugins_built_for_0_1_1():
    app, registry = _built([_shop(">=0.1.1,<0.2"), hello])

    record = registry.get("shop")
    assert record.state is PluginState.FAILED
    assert record.reason == (
        "routes refused: "
        "route GET /api/v1/shop/items declares no permission: give it "
        "route_opt(permission=...), or route_opt(access='public') if anyone may call it; "
        "route POST /api/v1/shop/items declares no permission: give it "
        "route_opt(permission=...), or route_opt(access='public') if anyone may call it"
    )
    assert not any(route.path.startswith("/api/v1/shop") for route in app.routes)
    assert any(route.path.startswith("/api/v1/hello") for route in app.routes)
    doctor = load_plugins(Settings(), plugins=[_shop(">=0.1.1,<0.2")])
    assert {(f.plugin, f.check, f.level) for f in diagnose(doctor)} == {("shop", "routes", "error")}
    assert "route GET /api/v1/shop/items declares no permission" in diagnose(doctor)[0].problem


def test_a_controller_level_permission_or_public_access_counts_for_its_routes():
    class Items(Controller):
        path = "/items"
        opt = route_opt(permission="shop.items:do")

        @get("/", sync_to_thread=False)
        def items(self) -> list[str]:
            return []

    class Hooks(Controller):
        path = "/hooks"
        opt = route_opt(access="public")

        @post("/", sync_to_thread=False)
        def hook(self) -> str:
            return "ok"

    manifest = Manifest(
        name="shop",
        version="1",
        title="Shop",
        hookspecs=">=0.1.1,<0.2",
        permissions=(Permission(key="shop.items:do"),),
    )
    registry = load_plugins(Settings(), plugins=[plugin(manifest, **_routes(Items, Hooks))])
    assert _findings(registry) == set()


def test_a_plugin_built_for_the_0_1_0_contract_gets_implied_permissions_and_a_doctor_warning():
    app, registry = _built([_shop(">=0.1,<0.2")])

    assert registry.get("shop").state is PluginState.LOADED
    assert _permissions(app, "shop") == {
        ("GET", "/api/v1/shop/items"): "shop:read",
        ("POST", "/api/v1/shop/items"): "shop:write",
        ("POST", "/api/v1/shop/items/{item_id:int}/done"): "shop.items:do",
        ("POST", "/api/v1/shop/signed"): None,
    }
    doctor = load_plugins(Settings(), plugins=[_shop(">=0.1,<0.2")])
    assert {(f.plugin, f.check, f.level, f.problem) for f in diagnose(doctor)} == {
        (
            "shop",
            "permissions",
            "warning",
            f"route {method} /api/v1/shop/items declares no permission; built for the 0.1.0 "
            f"contract (hookspecs >=0.1,<0.2), it requires the implied permission {implied} "
            "(tenant admins only); declare one with route_opt(permission=...)",
        )
        for method, implied in (("GET", "shop:read"), ("POST", "shop:write"))
    }


def test_an_implied_permission_is_held_by_tenant_admins_and_not_by_members(nexus_database_url):
    with create_test_client([_shop(">=0.1,<0.2")], database_url=nexus_database_url) as client:
        admin = make_tenant(nexus_database_url)
        member = make_tenant(nexus_database_url, role="member")
        scoped = make_tenant(nexus_database_url, scopes=("shop:read",))
        nothing = make_tenant(nexus_database_url, scopes=())

        def status(method, path, tenant):
            return client.request(method, f"/api/v1/shop{path}", headers=tenant.headers).status_code

        assert status("GET", "/items", admin) == 200
        assert status("GET", "/items", scoped) == 200
        assert status("POST", "/items", scoped) == 403
        assert status("GET", "/items", member) == 403
        assert status("GET", "/items", nothing) == 403
        assert status("POST", "/items/1/done", member) == 201
        assert status("POST", "/signed", nothing) == 201


def test_declared_permissions_and_features_pass():
    declared = plugin(
        Manifest(
            name="sneaky",
            version="1",
            title="S",
            features=(Feature(key="beta", title="Beta"),),
            permissions=(Permission(key="sneaky.secret:read"),),
        ),
        **_routes(guarded, gated),
    )
    assert _findings(load_plugins(Settings(), plugins=[declared, memos])) == set()


class NoDefault(msgspec.Struct):
    currency: str


class NoSchema(msgspec.Struct):
    when: object = datetime.now  # a function: no JSON schema, no JSON value


class BadDefault(msgspec.Struct):
    points: Annotated[int, msgspec.Meta(ge=0)] = -1  # breaks its own constraint


class Fine(msgspec.Struct):
    currency: str = "EUR"
    points_per_unit: int = 1


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        pytest.param(NoDefault, "cannot be built from defaults alone", id="field-without-default"),
        pytest.param(NoSchema, "has no JSON schema: Generating JSON schema", id="not-json"),
        pytest.param(BadDefault, "do not survive a JSON round trip", id="bad-default"),
        pytest.param(Fine, None, id="fine"),
    ],
)
def test_doctor_checks_the_settings_schema(schema, expected):
    registry = load_plugins(Settings(), plugins=[named("configured", settings=schema)])
    problems = [f.problem for f in diagnose(registry) if f.check == "settings"]
    if expected is None:
        assert problems == []
    else:
        assert len(problems) == 1 and expected in problems[0], problems
        assert problems[0].startswith(f"settings {schema.__name__} ")


def test_incompatible_range_message_names_both_ranges():
    registry = load_plugins(Settings(), plugins=[named("future", hookspecs=">=9,<10")])
    record = registry.get("future")
    assert record.state is PluginState.FAILED
    assert record.reason == (
        f"invalid manifest: incompatible: built for nexus-hookspecs >=9,<10, but this kernel "
        f"has nexus-hookspecs {hookspecs_version} "
        f"(compatible range {compatible_range(hookspecs_version)})"
    )
    assert [(f.plugin, f.check) for f in diagnose(registry)] == [("future", "failed")]


@pytest.mark.parametrize(
    ("version", "expected"),
    [("0.1.0", ">=0.1,<0.2"), ("0.3.7", ">=0.3,<0.4"), ("1.4.0", ">=1.4,<2"), ("2", ">=2.0,<3")],
)
def test_compatible_range(version, expected):
    assert compatible_range(version) == expected


ALLOWLIST = """
# pinned by the operator
acme-loyalty==1.2.0
Nexus_CRM >=0.1, <1   # names are compared normalised
nexus-finance
"""


@pytest.mark.parametrize(
    ("distribution", "version", "expected"),
    [
        pytest.param("acme-loyalty", "1.2.0", None, id="pinned-version"),
        pytest.param(
            "acme-loyalty",
            "1.3.0",
            "acme-loyalty 1.3.0 is installed, but the allowlist allow.txt allows "
            "acme-loyalty==1.2.0",
            id="other-version",
        ),
        pytest.param("nexus-crm", "0.4.0", None, id="in-range"),
        pytest.param("nexus_crm", "1.0.0", "allows nexus_crm<1,>=0.1", id="out-of-range"),
        pytest.param("nexus-finance", "7.0", None, id="any-version"),
        pytest.param(
            "acme-spy",
            "1.0",
            "distribution acme-spy is not in the allowlist allow.txt",
            id="not-listed",
        ),
        pytest.param(None, None, "not installed from a distribution", id="no-distribution"),
    ],
)
def test_allowlist_refusals(distribution, version, expected):
    refusal = Allowlist.parse(ALLOWLIST, source="allow.txt").refusal(distribution, version)
    if expected is None:
        assert refusal is None
    else:
        assert refusal is not None and expected in refusal, refusal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("acme loyalty\n", "line 1: 'acme loyalty' is not a requirement"),
        ("a==1\nb[extra]==1\n", "line 2: only a name and a version specifier"),
        ("a==1\nA==2\n", "line 2: A is listed twice"),
    ],
)
def test_malformed_allowlist_names_the_line(text, expected):
    with pytest.raises(AllowlistError, match="NEXUS_PLUGIN_ALLOWLIST: f.txt, ") as caught:
        Allowlist.parse(text, source="f.txt")
    assert expected in str(caught.value)


def test_missing_allowlist_file_is_a_settings_error(tmp_path):
    with pytest.raises(AllowlistError, match="cannot read .*nowhere.txt"):
        load_plugins(Settings(plugin_allowlist=str(tmp_path / "nowhere.txt")))


def test_allowlist_does_not_apply_to_explicitly_registered_plugins(tmp_path):
    empty = tmp_path / "allow.txt"
    empty.write_text("")
    registry = load_plugins(Settings(plugin_allowlist=str(empty)), plugins=[hello])
    assert [r.name for r in registry.loaded] == ["hello"]


@get("/admin", sync_to_thread=False)
def admin() -> str:
    return "not yours"


@pytest.mark.parametrize(
    "register",
    [
        pytest.param(lambda app: app.register(admin), id="app-register"),
        pytest.param(lambda app: Litestar.register(app, admin), id="unbound-register"),
    ],
)
def test_routes_added_at_startup_stop_the_kernel_from_serving(nexus_database_url, register):
    sneaky = plugin(Manifest(name="sneaky", version="1", title="S"), nexus_startup=register)
    client = create_test_client([sneaky], database_url=nexus_database_url)
    with pytest.raises(BaseException) as caught, client:
        pass
    errors = [caught.value, *getattr(caught.value, "exceptions", ())]
    assert any(
        "plugin 'sneaky' added routes in nexus_startup (/admin)" in str(error) for error in errors
    ), caught.value
