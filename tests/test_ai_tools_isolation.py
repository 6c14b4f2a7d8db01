"""The isolation contract over every assistant tool of every installed plugin.

Every tool a plugin registers through ``nexus_ai_tools`` is called by tenant A (the plugin
on, a tenant admin, writing tools confirmed) with inputs that name tenant B's records:
B first creates them through its own REST routes from the manifest's ``example_payloads``,
marked with a string no other record carries. Whatever A's call answers — a result or a
refusal — it must not contain B's ids or the mark; a tool that takes a record's id must
refuse B's record. B calling the same tool with the same inputs is the control: it
succeeds, and where the tool finds records, it finds B's own — so a tool that found
nothing for anyone could not pass.

The tools are read from the registry, not listed here: a tool without a recipe in
:data:`RECIPES` fails :func:`test_every_tool_keeps_to_its_tenant` naming it.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest
from nexus.plugins import load_plugins
from nexus.settings import Settings
from nexus.testing import call_tool, create_test_client, make_tenant, migrated_database

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from litestar.testing import TestClient
    from nexus.testing import TestTenant


def _plugins() -> list[object]:
    """Every installed plugin that loads (entry points, honouring ``NEXUS_PLUGINS``)."""
    return [record.plugin for record in load_plugins(Settings.from_env()).loaded]


PLUGINS = _plugins()
_REGISTRY = load_plugins(Settings(log_level="warning"), plugins=PLUGINS)
TOOLS = sorted(_REGISTRY.tools())
INSTALLED = frozenset(record.name for record in _REGISTRY.loaded)

Seeded = dict[str, dict[str, Any]]
"""B's records by their recipe name: the JSON each create answered."""


@dataclass(frozen=True)
class Seed:
    """One record tenant B creates: ``POST <route>`` of ``plugin``, its example overridden.

    ``route`` may name records created before it (``/calendars/{calendar}/events``), and
    ``example`` is then the ``example_payloads`` key of that route.
    """

    plugin: str
    route: str
    override: Callable[[str], dict[str, Any]] = lambda mark: {}
    example: str | None = None


@dataclass(frozen=True)
class Recipe:
    """How tenant A calls one tool on tenant B's records.

    Attributes:
        arguments: The tool's input, from B's records and the mark.
        seeds: B's records, by name, created before the call.
        refused: The input names B's record by id: A must be refused.
        finds: B's own call must show B's record (a search over B's records).
        echoes: The answer repeats the input (the mark): only B's ids count as leaks.
        empty: A holds no such records: A's answer must be empty, and B's not (an answer
            without ids or marks, such as busy periods).
    """

    arguments: Callable[[Seeded, str], dict[str, Any]]
    seeds: dict[str, Seed] = field(default_factory=dict)
    refused: bool = False
    finds: bool = False
    echoes: bool = False
    empty: bool = False


def _lines(_: Seeded, mark: str) -> list[dict[str, Any]]:
    return [{"description": f"Work {mark}", "quantity": "1", "unit_price": "10.00"}]


_EVENT = {
    "calendar": Seed("calendar", "/calendars", lambda mark: {"name": mark}),
    "event": Seed(
        "calendar",
        "/calendars/{calendar}/events",
        lambda mark: {"summary": mark},
        example="POST /calendars/{calendar_id}/events",
    ),
}
_WEEK = {"start": "2026-12-07T00:00:00Z", "end": "2026-12-14T00:00:00Z"}
_ORDER = Seed("sales", "/orders", lambda mark: {"partner_name": mark})
_PROJECT = Seed("projects", "/projects", lambda mark: {"name": f"Project {mark}"})
_EMPLOYEE = Seed(
    "hr", "/employees", lambda mark: {"name": f"Emp {mark}", "work_email": f"{mark}@b.example"}
)

