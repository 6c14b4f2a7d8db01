"""docs/walkthrough-retail.md, run as written: ``nexus up`` with the retail example, then curl.

The page's banner and the answers it shows (its ``text`` blocks, in order) are compared with
what the served kernel prints and answers, the ``jq`` projections done here in Python; ids,
passwords, keys, the port and the year are the only parts allowed to differ. A change of
the flow, the banner or an answer fails here until the page shows it.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import httpx
import pytest

from .conftest import serving
from .test_server_event_worker import banner, eventually

ROOT = Path(__file__).parents[1]
PAGE = ROOT / "docs" / "walkthrough-retail.md"
PROFILE = ROOT / "presets" / "examples" / "retail.json"
TIMEOUT = 30.0


def blocks(kind: str) -> list[str]:
    """The page's fenced blocks of ``kind`` (``text``, ``console``), in order."""
    return re.findall(rf"^```{kind}\n(.*?)^```", PAGE.read_text(), flags=re.M | re.S)


def shown(block: str, *, year: int | None = None) -> str:
    """A block of the page, the year of its document numbers turned into ``year``."""
    return block.replace("/2026/", f"/{year}/") if year else block


def compact(value: dict, *keys: str) -> str:
    """``jq -c '{a, b}'``: the keys picked, in order, on one line."""
    return json.dumps({key: value[key] for key in keys}, separators=(",", ":"))


