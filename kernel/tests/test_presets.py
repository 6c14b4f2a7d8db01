"""The presets catalog: the TOML format, extends, validation, diff and ``nexus presets``."""

from __future__ import annotations

import json
import re
import sys
from importlib.metadata import EntryPoint
from pathlib import Path
from textwrap import dedent

import msgspec
import pytest
from click.testing import CliRunner
from kernel_samples.others import named
from nexus.cli import _presets as presets_cli
from nexus.cli import cli
from nexus.plugins import load_plugins
from nexus.presets import (
    FeatureChange,
    Preset,
    PresetCatalog,
    PresetError,
    SettingChange,
    UnknownPresetError,
    _load,
    diff,
    load_presets,
    load_presets_from,
    parse_preset,
    validate,
)
from nexus.settings import Settings
from nexus_hookspecs import Feature

README = Path(__file__).resolve().parents[2] / "presets" / "README.md"


class CrmSettings(msgspec.Struct):
    pipeline: str = "sales"
    max_deals: int = 100


class FinanceSettings(msgspec.Struct):
    currency: str
    fiscal_year_start: int = 1


class FinanceSeed(msgspec.Struct, forbid_unknown_fields=True):
    accounts: list[str] = []
    journal: str = "main"


def sample_registry():
    return load_plugins(
        Settings(),
        plugins=[
            named("contacts"),
            named(
                "crm",
                requires=("contacts",),
                features=(
                    Feature(key="deals", title="Deals"),
                    Feature(key="leads", title="Leads", default=False),
                ),
                settings=CrmSettings,
            ),
            named(
                "finance",
                features=(Feature(key="invoices", title="Invoices"),),
                settings=FinanceSettings,
                seed=FinanceSeed,
            ),
            named("sales", requires=("crm",)),
            named("broken", requires=("missing",)),
        ],
    )


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.toml"
    path.write_text(dedent(text))
    return path


def preset_toml(name: str, body: str = "", **fields: str) -> str:
    head = [f'name = "{name}"', f'title = "{name.title()}"']
    head.extend(f"{key} = {value}" for key, value in fields.items())
    return "\n".join(head) + "\n" + dedent(body)


BASE = """\
    name = "base"
    title = "Base"
    description = "The root."
    industry = "general"
    plugins = ["contacts", "finance"]

    [features]
    "finance.invoices" = true

    [settings.finance]
    currency = "EUR"
    fiscal_year_start = 1

    [seed.finance]
    accounts = ["4000", "5000"]
    journal = "main"
"""

SHOP = """\
    name = "shop"
    title = "Shop"
    industry = "retail"
    extends = "base"
    plugins = ["crm"]

    [features]
    "finance.invoices" = false
    "crm.leads" = true

    [settings.finance]
    fiscal_year_start = 4

    [settings.crm]
    pipeline = "retail"

    [seed.finance]
    accounts = ["4000"]
"""


@pytest.fixture
def catalog(tmp_path):
    write(tmp_path, "base", BASE)
    write(tmp_path, "shop", SHOP)
    return load_presets_from([tmp_path])


# --- the file format ---------------------------------------------------------------------


def test_readme_example_parses():
    example = re.search(r"```toml\n(# retail-eu\.toml.*?)```", README.read_text(), re.DOTALL)
    preset = parse_preset(example.group(1), source="README.md")
    assert preset.extends == "retail"
    assert preset.features["pos.loyalty"] is False
    assert preset.settings["finance"]["currency"] == "EUR"
    assert preset.seed["finance"]["tax_rates"][0]["rate"] == "5.5"


