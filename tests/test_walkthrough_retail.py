"""docs/walkthrough-retail.md, run as written: ``nexus up`` with the Nigerian retailer, then curl.

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
PROFILE = ROOT / "presets" / "examples" / "nigerian-retailer.json"
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
    """``nexus up --profile presets/examples/nigerian-retailer.json``: its API client and banner."""
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
    assert console.startswith(
        "$ uv run nexus up --profile presets/examples/nigerian-retailer.json\n"
    )
    assert banner_lines(output) == banner_lines(console)
    assert "provisioning tenant 'adaeze-home' …" in output


def test_the_walkthrough_runs_as_written(served):
    api, _ = served
    text = blocks("text")
    year = date.today().year
    got: list[str] = []

    def check(answer: str) -> None:
        """The next ``text`` block of the page is ``answer`` (the year of numbers aside)."""
        got.append(answer)
        assert answer == shown(text[len(got) - 1], year=year)

    def line(value: dict, *keys: str) -> str:
        return compact(value, *keys) + "\n"

    # 1. The features the preset switched on, and Nigeria's VAT.
    features = ok(api.get("/api/v1/features"))
    check("".join(f"{f['key']} {f['state']}\n" for f in features if f["source"] == "preset"))
    taxes = ok(api.get("/api/v1/finance/taxes"))["items"]
    check("".join(f"{t['name']} {t['scope']} {t['rate']}\n" for t in taxes))

    # 2. Buy: a purchase order for 100 desks at 8,000, received.
    product = ok(
        api.post(
            "/api/v1/inventory/products",
            json={"sku": "DESK-1", "name": "Oak desk", "currency": "NGN", "sale_price": "12500"},
        ),
        201,
    )
    vendor = ok(api.post("/api/v1/purchase/vendors", json={"name": "Lagos Timber Ltd"}), 201)
    po = ok(
        api.post(
            "/api/v1/purchase/orders",
            json={
                "vendor_id": vendor["id"],
                "lines": [{"product_id": product["id"], "quantity": "100", "unit_price": "8000"}],
            },
        ),
        201,
    )
    ok(api.post(f"/api/v1/purchase/orders/{po['id']}/send"))
    confirmed = ok(api.post(f"/api/v1/purchase/orders/{po['id']}/confirm"))
    receipt = ok(api.post(f"/api/v1/purchase/orders/{po['id']}/receipts", json={}), 201)
    stock = ok(api.get(f"/api/v1/inventory/products/{product['id']}/stock"))
    check(
        line(confirmed, "number", "state", "untaxed_total")
        + line(receipt, "order_state")
        + line(stock, "sku", "on_hand", "available")
    )

    # 3. The vendor's bill, matched three ways, clears stock received not billed.
    def valued():
        """The receipt's valuation is booked in Finance."""
        return any(e["source"] == "inventory" for e in entries(api))

    eventually(valued, timeout=TIMEOUT)
    bill = ok(
        api.post(
            f"/api/v1/purchase/orders/{po['id']}/bills",
            json={
                "vendor_reference": "LT-118",
                "date": date.today().isoformat(),
                "lines": [
                    {"order_line_id": po["lines"][0]["id"], "quantity": "100", "unit_price": "8000"}
                ],
            },
        ),
        201,
    )
    check(line(bill, "state", "matched", "untaxed_total", "tax_total", "total"))

    # 4. Quote 10 at 12,500; the customer accepts; the order is confirmed.
    quote = ok(
        api.post(
            "/api/v1/sales/quotations",
            json={
                "partner_name": "Chidi Furnishings",
                "currency": "NGN",
                "lines": [
                    {
                        "description": "Oak desk",
                        "product_id": product["id"],
                        "quantity": "10",
                        "unit_price": "12500",
                    }
                ],
            },
        ),
        201,
    )
    ok(api.post(f"/api/v1/sales/quotations/{quote['id']}/send"))
    accepted = ok(api.post(f"/api/v1/sales/quotations/{quote['id']}/accept"))
    order = ok(api.post(f"/api/v1/sales/quotations/{quote['id']}/order"), 201)
    order = ok(api.post(f"/api/v1/sales/orders/{order['id']}/confirm"))
    check(
        line(quote, "number", "version", "untaxed_total", "tax_total", "total")
        + line(accepted, "number", "state")
        + line(order, "number", "state")
    )

    # 5. Deliver 6, then the backorder of 4.
    first = ok(
        api.post(
            f"/api/v1/sales/orders/{order['id']}/deliveries",
            json={"lines": [{"order_line_id": order["lines"][0]["id"], "quantity": "6"}]},
        ),
        201,
    )
    after_first = ok(api.get(f"/api/v1/sales/orders/{order['id']}"))
    ok(api.post(f"/api/v1/sales/orders/{order['id']}/deliveries", json={}), 201)
    after_second = ok(api.get(f"/api/v1/sales/orders/{order['id']}"))
    stock = ok(api.get(f"/api/v1/inventory/products/{product['id']}/stock"))
    backorders = [b["quantity"] for b in after_first["backorders"]]
    check(
        json.dumps({"state": after_first["state"], "backorders": backorders}, separators=(",", ":"))
        + "\n"
        + json.dumps(
            {"state": after_second["state"], "deliveries": len(after_second["deliveries"])},
            separators=(",", ":"),
        )
        + "\n"
        + line(stock, "sku", "on_hand", "available")
    )

    # 6. Invoice with VAT, posted; 7. the customer pays.
    invoiced = ok(api.post(f"/api/v1/sales/orders/{order['id']}/invoice", json={"post": True}), 201)
    invoice = ok(api.get(f"/api/v1/finance/invoices/{invoiced['document_id']}"))
    assert invoice["origin"]["id"] == order["id"]
    listed = ok(api.get(f"/api/v1/sales/orders/{order['id']}"))["invoices"]
    check(
        line(invoice, "number", "state", "untaxed_total", "tax_total", "total")
        + line(invoice["origin"], "plugin", "kind", "sequence")
        + json.dumps([x["number"] for x in listed], separators=(",", ":"))
        + "\n"
    )
    ok(
        api.post(
            "/api/v1/finance/payments",
            json={
                "partner_id": invoice["partner_id"],
                "amount": "134375.00",
                "allocations": [{"invoice_id": invoice["id"], "amount": "134375.00"}],
            },
        ),
        201,
    )
    paid = ok(api.get(f"/api/v1/finance/invoices/{invoice['id']}"))
    check(line(paid, "number", "state", "amount_paid", "residual"))

    # 8. One desk comes back: stock 91, a credit note for the invoice, refunded.
    returned = ok(
        api.post(
            f"/api/v1/sales/deliveries/{first['id']}/returns",
            json={"lines": [{"delivery_line_id": first["lines"][0]["id"], "quantity": "1"}]},
        ),
        201,
    )
    stock = ok(api.get(f"/api/v1/inventory/products/{product['id']}/stock"))
    note = ok(api.get(f"/api/v1/finance/invoices/{returned['credit_note_id']}"))
    check(
        line(returned, "value")
        + line(stock, "sku", "on_hand", "available")
        + line(note, "number", "kind", "state", "reference", "total", "residual")
        + credit_notes(api, invoice["id"])
    )
    ok(
        api.post(
            "/api/v1/finance/payments",
            json={
                "partner_id": note["partner_id"],
                "direction": "outbound",
                "amount": "13437.50",
                "allocations": [{"invoice_id": note["id"], "amount": "13437.50"}],
            },
        ),
        201,
    )
    refunded = ok(api.get(f"/api/v1/finance/invoices/{note['id']}"))
    check(line(refunded, "number", "state", "residual") + credit_notes(api, invoice["id"]))

    # 9. The books.
    def booked():
        """The receipt, both deliveries and the return are valued in Finance."""
        return sum(e["source"] == "inventory" for e in entries(api)) == 4

    eventually(booked, timeout=TIMEOUT)
    csv = api.get("/api/v1/finance/reports/trial-balance", params={"format": "csv"})
    assert csv.status_code == 200, csv.text
    totals = ok(api.get("/api/v1/finance/reports/trial-balance"))["totals"]
    check(csv.text.replace("\r\n", "\n") + json.dumps(totals, separators=(",", ":")) + "\n")
    for report in ("profit-and-loss", "balance-sheet"):
        rows = ok(api.get(f"/api/v1/finance/reports/{report}"))["rows"]
        check("".join(f"{r['section']}  {r['account_name']}  {r['amount']}\n" for r in rows))
    assert len(got) == len(text), "every answer the page shows was checked"


def credit_notes(api: httpx.Client, invoice_id: str) -> str:
    """``jq -c '.credit_notes[] | {number, state, residual}'`` of the invoice."""
    notes = ok(api.get(f"/api/v1/finance/invoices/{invoice_id}"))["credit_notes"]
    return "".join(compact(n, "number", "state", "residual") + "\n" for n in notes)


def entries(api: httpx.Client) -> list[dict]:
    return ok(api.get("/api/v1/finance/entries"))["items"]  # type: ignore[no-any-return]