def banner_lines(text: str) -> list[str]:
    """The banner from ``Nexus is up`` to ``try:``, its secrets and addresses masked."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Nexus is up"))
    end = next(i for i, line in enumerate(lines) if line.lstrip().startswith("try:"))
    masks = [
        (r"http://127\.0\.0\.1:\d+", "<base>"),
        (r"\([0-9a-f-]{36}\)", "(<tenant id>)"),
        (r"password: \S+", "password: <password>"),
        (r"nxk_\S+", "<key>"),
    ]
    masked = []
    for line in lines[start : end + 1]:
        for pattern, mask in masks:
            line = re.sub(pattern, mask, line)
        masked.append(line)
    return masked


@pytest.fixture
def served(nexus_database_url, tmp_path):
    """``nexus up --profile presets/examples/retail.json``: its API client and banner."""
    env = {"NEXUS_DATABASE_URL": nexus_database_url}
    command = ("up", "--profile", str(PROFILE))
    with serving(path=[], env=env, cwd=tmp_path, command=command, timeout=120) as base:
        output, auth = banner(tmp_path)
        with httpx.Client(base_url=base, headers=auth, timeout=TIMEOUT) as api:
            yield api, output


def ok(response: httpx.Response, status: int = 200):
    assert response.status_code == status, f"{response.request.url}: {response.text}"
    return response.json()


def test_the_banner_is_the_one_the_page_shows(served):
    _, output = served
    [console] = blocks("console")
    assert console.startswith("$ uv run nexus up --profile presets/examples/retail.json\n")
    assert banner_lines(output) == banner_lines(console)
    assert "provisioning tenant 'corner-shop' …" in output


def test_the_walkthrough_runs_as_written(served):
    api, _ = served
    text = blocks("text")
    year = date.today().year

    # 1. The features the preset switched on.
    features = ok(api.get("/api/v1/features"))
    listed = [f"{f['key']} {f['state']}" for f in features if f["source"] == "preset"]
    assert "\n".join(listed) + "\n" == text[0]
    # The books are French (the profile's country): TVA at the standard rate.
    taxes = ok(api.get("/api/v1/finance/taxes"))["items"]
    assert {t["name"] for t in taxes} == {"TVA 20% (sales)", "TVA 20% (purchases)"}

    # 2. Receive stock.
    product = ok(
        api.post(
            "/api/v1/inventory/products",
            json={
                "sku": "DESK-1",
                "name": "Oak desk",
                "cost_price": "120.00",
                "sale_price": "249.00",
            },
        ),
        201,
    )
    receipt = ok(
        api.post(
            "/api/v1/inventory/moves",
            json={
                "kind": "receipt",
                "sku": "DESK-1",
                "quantity": "10",
                "unit_cost": "120.00",
                "validate": True,
            },
        ),
        201,
    )
    on_hand = ok(api.get(f"/api/v1/inventory/products/{product['id']}/stock"))
    assert (
        compact(receipt, "kind", "state", "sku", "quantity", "value", "currency")
        + "\n"
        + compact(on_hand, "sku", "on_hand", "available")
        + "\n"
        == text[1]
    )

    def entries():
        """Finance's journal entries, as the page's jq shows them."""
        items = ok(api.get("/api/v1/finance/entries"))["items"]
        return [
            json.dumps(
                {
                    "number": e["number"],
                    "memo": e["memo"],
                    "lines": [
                        {k: line[k] for k in ("account_code", "debit", "credit")}
                        for line in e["lines"]
                    ],
                },
                separators=(",", ":"),
            )
            for e in items
        ]

    def valued():
        """The receipt's valuation is booked in Finance."""
        return entries()

    assert "\n".join(eventually(valued, timeout=TIMEOUT)) + "\n" == shown(text[2], year=year)

    # 3. Win a deal in CRM.
    company = ok(
        api.post(
            "/api/v1/crm/companies",
            json={"name": "Globex", "country": "FR", "email": "achats@globex.example"},
        ),
        201,
    )
    contact = ok(
        api.post(
            "/api/v1/crm/contacts",
            json={
                "first_name": "Ada",
                "last_name": "Durand",
                "email": "ada@globex.example",
                "company_id": company["id"],
            },
        ),
        201,
    )
    deal = ok(
        api.post(
            "/api/v1/crm/deals",
            json={
                "title": "Globex office desks",
                "company_id": company["id"],
                "contact_id": contact["id"],
                "lines": [
                    {
                        "description": "Oak desk",
                        "quantity": "3",
                        "unit_price": "249.00",
                        "product_id": product["id"],
                        "sku": "DESK-1",
                    }
                ],
            },
        ),
        201,
    )
    won = ok(api.post(f"/api/v1/crm/deals/{deal['id']}/win"))
    assert compact(won, "title", "status", "stage", "amount", "currency") + "\n" == text[3]

    # 4. The invoice Finance drafted.
    def drafted():
        """Finance drafted the won deal's invoice."""
        return ok(api.get("/api/v1/finance/invoices", params={"state": "draft"}))["items"]

    [draft] = eventually(drafted, timeout=TIMEOUT)
    lines = [
        {k: line[k] for k in ("description", "quantity", "unit_price", "sku")}
        for line in draft["lines"]
    ]
    picked = {k: draft[k] for k in ("state", "reference", "total")} | {"lines": lines}
    assert json.dumps(picked, indent=2) + "\n" == text[4]

    posted = ok(api.post(f"/api/v1/finance/invoices/{draft['id']}/post"))
    assert posted["number"] == f"INV/{year}/00001"
    shown_post = json.loads(shown(text[5], year=year))
    assert {k: posted[k] for k in ("number", "state", "total", "residual")} == {
        k: shown_post[k] for k in ("number", "state", "total", "residual")
    }  # the due date is the day's: 30 days on

    # 5. Inventory delivered the product.
    def delivered():
        """Inventory delivered the posted invoice's product line."""
        params = {"kind": "delivery"}
        return ok(api.get("/api/v1/inventory/moves", params=params))["items"]

    [delivery] = eventually(delivered, timeout=TIMEOUT)
    on_hand = ok(api.get(f"/api/v1/inventory/products/{product['id']}/stock"))
    assert compact(
        delivery, "kind", "state", "sku", "quantity", "reference", "value"
    ) + "\n" + compact(on_hand, "sku", "on_hand", "available") + "\n" == shown(text[6], year=year)

    # 6. Get paid.
    partner = ok(api.get(f"/api/v1/finance/invoices/{draft['id']}"))["partner_id"]
    payment = ok(
        api.post(
            "/api/v1/finance/payments",
            json={
                "partner_id": partner,
                "amount": "747.00",
                "allocations": [{"invoice_id": draft["id"], "amount": "747.00"}],
            },
        ),
        201,
    )
    paid = ok(api.get(f"/api/v1/finance/invoices/{draft['id']}"))
    payment_line, invoice_line = shown(text[7], year=year).splitlines()
    assert compact(payment, "direction", "amount", "currency").rstrip("}") in payment_line
    allocations = [(a["invoice_id"], a["amount"]) for a in payment["allocations"]]
    assert allocations == [(draft["id"], "747.00")]
    assert compact(paid, "number", "state", "amount_paid", "residual") == invoice_line

    # 7. The books: the trial balance sums to zero, the receivable is cleared.
    def booked():
        """The delivery's cost of goods sold is booked, so the books are complete."""
        return len(entries()) == 4 and entries()

    eventually(booked, timeout=TIMEOUT)
    csv = api.get("/api/v1/finance/reports/trial-balance", params={"format": "csv"})
    assert csv.status_code == 200, csv.text
    totals = ok(api.get("/api/v1/finance/reports/trial-balance"))["totals"]
    assert (
        csv.text.replace("\r\n", "\n") + json.dumps(totals, separators=(",", ":")) + "\n"
        == (text[8])
    )
    assert totals["EUR"]["debit_balance"] == totals["EUR"]["credit_balance"]
    assert ",1100,Trade receivables,asset,747.00,747.00,0.00,0.00" in csv.text

    items = ok(api.get("/api/v1/finance/entries"))["items"]
    listed = [f"{e['number']}  {e['source']}  {e['memo']}" for e in items]
    assert "\n".join(listed) + "\n" == shown(text[9], year=year)

    # 8. Switch a link off.
    off = ok(
        api.put(
            "/api/v1/features/inventory.deliver_on_invoice",
            json={"enabled": False, "reason": "deliveries entered by hand this week"},
        )
    )
    assert json.dumps(off, separators=(",", ":")) + "\n" == text[10]