def test_malformed_toml_names_the_file(tmp_path):
    path = write(tmp_path, "bad", 'name = "bad"\n[features\n')
    with pytest.raises(PresetError) as caught:
        load_presets_from([path])
    assert str(caught.value).startswith(f"{path}: ")
    assert "line 2" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('name = "x"\ntitle = 1', "title: Expected `str`, got `int`"),
        ('name = "Not A Slug"\ntitle = "x"', "name: Expected `str` matching regex"),
        ('name = "x"\ntitle = "x"\nplugin = ["crm"]', "Object contains unknown field `plugin`"),
        ('name = "x"\ntitle = "x"\nplugins = [1]', "plugins[0]: Expected `str`, got `int`"),
        (
            'name = "x"\ntitle = "x"\n[settings]\ncrm = 1',
            "settings.crm: Expected a table, got `int`",
        ),
        (
            'name = "x"\ntitle = "x"\n[features]\ncrm = "on"',
            "features.crm: Expected `bool`, got `str`",
        ),
        ('title = "x"', "Object missing required field `name`"),
    ],
    ids=[
        "wrong-type",
        "name-not-slug",
        "unknown-key",
        "plugin-not-string",
        "settings-not-table",
        "feature-not-bool",
        "no-name",
    ],
)
def test_schema_errors_name_file_and_field(tmp_path, text, message):
    path = write(tmp_path, "x", text)
    with pytest.raises(PresetError) as caught:
        load_presets_from([path])
    assert str(caught.value).startswith(f"{path}: {message}")


def test_unquoted_dotted_feature_keys_read_as_quoted():
    preset = parse_preset(
        'name = "x"\ntitle = "X"\n[features]\ncrm.deals = false\nhr = true', source="x"
    )
    assert preset.features == {"crm.deals": False, "hr": True}


def test_missing_path_and_empty_directory_are_problems(tmp_path):
    (tmp_path / "empty").mkdir()
    catalog = load_presets_from([tmp_path / "nope", tmp_path / "empty"], strict=False)
    assert [str(p) for p in catalog.problems] == [
        f"{tmp_path / 'nope'}: no such file or directory",
        f"{tmp_path / 'empty'}: no *.toml files",
    ]


# --- extends -------------------------------------------------------------------------------


def test_extends_merges_key_by_key_with_the_child_winning(catalog):
    shop = catalog.resolve("shop")
    assert shop.chain == ("base", "shop")
    assert shop.plugins == {"contacts", "finance", "crm"}
    assert shop.features == {"finance.invoices": False, "crm.leads": True}
    assert shop.settings == {
        "finance": {"currency": "EUR", "fiscal_year_start": 4},
        "crm": {"pipeline": "retail"},
    }
    assert shop.seed == {"finance": {"accounts": ["4000"], "journal": "main"}}


def test_title_is_own_while_description_and_industry_are_inherited(catalog):
    shop = catalog.resolve("shop")
    assert (shop.title, shop.description, shop.industry) == ("Shop", "The root.", "retail")
    lone = PresetCatalog([Preset(name="lone", title="Lone")]).resolve("lone")
    assert (lone.description, lone.industry) == ("", "general")


def test_a_child_switches_off_an_inherited_plugin(tmp_path):
    write(tmp_path, "base", BASE)
    write(tmp_path, "lean", preset_toml("lean", "[features]\nfinance = false\n", extends='"base"'))
    lean = load_presets_from([tmp_path]).resolve("lean")
    assert lean.plugins == {"contacts"}
    assert lean.features["finance"] is False


def test_resolving_leaves_the_catalog_unchanged(catalog):
    catalog.resolve("shop").seed["finance"]["accounts"].append("9999")
    assert catalog.resolve("shop").seed["finance"]["accounts"] == ["4000"]
    assert catalog.get("base").seed["finance"]["accounts"] == ["4000", "5000"]


def test_resolve_closes_plugins_under_requires(tmp_path):
    write(tmp_path, "sell", preset_toml("sell", plugins='["sales"]'))
    catalog = load_presets_from([tmp_path])
    assert catalog.resolve("sell").plugins == {"sales"}
    closed = catalog.resolve("sell", registry=sample_registry())
    assert closed.plugins == {"sales", "crm", "contacts"}


def test_extends_cycle_names_the_chain(tmp_path):
    write(tmp_path, "a", preset_toml("a", extends='"b"'))
    write(tmp_path, "b", preset_toml("b", extends='"a"'))
    write(tmp_path, "c", preset_toml("c", extends='"a"'))
    catalog = load_presets_from([tmp_path])
    with pytest.raises(PresetError, match="extends cycle: a → b → a"):
        catalog.resolve("c")


