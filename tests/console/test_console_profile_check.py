"""The console's as-you-type profile check agrees with a reference JSON Schema validator."""

from __future__ import annotations

import json
from pathlib import Path

from jsonschema import Draft202012Validator
from nexus.provisioning import profile_json_schema

from tests.console._pages import css

DEMO = json.loads(
    (Path(__file__).resolve().parents[2] / "presets" / "examples" / "demo.json").read_text()
)


def changed(**fields):
    return {**DEMO, **fields}


def without(name):
    return {key: value for key, value in DEMO.items() if key != name}


CASES = {
    "demo": DEMO,
    "missing-admin": without("admin"),
    "missing-name": without("name"),
    "bad-slug": changed(slug="Bad Slug"),
    "short-slug": changed(slug="a"),
    "lower-country": changed(country="fr"),
    "long-currency": changed(currency="EURO"),
    "month-13": changed(fiscal_year_start=13),
    "month-as-text": changed(fiscal_year_start="4"),
    "month-float": changed(fiscal_year_start=4.5),
    "unknown-field": changed(colour="blue"),
    "admin-bad-email": changed(admin={"email": "no-at-sign", "name": "A"}),
    "admin-extra": changed(admin={"email": "a@b.example", "name": "A", "role": "x"}),
    "null-preset": changed(preset=None),
    "bad-preset": changed(preset="Retail!"),
    "features-not-bool": changed(features={"crm": "yes"}),
    "features-ok": changed(features={"crm": True, "crm.deals": False}),
    "settings-not-object": changed(settings={"crm": 1}),
    "empty-name": changed(name=""),
    "not-an-object": ["a", "list"],
}


def test_console_schema_check_matches_a_reference_validator(served, browser):
    schema = profile_json_schema()
    reference = Draft202012Validator(schema)
    browser.get(f"{served.base}/console")
    css(browser, "#signin-submit")
    verdicts = browser.execute_async_script(
        """
        const [schema, cases, done] = arguments;
        import("/console/assets/js/schema.js").then((m) => done(Object.fromEntries(
            Object.entries(cases).map(([name, value]) => [name, m.validate(schema, value)]))));
        """,
        schema,
        CASES,
    )
    disagree = {
        name: verdicts[name]
        for name, profile in CASES.items()
        if (verdicts[name] == []) is not reference.is_valid(profile)
    }
    assert disagree == {}
    assert verdicts["demo"] == []
    assert {"path": "admin", "message": "is required"} in verdicts["missing-admin"]