RECIPES: dict[str, Recipe] = {
    "calendar.events.list": Recipe(
        seeds=_EVENT,
        arguments=lambda b, mark: dict(_WEEK),
        empty=True,
        finds=True,
    ),
    "calendar.freebusy": Recipe(seeds=_EVENT, arguments=lambda b, mark: dict(_WEEK), empty=True),
    "chat.messages.post": Recipe(
        seeds={"channel": Seed("chat", "/channels", lambda mark: {"name": mark[:20]})},
        arguments=lambda b, mark: {"channel_id": b["channel"]["id"], "body": f"Hi {mark}"},
        refused=True,
    ),
    "crm.contacts.search": Recipe(
        seeds={"contact": Seed("crm", "/contacts", lambda mark: {"last_name": mark})},
        arguments=lambda b, mark: {"query": mark},
        finds=True,
    ),
    "crm.deals.history": Recipe(
        seeds={"deal": Seed("crm", "/deals", lambda mark: {"title": f"Deal {mark}"})},
        arguments=lambda b, mark: {"deal_id": b["deal"]["id"]},
        refused=True,
    ),
    # B's folder is its API key's own: B's tool user does not see it either, so there is
    # no control that finds it (Drive's own test shares one with the tool's user).
    "drive.files.search": Recipe(
        seeds={"folder": Seed("drive", "/folders", lambda mark: {"name": f"Folder {mark}"})},
        arguments=lambda b, mark: {"query": mark},
    ),
    "finance.invoices.draft": Recipe(
        seeds={"partner": Seed("finance", "/partners", lambda mark: {"name": f"P {mark}"})},
        arguments=lambda b, mark: {"partner_id": b["partner"]["id"], "lines": _lines(b, mark)},
        refused=True,
    ),
    "hr.leave.balance": Recipe(
        seeds={"employee": _EMPLOYEE},
        arguments=lambda b, mark: {"employee_id": b["employee"]["id"]},
        refused=True,
    ),
    "inventory.stock.on_hand": Recipe(
        seeds={"product": Seed("inventory", "/products", lambda mark: {"name": f"Desk {mark}"})},
        arguments=lambda b, mark: {"query": mark},
        finds=True,
    ),
    "projects.tasks.list": Recipe(
        seeds={"project": _PROJECT},
        arguments=lambda b, mark: {"project_id": b["project"]["id"]},
        refused=True,
    ),
    "projects.time.log": Recipe(
        seeds={"project": _PROJECT, "employee": _EMPLOYEE},
        arguments=lambda b, mark: {
            "project_id": b["project"]["id"],
            "employee_id": b["employee"]["id"],
            "day": "2026-12-01",
            "hours": "1",
            "description": mark,
        },
        refused=True,
    ),
    "sales.orders.get": Recipe(
        seeds={"order": _ORDER},
        arguments=lambda b, mark: {"order_id": b["order"]["id"]},
        refused=True,
    ),
    "sales.orders.search": Recipe(
        seeds={"order": _ORDER},
        arguments=lambda b, mark: {"query": mark},
        finds=True,
    ),
    "sales.quotations.search": Recipe(
        seeds={"quotation": Seed("sales", "/quotations", lambda mark: {"partner_name": mark})},
        arguments=lambda b, mark: {"query": mark},
        finds=True,
    ),
    "support.tickets.open": Recipe(
        # The ticket is linked to the CRM contact with the requester's email later, by an
        # event handler of the tenant's own: here A's answer must not carry B's contact.
        seeds={
            "contact": Seed(
                "crm", "/contacts", lambda mark: {"last_name": mark, "email": f"{mark}@b.example"}
            )
        },
        arguments=lambda b, mark: {
            "subject": "Help",
            "body": "It broke",
            "requester_email": f"{mark}@b.example",
        },
        echoes=True,
    ),
}
"""Per tool: B's records and the input naming them. A new tool needs an entry here."""


@dataclass(frozen=True)
class World:
    client: TestClient[Any]
    a: TestTenant
    b: TestTenant
    examples: dict[str, dict[str, Any]]


@pytest.fixture(scope="module")
def world(nexus_postgres_server: str) -> Iterator[World]:
    """One app with every installed plugin and two tenants, for the whole module."""
    settings = Settings(log_level="warning")
    examples = {
        record.name: dict(record.manifest.example_payloads)
        for record in load_plugins(settings, plugins=PLUGINS).loaded
        if record.manifest
    }
    with (
        migrated_database(nexus_postgres_server, PLUGINS) as url,
        create_test_client(PLUGINS, database_url=url, settings=settings) as client,
    ):
        yield World(client, make_tenant(url), make_tenant(url), examples)


def _seed(world: World, seeds: dict[str, Seed], mark: str) -> Seeded:
    made: Seeded = {}
    for name, seed in seeds.items():
        key = seed.example or f"POST {seed.route}"
        example = world.examples.get(seed.plugin, {}).get(key, {})
        route = seed.route.format(**{name: record["id"] for name, record in made.items()})
        path = f"/api/v1/{seed.plugin}{route}"
        response = world.client.post(
            path, json={**example, **seed.override(mark)}, headers=world.b.headers
        )
        assert response.status_code == 201, f"tenant B's POST {path}: {response.text}"
        made[name] = response.json()
    return made


def _text(answer: Any) -> str:
    return json.dumps({"result": answer.result, "error": answer.error}, default=str)


@pytest.mark.parametrize("name", TOOLS, ids=str)
def test_every_tool_keeps_to_its_tenant(world, name):
    recipe = RECIPES.get(name)
    assert recipe is not None, (
        f"tool {name!r} has no input recipe: add one to RECIPES in {__name__} naming tenant "
        "B's records it could reach"
    )
    mark = f"zq{uuid.uuid4().hex[:12]}"
    theirs = _seed(world, recipe.seeds, mark)
    arguments = recipe.arguments(theirs, mark)

    answer = call_tool(world.client, world.a, name, arguments, confirmed=True)

    text = _text(answer)
    ids = [str(record["id"]) for record in theirs.values()]
    shown = ids if recipe.echoes else [mark, *ids]
    assert not [item for item in shown if item in text], f"{name} showed tenant B's {text}"
    if recipe.refused:
        assert not answer.ok, f"{name} ran on tenant B's record for tenant A: {text}"
        assert not answer.confirmation_required
    control = call_tool(world.client, world.b, name, arguments, confirmed=True)
    assert control.ok, f"the recipe of {name} fails for tenant B itself: {control.error}"
    if recipe.empty:
        assert answer.ok and not answer.result, f"{name} showed tenant B's {text}"
        assert control.result, f"{name} shows nothing of tenant B's own records"
    if recipe.finds:
        mine = _text(control)
        assert any(item in mine for item in shown), f"{name} does not find B's own record"


def test_every_recipe_of_an_installed_plugin_names_one_of_its_tools():
    stale = [n for n in RECIPES if n.split(".", 1)[0] in INSTALLED and n not in TOOLS]
    assert not stale, f"recipes for tools no installed plugin registers: {stale}"