def test_unknown_extends_names_the_preset_and_file(tmp_path):
    path = write(tmp_path, "a", preset_toml("a", extends='"nope"'))
    with pytest.raises(PresetError) as caught:
        load_presets_from([tmp_path]).resolve("a")
    assert str(caught.value) == f"{path}: a: extends unknown preset 'nope'"


def test_unknown_preset_lists_the_known_ones(catalog):
    with pytest.raises(UnknownPresetError, match=r"unknown preset 'nope' \(known: base, shop\)"):
        catalog.get("nope")


# --- loading packs -------------------------------------------------------------------------


def test_duplicate_names_across_two_sources_name_both(tmp_path):
    first = write(tmp_path / "one", "base", BASE)
    second = write(tmp_path / "two", "root", BASE)
    with pytest.raises(PresetError) as caught:
        load_presets_from([tmp_path / "one", tmp_path / "two"])
    assert str(caught.value) == (
        f"{second}: base: preset 'base' is defined twice: in {first} and in {second}"
    )


@pytest.fixture
def acme_pack(tmp_path, monkeypatch):
    """Install a preset pack ``acme`` (package ``acme_pack``) next to the real ones."""
    package = tmp_path / "acme_pack"
    package.mkdir()
    (package / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "acme_pack", raising=False)
    acme = EntryPoint(name="acme", value="acme_pack", group=_load.ENTRY_POINT_GROUP)
    installed = _load.entry_points(group=_load.ENTRY_POINT_GROUP)
    monkeypatch.setattr(_load, "entry_points", lambda group: [acme, *installed])
    return package


def test_installed_packs_load_through_entry_points(acme_pack):
    write(acme_pack, "shop", SHOP)
    (acme_pack / "profiles").mkdir()
    write(acme_pack / "profiles", "not-a-preset", "this is not read")
    catalog = load_presets()
    assert {"base", "shop"} <= set(catalog.names())
    assert catalog.source("shop") == str(acme_pack / "shop.toml")
    assert catalog.resolve("shop").chain == ("base", "shop")


def test_duplicate_names_across_packs_name_both_packs(acme_pack):
    write(acme_pack, "base", BASE)
    with pytest.raises(PresetError) as caught:
        load_presets()
    message = str(caught.value)
    assert "preset 'base' is defined twice" in message
    assert f"in {acme_pack / 'base.toml'} (pack 'acme' from no distribution)" in message
    assert "nexus_presets/base.toml (pack 'nexus' from nexus-presets)" in message


def test_lenient_loading_keeps_the_good_presets(tmp_path):
    write(tmp_path, "base", BASE)
    write(tmp_path, "bad", 'name = "bad"\ntitle = 1')
    catalog = load_presets_from([tmp_path], strict=False)
    assert catalog.names() == ["base"]
    assert [p.source for p in catalog.problems] == [str(tmp_path / "bad.toml")]


# --- validation ----------------------------------------------------------------------------


