"""Assistant tools (``nexus_ai_tools``, 0.1.5): collected and checked at load, then listed
and called for one caller as the REST gate would let it (its tenant's toggles, its
permissions, row-level security), writing tools only once confirmed, every call audited."""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec
import pytest
from kernel_samples import depot
from nexus.compose import (
    ConfirmationRequired,
    ServiceCalls,
    ToolCalls,
    ToolRefused,
    tool_schema,
)
from nexus.identity import Principal, PrincipalKind, Role
from nexus.plugins import PluginState, load_plugins
from nexus.services import kernel_of
from nexus.settings import Settings
from nexus.testing import create_test_client, make_tenant, migrated_database, run_sync
from nexus_hookspecs import (
    Manifest,
    Permission,
    Prompt,
    Resource,
    ServiceContext,
    Tool,
    hookimpl,
    new_id,
)


class Count(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    origin: str | None = None


class Hold(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    origin: str
    quantity: int = 1


async def count_holds(data: Count, ctx: ServiceContext) -> dict[str, Any]:
    rows = await ctx.conn.fetch("select origin from depot_hold order by origin")
    return {"origins": [row["origin"] for row in rows]}


async def write_hold(data: Hold, ctx: ServiceContext) -> dict[str, Any]:
    hold = depot.HoldIn(origin=data.origin, quantity=data.quantity)
    answer = await ctx.services.call(ctx.conn, "depot.hold", hold, result=depot.HoldOut)
    return {"id": str(answer.id)}


class Toolbox:
    """Depot's holds as tools: one reading (members), one writing (admins only)."""

    @staticmethod
    @hookimpl
    def nexus_manifest() -> Manifest:
        return Manifest(
            name="toolbox",
            version="0.1.0",
            title="Toolbox",
            hookspecs=">=0.1.5,<0.2",
            requires=("depot",),
            permissions=(
                Permission(key="toolbox.holds:read", roles=("tenant_admin", "member")),
                Permission(key="toolbox.holds:write"),
            ),
        )

    @staticmethod
    @hookimpl
    def nexus_ai_tools(register: Any) -> None:
        register(
            Tool(
                name="toolbox.holds.list",
                description="Lists the holds.",
                input=Count,
                permission="toolbox.holds:read",
                handler=count_holds,
            )
        )
        register(
            Tool(
                name="toolbox.holds.write",
                description="Writes a hold.",
                input=Hold,
                permission="toolbox.holds:write",
                handler=write_hold,
                writes=True,
            )
        )


PLUGINS = [depot, Toolbox()]


@pytest.fixture(scope="module")
def database_url(nexus_postgres_server):
    with migrated_database(nexus_postgres_server, [depot]) as url:
        yield url


@pytest.fixture(scope="module")
def client(database_url):
    settings = Settings(database_url=database_url, log_level="warning")
    with create_test_client(PLUGINS, database_url=database_url, settings=settings) as client:
        yield client


def _tools(client) -> ToolCalls:
    kernel = kernel_of(client.app)
    return ToolCalls(kernel.services, kernel.database, kernel.registry.permissions("member"))


def _principal(tenant_id, *roles: str) -> Principal:
    return Principal(
        kind=PrincipalKind.USER, subject=new_id(), tenant_id=tenant_id, roles=frozenset(roles)
    )


def _run(client, coro):
    return client.blocking_portal.call(lambda: coro)


def test_tools_are_listed_by_permission_and_run_in_the_callers_tenant(client, database_url):
    tools = _tools(client)
    one, two = make_tenant(database_url), make_tenant(database_url)
    admin, member = _principal(one.id, Role.TENANT_ADMIN), _principal(one.id, Role.MEMBER)
    names = [tool.name for tool in _run(client, tools.available(admin))]
    assert names == ["toolbox.holds.list", "toolbox.holds.write"]
    assert [tool.name for tool in _run(client, tools.available(member))] == ["toolbox.holds.list"]
    with pytest.raises(ToolRefused):
        _run(client, tools.call(member, "toolbox.holds.write", {"origin": "X"}, confirmed=True))
    with pytest.raises(ConfirmationRequired):
        _run(client, tools.call(admin, "toolbox.holds.write", {"origin": "A-1"}))
    _run(client, tools.call(admin, "toolbox.holds.write", {"origin": "A-1"}, confirmed=True))
    with pytest.raises(msgspec.ValidationError):
        _run(client, tools.call(admin, "toolbox.holds.list", {"nope": 1}))
    listed = _run(client, tools.call(member, "toolbox.holds.list", {}))
    assert listed == {"origins": ["A-1", "seed"]}
    other = _run(client, tools.call(_principal(two.id, Role.MEMBER), "toolbox.holds.list", {}))
    assert other == {"origins": ["seed"]}  # its own seed only, none of tenant one's

    async def audited() -> list[str]:
        conn = await asyncpg.connect(database_url)
        try:
            rows = await conn.fetch(
                "select target from nexus_audit_log where tenant_id = $1 "
                "and action = 'ai.tool.called' order by created_at",
                one.id,
            )
        finally:
            await conn.close()
        return [row["target"] for row in rows]

    assert run_sync(audited()) == ["toolbox.holds.write", "toolbox.holds.list"]


def test_a_tool_schema_is_its_inputs_json_schema():
    schema = tool_schema(
        Tool(name="t.x", description="d", input=Hold, permission="t.x:read", handler=count_holds)
    )
    assert schema["type"] == "object"
    assert schema["required"] == ["origin"]
    assert set(schema["properties"]) == {"origin", "quantity"}


def _plugin(*tools: Any, raises: bool = False) -> object:
    class Plugin:
        @staticmethod
        @hookimpl
        def nexus_manifest() -> Manifest:
            return Manifest(
                name="p",
                version="0.1.0",
                title="P",
                hookspecs=">=0.1.5,<0.2",
                permissions=(Permission(key="p.things:read"),),
            )

        @staticmethod
        @hookimpl
        def nexus_ai_tools(register: Any) -> None:
            if raises:
                raise RuntimeError("no tools today")
            for tool in tools:
                register(tool)

    return Plugin()


def _tool(name: str = "p.things.list", **changes: Any) -> Tool:
    fields: dict[str, Any] = {
        "name": name,
        "description": "Lists things.",
        "input": Count,
        "permission": "p.things:read",
        "handler": count_holds,
    }
    return Tool(**(fields | changes))


async def _read(record_id: str, ctx: ServiceContext) -> Any:
    return None


async def _render(data: Any, ctx: ServiceContext) -> str:
    return "Say hello."


def _resource(name: str = "p.things", **changes: Any) -> Resource:
    fields: dict[str, Any] = {
        "name": name,
        "description": "A thing.",
        "permission": "p.things:read",
        "read": _read,
    }
    return Resource(**(fields | changes))


def _prompt(name: str = "p.things.greet", **changes: Any) -> Prompt:
    fields: dict[str, Any] = {
        "name": name,
        "description": "Greets.",
        "arguments": Count,
        "permission": "p.things:read",
        "render": _render,
    }
    return Prompt(**(fields | changes))


@pytest.mark.parametrize(
    ("items", "reason"),
    [
        ((_resource("q.things"),), "resource 'q.things' is named for another plugin"),
        ((_resource("p.things.more"),), "must be '<plugin>.<kind>' (one dot)"),
        ((_resource(), _resource()), "resource 'p.things' is registered twice"),
        ((_resource(permission="p.x:read"),), "needs 'p.x:read', not declared"),
        ((_resource(description=""),), "resource 'p.things' has no description"),
        ((_prompt(arguments=dict),), "arguments must be a msgspec Struct"),
        ((_prompt("q.greet"),), "prompt 'q.greet' is named for another plugin"),
        ((_prompt(), _prompt()), "prompt 'p.things.greet' is registered twice"),
        ((_prompt("Bad Name"),), "is not '<plugin>.<name>'"),
    ],
    ids=[
        "r-other",
        "r-dots",
        "r-twice",
        "r-perm",
        "r-desc",
        "p-args",
        "p-other",
        "p-twice",
        "p-name",
    ],
)
def test_refused_resources_and_prompts_refuse_the_plugin(items, reason):
    registry = load_plugins(Settings(), plugins=[_plugin(_tool(), *items)])
    record = registry.get("p")
    assert record is not None
    assert record.state is PluginState.FAILED
    assert reason in (record.reason or "")
    assert registry.resources() == {}
    assert registry.prompts() == {}


def test_good_resources_and_prompts_are_offered_beside_tools():
    registry = load_plugins(Settings(), plugins=[_plugin(_tool(), _resource(), _prompt())])
    assert list(registry.tools()) == ["p.things.list"]
    assert list(registry.resources()) == ["p.things"]
    assert list(registry.prompts()) == ["p.things.greet"]
    # a resource and a prompt may share a name with a tool of another kind
    both = load_plugins(Settings(), plugins=[_plugin(_tool("p.things.greet"), _prompt())])
    assert both.get("p").state is PluginState.LOADED  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("tools", "raises", "reason"),
    [
        ((_tool("q.things.list"),), False, "named for another plugin"),
        ((_tool(), _tool()), False, "registered twice"),
        ((_tool(permission="p.things:write"),), False, "not declared in the manifest"),
        ((_tool(input=dict),), False, "input must be a msgspec Struct"),
        ((_tool(description=" "),), False, "no description"),
        ((), True, "nexus_ai_tools failed: RuntimeError"),
    ],
    ids=["another-plugin", "twice", "undeclared-permission", "not-a-struct", "no-desc", "raises"],
)
def test_a_plugin_with_refused_tools_is_skipped_with_the_reason(tools, raises, reason):
    registry = load_plugins(Settings(), plugins=[_plugin(*tools, raises=raises)])
    record = registry.get("p")
    assert record is not None
    assert record.state is PluginState.FAILED
    assert reason in (record.reason or "")
    assert registry.tools() == {}


def test_a_plugin_with_good_tools_offers_them():
    registry = load_plugins(Settings(), plugins=[_plugin(_tool())])
    assert list(registry.tools()) == ["p.things.list"]
    assert ServiceCalls is not None