def test_valid_presets_have_no_problems(catalog):
    assert validate(catalog, sample_registry()) == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('plugins = ["nope"]', "plugins: unknown plugin 'nope'"),
        (
            'plugins = ["broken"]',
            "plugins: plugin 'broken' is blocked: requires 'missing', which is not installed",
        ),
        (
            'plugins = ["crm", "contacts"]\n[features]\n"crm.nope" = true',
            "features.crm.nope: unknown feature",
        ),
        ('[features]\n"nope.x" = true', "features.nope.x: unknown plugin 'nope'"),
        (
            '[features]\n"finance.invoices" = false',
            "features.finance.invoices: plugin 'finance' is not in the preset's plugins",
        ),
        ("[settings.nope]\nx = 1", "settings.nope: unknown plugin 'nope'"),
        (
            "[settings.crm]\ncolour = 1",
            "settings.crm.colour: unknown setting ('crm' accepts max_deals, pipeline)",
        ),
        (
            '[settings.crm]\nmax_deals = "many"',
            "settings.crm.max_deals: Expected `int`, got `str`",
        ),
        (
            "[settings.finance]\nfiscal_year_start = 4",
            "settings.finance: Object missing required field `currency`",
        ),
        ("[settings.contacts]\nx = 1", "settings.contacts: plugin 'contacts' has no settings"),
        ("[seed.nope]\nx = 1", "seed.nope: unknown plugin 'nope'"),
        ("[seed.crm]\nx = 1", "seed.crm: plugin 'crm' takes no seed data"),
        (
            "[seed.finance]\ncolour = 1",
            "seed.finance: Object contains unknown field `colour`",
        ),
        (
            "[seed.finance]\naccounts = [1]",
            "seed.finance: Expected `str`, got `int` - at `seed.finance.accounts[0]`",
        ),
        ('extends = "nope"', "extends unknown preset 'nope'"),
        (
            'plugins = ["crm", "contacts"]\n[features]\ncontacts = false',
            "plugins: 'crm' requires 'contacts', which the preset switches off",
        ),
    ],
    ids=[
        "unknown-plugin",
        "plugin-not-loaded",
        "unknown-feature",
        "feature-of-unknown-plugin",
        "feature-of-plugin-not-in-preset",
        "settings-of-unknown-plugin",
        "unknown-setting",
        "setting-of-wrong-type",
        "setting-missing",
        "plugin-without-settings",
        "seed-of-unknown-plugin",
        "seed-of-plugin-without-seed",
        "unknown-seed-key",
        "seed-of-wrong-type",
        "unknown-extends",
        "required-plugin-switched-off",
    ],
)
def test_each_problem_is_one_line_naming_file_and_preset(tmp_path, body, message):
    path = write(tmp_path, "x", f'name = "x"\ntitle = "X"\n{body}\n')
    problems = validate(load_presets_from([tmp_path]), sample_registry())
    assert [p.level for p in problems] == ["error"]
    assert str(problems[0]).startswith(f"{path}: x: {message}")
    assert "\n" not in str(problems[0])


def test_a_listed_plugin_missing_its_requirement_is_a_warning(tmp_path):
    path = write(tmp_path, "x", preset_toml("x", plugins='["sales"]'))
    problems = validate(load_presets_from([tmp_path]), sample_registry())
    assert [str(p) for p in problems] == [
        f"{path}: x: warning: plugins: 'sales' requires 'crm', which the preset does not list; "
        "it is switched on with it"
    ]


def test_features_of_required_plugins_are_allowed(tmp_path):
    write(tmp_path, "x", preset_toml("x", '[features]\n"crm.leads" = true\n', plugins='["sales"]'))
    problems = validate(load_presets_from([tmp_path]), sample_registry())
    assert [p.level for p in problems] == ["warning"]


def test_every_problem_in_a_file_is_its_own_line(tmp_path):
    body = """\
        plugins = ["nope", "crm", "contacts"]
        [features]
        "crm.nope" = true
        [settings.crm]
        colour = "red"
        max_deals = "many"
        [seed.gone]
        x = 1
    """
    write(tmp_path, "x", preset_toml("x", body, extends='"missing"'))
    problems = validate(load_presets_from([tmp_path]), sample_registry())
    assert [p.message.split(":")[0] for p in problems] == [
        "extends unknown preset 'missing'",
        "plugins",
        "features.crm.nope",
        "settings.crm.colour",
        "settings.crm.max_deals",
        "seed.gone",
    ]


def test_extends_cycle_is_reported_at_each_preset_in_it(tmp_path):
    write(tmp_path, "a", preset_toml("a", extends='"b"'))
    write(tmp_path, "b", preset_toml("b", extends='"a"'))
    write(tmp_path, "c", preset_toml("c", extends='"a"'))
    problems = validate(load_presets_from([tmp_path]), sample_registry())
    assert [(p.preset, p.message) for p in problems] == [
        ("a", "extends cycle: a → b → a"),
        ("b", "extends cycle: b → a → b"),
    ]


def test_an_inherited_problem_is_reported_at_its_origin_only(tmp_path):
    write(tmp_path, "base", preset_toml("base", '[settings.crm]\nmax_deals = "many"\n'))
    write(
        tmp_path,
        "child",
        preset_toml("child", '[settings.crm]\npipeline = "x"\n', extends='"base"'),
    )
    problems = validate(load_presets_from([tmp_path]), sample_registry())
    assert [(p.preset, p.message) for p in problems] == [
        ("base", "settings.crm.max_deals: Expected `int`, got `str`")
    ]


def test_settings_are_checked_after_extends(tmp_path):
    write(tmp_path, "base", preset_toml("base", "[settings.finance]\nfiscal_year_start = 4\n"))
    completed = '[settings.finance]\ncurrency = "EUR"\n'
    write(tmp_path, "child", preset_toml("child", completed, extends='"base"'))
    problems = validate(load_presets_from([tmp_path]), sample_registry())
    assert [p.preset for p in problems] == ["base"]


def test_load_problems_come_first(tmp_path):
    write(tmp_path, "bad", 'name = "bad"\ntitle = 1')
    write(tmp_path, "x", preset_toml("x", plugins='["nope"]'))
    problems = validate(load_presets_from([tmp_path], strict=False), sample_registry())
    assert [p.preset for p in problems] == [None, "x"]


# --- diff ----------------------------------------------------------------------------------


def test_diff_lists_plugins_features_settings_and_seed(catalog):
    change = diff(catalog.resolve("base"), catalog.resolve("shop", registry=sample_registry()))
    assert change.plugins_added == ("crm",)
    assert change.plugins_removed == ()
    assert change.features == (
        FeatureChange(key="crm.leads", before=None, after=True),
        FeatureChange(key="finance.invoices", before=True, after=False),
    )
    assert change.settings == (
        SettingChange(plugin="crm", key="pipeline", before=None, after="retail"),
        SettingChange(plugin="finance", key="fiscal_year_start", before=1, after=4),
    )
    assert change.seed == ("finance",)
    assert not change.is_empty()
    back = diff(catalog.resolve("shop"), catalog.resolve("base"))
    assert back.plugins_removed == ("crm",)


def test_diff_of_a_preset_with_itself_is_empty(catalog):
    assert diff(catalog.resolve("shop"), catalog.resolve("shop")).is_empty()


# --- the command line ----------------------------------------------------------------------


def run(*args):
    return CliRunner().invoke(cli, list(map(str, args)), catch_exceptions=False)


@pytest.fixture
def with_sample_plugins(monkeypatch):
    monkeypatch.setattr(presets_cli, "load_plugins", lambda settings: sample_registry())


def test_list_shows_the_installed_base_preset():
    result = run("presets", "list", "--json")
    assert result.exit_code == 0, result.output
    base = next(row for row in json.loads(result.output) if row["name"] == "base")
    assert base == {
        "name": "base",
        "title": "Base",
        "industry": "general",
        "extends": None,
        "plugins": base["plugins"],
    }
    assert "base" in run("presets", "list").output


def test_list_reads_a_directory(tmp_path, with_sample_plugins):
    write(tmp_path, "base", BASE)
    write(tmp_path, "shop", SHOP)
    rows = json.loads(run("presets", "list", "--path", tmp_path, "--json").output)
    assert [(r["name"], r["extends"], r["plugins"]) for r in rows] == [
        ("base", None, ["contacts", "finance"]),
        ("shop", "base", ["contacts", "crm", "finance"]),
    ]


def test_show_prints_the_resolved_preset(tmp_path, with_sample_plugins):
    write(tmp_path, "base", BASE)
    write(tmp_path, "shop", SHOP)
    result = run("presets", "show", "shop", "--path", tmp_path, "--json")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["chain"] == ["base", "shop"]
    assert shown["plugins"] == ["contacts", "crm", "finance"]
    assert shown["settings"]["finance"] == {"currency": "EUR", "fiscal_year_start": 4}
    text = run("presets", "show", "shop", "--path", tmp_path).output
    assert "chain: base → shop" in text
    assert "  finance.fiscal_year_start = 4" in text


def test_show_installed_base():
    result = run("presets", "show", "base")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("base: Base\n")


def test_unknown_preset_is_a_one_line_error():
    result = run("presets", "show", "no-such-preset")
    assert result.exit_code == 1
    assert result.output.startswith("error: unknown preset 'no-such-preset' (known: ")
    assert result.output.count("\n") == 1


def test_validate_the_installed_catalog():
    result = run("presets", "validate")
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"ok: \d+ presets? valid\n", result.output)


def test_validate_a_bad_directory_prints_a_line_per_problem(tmp_path):
    write(tmp_path, "bad", 'name = "bad"\ntitle = 1')
    write(
        tmp_path, "x", preset_toml("x", "[seed.gone]\nx = 1\n", plugins='["nope"]', extends='"y"')
    )
    result = run("presets", "validate", tmp_path)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{tmp_path / 'bad.toml'}: title: Expected `str`, got `int`",
        f"{tmp_path / 'x.toml'}: x: extends unknown preset 'y'",
        f"{tmp_path / 'x.toml'}: x: plugins: unknown plugin 'nope'",
        f"{tmp_path / 'x.toml'}: x: seed.gone: unknown plugin 'gone'",
    ]


def test_validate_against_plugins_warns_but_passes(tmp_path, with_sample_plugins):
    write(tmp_path, "base", BASE)
    write(tmp_path, "sell", preset_toml("sell", plugins='["sales"]', extends='"base"'))
    result = run("presets", "validate", tmp_path)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "ok: 2 presets valid, 1 warning(s)"
    report = json.loads(run("presets", "validate", tmp_path, "--json").output)
    assert report["ok"] is True
    assert [p["level"] for p in report["problems"]] == ["warning"]


def test_diff_installed_base_with_itself():
    result = run("presets", "diff", "base", "base")
    assert result.exit_code == 0, result.output
    assert result.output == "no differences between base and base\n"


def test_diff_in_a_directory(tmp_path, with_sample_plugins):
    write(tmp_path, "base", BASE)
    write(tmp_path, "shop", SHOP)
    text = run("presets", "diff", "base", "shop", "--path", tmp_path).output
    assert text.splitlines() == [
        "plugins added: crm",
        "feature crm.leads: (not set) → true",
        "feature finance.invoices: true → false",
        'setting crm.pipeline: (not set) → "retail"',
        "setting finance.fiscal_year_start: 1 → 4",
        "seed differs: finance",
    ]
    change = json.loads(run("presets", "diff", "base", "shop", "--path", tmp_path, "--json").output)
    assert change["plugins_added"] == ["crm"]
    assert change["settings"][0] == {
        "plugin": "crm",
        "key": "pipeline",
        "before": None,
        "after": "retail",
    }


def test_switching_off_an_inherited_requirement_is_reported_at_the_child(tmp_path):
    write(tmp_path, "base", preset_toml("base", plugins='["crm", "contacts"]'))
    write(
        tmp_path, "child", preset_toml("child", "[features]\ncontacts = false\n", extends='"base"')
    )
    write(tmp_path, "grandchild", preset_toml("grandchild", extends='"child"'))
    catalog = load_presets_from([tmp_path])
    problems = validate(catalog, sample_registry())
    assert [(p.preset, p.message) for p in problems] == [
        ("child", "plugins: 'crm' requires 'contacts', which the preset switches off")
    ]
    # Resolving still closes over requires: crm cannot work without contacts.
    assert catalog.resolve("child", registry=sample_registry()).plugins == {"crm", "contacts"}


def test_a_pack_that_cannot_be_imported_is_a_problem(monkeypatch):
    broken = EntryPoint(name="gone", value="no_such_preset_pack", group=_load.ENTRY_POINT_GROUP)
    installed = _load.entry_points(group=_load.ENTRY_POINT_GROUP)
    monkeypatch.setattr(_load, "entry_points", lambda group: [*installed, broken])
    catalog = load_presets(strict=False)
    assert "base" in catalog
    [problem] = catalog.problems
    assert str(problem).startswith(
        "preset pack 'gone' (no_such_preset_pack) from no distribution cannot be read: "
    )
    with pytest.raises(PresetError, match="preset pack 'gone'"):
        load_presets()
