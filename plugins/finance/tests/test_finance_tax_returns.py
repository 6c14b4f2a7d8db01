"""Tax summary and tax returns: the UK VAT return of a test quarter equals figures by hand.

A GB company (VAT 20 %, books in GBP) trades in the second quarter of 2026: sales with
standard-rated, zero-rated, untaxed and EU-supply lines, a credit note, bills with an EU
acquisition and reverse-charged services (self-assessed), an untaxed bill and a supplier
credit note, plus documents outside the quarter. The return is read over the API on the
accrual basis, then on the cash basis (where unpaid documents drop out and a March invoice
paid in April comes in); a return registered through ``finance_tax_returns`` from this
module is listed and computed like the built-in one.
"""

from __future__ import annotations

import pytest
from finance_support import API, ok, problem
from nexus.testing import make_tenant, set_plugin_settings
from nexus_finance.hooks import Box, TaxReturn, TaxSummary, hookimpl, plugin_manager

Q2 = {"date_from": "2026-04-01", "date_to": "2026-06-30"}


@pytest.fixture(scope="module")
def client(world):
    return world[0]


@pytest.fixture(scope="module")
def url(world):
    return world[1]


def make_tax(client, tenant, name, scope, rate, tags):
    body = {
        "name": name,
        "scope": scope,
        "rate": rate,
        "account_code": "2200" if scope == "sale" else "1300",
        "tags": tags,
    }
    return ok(client.post(f"{API}/taxes", json=body, headers=tenant.headers), 201)["id"]


def document(client, tenant, kind, partner, day, lines, direction=None):
    body = {"kind": kind, "partner_name": partner, "date": day, "currency": "GBP", "lines": lines}
    if direction:
        body["direction"] = direction
    made = ok(client.post(f"{API}/invoices", json=body, headers=tenant.headers), 201)
    return ok(client.post(f"{API}/invoices/{made['id']}/post", headers=tenant.headers))


def line(amount, tax=None):
    made = {"description": "Item", "unit_price": amount}
    if tax is not None:
        made["tax_id"] = tax
    return made


def pay(client, tenant, doc, day, amount=None, direction="inbound"):
    amount = amount or doc["total"]
    body = {
        "partner_id": doc["partner_id"],
        "amount": amount,
        "date": day,
        "direction": direction,
        "allocations": [{"invoice_id": doc["id"], "amount": amount}],
    }
    ok(client.post(f"{API}/payments", json=body, headers=tenant.headers), 201)


@pytest.fixture(scope="module")
def books(client, url):
    """The GB tenant's quarter; its documents by letter."""
    tenant = make_tenant(url)
    set_plugin_settings(url, tenant, "finance", {"country": "GB", "base_currency": "GBP"})
    taxes = ok(client.get(f"{API}/taxes", headers=tenant.headers))["items"]
    vat = next(t["id"] for t in taxes if t["scope"] == "sale")
    input_vat = next(t["id"] for t in taxes if t["scope"] == "purchase")
    zero = make_tax(client, tenant, "VAT 0% (sales)", "sale", "0", ["zero_rated"])
    eu_supply = make_tax(
        client, tenant, "VAT 0% EU goods", "sale", "0", ["zero_rated", "eu_goods_supply"]
    )
    acquisition = make_tax(
        client, tenant, "VAT 20% EU acquisition", "purchase", "20", ["eu_goods_acquisition"]
    )
    services = make_tax(
        client, tenant, "VAT 20% reverse charge", "purchase", "20", ["reverse_charge"]
    )
    doc = {}
    # Sales of the quarter.
    doc["A"] = document(
        client, tenant, "invoice", "Brit Ltd", "2026-04-10",
        [line("1000.00", vat), line("250.75", zero)],
    )  # fmt: skip
    doc["B"] = document(
        client, tenant, "invoice", "Euro GmbH", "2026-05-15", [line("3000.00", eu_supply)]
    )
    doc["C"] = document(
        client, tenant, "invoice", "Brit Ltd", "2026-06-20", [line("500.00", vat), line("80.00")]
    )
    doc["D"] = document(
        client, tenant, "credit_note", "Brit Ltd", "2026-06-05", [line("200.00", vat)], "sale"
    )
    # An invoice credited in full two days later: nothing, on either basis.
    doc["E"] = document(client, tenant, "invoice", "Brit Ltd", "2026-05-02", [line("100.00", vat)])
    ok(
        client.post(
            f"{API}/invoices/{doc['E']['id']}/credit-note",
            json={"date": "2026-05-04", "post": True},
            headers=tenant.headers,
        ),
        201,
    )
    # Purchases of the quarter.
    doc["F"] = document(
        client, tenant, "bill", "UK Supplies", "2026-04-20", [line("600.00", input_vat)]
    )
    doc["G"] = document(
        client, tenant, "bill", "Euro Parts BV", "2026-05-10", [line("2000.00", acquisition)]
    )
    doc["H"] = document(
        client, tenant, "bill", "US Consulting Inc", "2026-06-12", [line("1000.00", services)]
    )
    doc["I"] = document(client, tenant, "bill", "Insurer", "2026-06-25", [line("150.60")])
    doc["J"] = document(
        client, tenant, "credit_note", "UK Supplies", "2026-06-28", [line("100.00", input_vat)],
        "purchase",
    )  # fmt: skip
    # Outside the quarter.
    doc["K"] = document(client, tenant, "invoice", "Brit Ltd", "2026-03-31", [line("400.00", vat)])
    doc["L"] = document(
        client, tenant, "bill", "UK Supplies", "2026-07-01", [line("300.00", input_vat)]
    )
    # Payments: C, H and J stay open; B is half paid; K (March) is paid in April.
    pay(client, tenant, doc["A"], "2026-04-30")
    pay(client, tenant, doc["B"], "2026-06-01", "1500.00")
    pay(client, tenant, doc["D"], "2026-06-10", direction="outbound")  # refund
    pay(client, tenant, doc["K"], "2026-04-05")
    pay(client, tenant, doc["F"], "2026-05-01", direction="outbound")
    pay(client, tenant, doc["G"], "2026-05-20", direction="outbound")
    pay(client, tenant, doc["I"], "2026-06-26", direction="outbound")
    return tenant, doc


def vat_return(client, tenant, **params):
    answer = ok(
        client.get(f"{API}/tax-returns/gb_vat", params={**Q2, **params}, headers=tenant.headers)
    )
    return answer, {box["number"]: box["amount"] for box in answer["boxes"]}


def test_reverse_charge_documents_charge_no_vat(books):
    _, doc = books
    assert doc["G"]["tax_total"] == "0.00" and doc["G"]["total"] == "2000.00"
    assert doc["H"]["total"] == "1000.00"
    assert doc["A"]["total"] == "1450.75"  # 1000 + 200 VAT + 250.75 zero-rated


def test_uk_vat_return_on_the_accrual_basis_equals_the_figures_by_hand(client, books):
    tenant, _ = books
    answer, boxes = vat_return(client, tenant)
    assert answer["basis"] == "accrual" and answer["currency"] == "GBP"
    # Box 1: output VAT A 200.00 + C 100.00 - credit note D 40.00 = 260.00, plus the VAT
    # self-assessed on the reverse-charged services H (1000.00 x 20 % = 200.00) = 460.00.
    # (B is zero-rated, K is dated March.)
    assert boxes["1"] == "460.00"
    # Box 2: the EU acquisition G, 2000.00 x 20 % = 400.00 (the bill charged none).
    assert boxes["2"] == "400.00"
    assert boxes["3"] == "860.00"  # 460.00 + 400.00
    # Box 4: F 120.00 + G 400.00 + H 200.00 + I 0 - supplier credit note J 20.00 = 700.00
    # (L is dated July).
    assert boxes["4"] == "700.00"
    assert boxes["5"] == "160.00"  # |860.00 - 700.00|
    # Box 6: A 1000.00 + 250.75, B 3000.00, C 500.00 + 80.00, D -200.00 = 4630.75 -> 4630.
    assert boxes["6"] == "4630"
    # Box 7: F 600.00 + G 2000.00 + H 1000.00 + I 150.60 - J 100.00 = 3650.60 -> 3650
    # (pence left out, not rounded up).
    assert boxes["7"] == "3650"
    assert boxes["8"] == "3000"  # B
    assert boxes["9"] == "2000"  # G
    assert [box["number"] for box in answer["boxes"]] == [str(n) for n in range(1, 10)]


def test_uk_vat_return_on_the_cash_basis_leaves_out_what_is_unpaid(client, books):
    tenant, _ = books
    answer, boxes = vat_return(client, tenant, basis="cash")
    assert answer["basis"] == "cash"
    # Box 1: A paid 200.00 + K (March, paid 5 April) 80.00 - D refunded 40.00 = 240.00;
    # C and the reverse-charged services H are unpaid; B (half paid) is zero-rated.
    assert boxes["1"] == "240.00"
    assert boxes["2"] == "400.00"  # G paid in full
    assert boxes["3"] == "640.00"
    # Box 4: F 120.00 + G 400.00 + I 0 = 520.00; H unpaid, the credit note J unsettled.
    assert boxes["4"] == "520.00"
    assert boxes["5"] == "120.00"  # |640.00 - 520.00|
    # Box 6: A 1250.75 + half of B 1500.00 + K 400.00 - D 200.00 = 2950.75 -> 2950.
    assert boxes["6"] == "2950"
    # Box 7: F 600.00 + G 2000.00 + I 150.60 = 2750.60 -> 2750.
    assert boxes["7"] == "2750"
    assert boxes["8"] == "1500"  # half of B
    assert boxes["9"] == "2000"


def test_the_tax_basis_setting_picks_the_default_basis(client, url):
    tenant = make_tenant(url)
    settings = {"country": "GB", "base_currency": "GBP", "tax_basis": "cash"}
    set_plugin_settings(url, tenant, "finance", settings)
    taxes = ok(client.get(f"{API}/taxes", headers=tenant.headers))["items"]
    vat = next(t["id"] for t in taxes if t["scope"] == "sale")
    document(client, tenant, "invoice", "Brit Ltd", "2026-04-10", [line("10.00", vat)])
    summary = f"{API}/reports/tax-summary"
    cash = ok(client.get(summary, params=Q2, headers=tenant.headers))
    assert (cash["basis"], cash["rows"]) == ("cash", [])  # unpaid
    accrual = ok(client.get(summary, params={**Q2, "basis": "accrual"}, headers=tenant.headers))
    assert [(row["base"], row["tax"]) for row in accrual["rows"]] == [("10.00", "2.00")]
    answer, boxes = vat_return(client, tenant)
    assert answer["basis"] == "cash" and boxes["1"] == "0.00" and boxes["6"] == "0"


def test_tax_summary_rows_per_tax_with_untaxed_lines_and_credit_notes_negative(client, books):
    tenant, _ = books
    report = ok(client.get(f"{API}/reports/tax-summary", params=Q2, headers=tenant.headers))
    assert report["report"] == "tax_summary" and report["basis"] == "accrual"
    rows = {(row["scope"], row["tax_name"]): row for row in report["rows"]}
    standard = rows["sale", "VAT 20% (sales)"]
    # A 1000.00 + C 500.00 - D 200.00; VAT 200.00 + 100.00 - 40.00.
    assert (standard["base"], standard["tax"], standard["rate"]) == ("1300.00", "260.00", "20")
    assert (rows["sale", "No tax"]["base"], rows["sale", "No tax"]["tax"]) == ("80.00", "0.00")
    assert rows["purchase", "No tax"]["base"] == "150.60"
    assert rows["sale", "VAT 0% (sales)"]["base"] == "250.75"
    acquisition = rows["purchase", "VAT 20% EU acquisition"]
    assert acquisition["self_assessed"] is True and acquisition["tax"] == "400.00"
    assert acquisition["tags"] == "eu_goods_acquisition"
    purchases = rows["purchase", "VAT 20% (purchases)"]
    assert (purchases["base"], purchases["tax"]) == ("500.00", "100.00")  # F 600 - J 100
    assert report["totals"] == {
        "GBP": {
            "sale_base": "4630.75",
            "sale_tax": "260.00",
            "purchase_base": "3650.60",
            "purchase_tax": "700.00",
            "self_assessed_tax": "600.00",
            "net_tax": "160.00",  # 260.00 + 600.00 - 700.00 = box 5
        }
    }
    csv = client.get(
        f"{API}/reports/tax-summary", params={**Q2, "format": "csv"}, headers=tenant.headers
    )
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0] == "scope,tax_id,tax_name,rate,tags,self_assessed,base,tax"
    assert len(csv.text.splitlines()) == len(report["rows"]) + 1


class AnotherReturn:
    """A country plugin's return, registered on Finance's plugin manager by this test."""

    @staticmethod
    def boxes(summary: TaxSummary) -> list[Box]:
        return [
            Box("A", "Output tax", summary.tax(scope="sale")),
            Box("B", "Net sales", summary.base(scope="sale")),
            Box("C", "EU goods supplied", summary.base(tag="eu_goods_supply")),
        ]

    @hookimpl
    def finance_tax_returns(self, register):
        register(
            TaxReturn(
                key="gb_test_return",
                country="GB",
                title="Test return",
                description="A return a test registers.",
                boxes=self.boxes,
            )
        )


def test_a_plugin_adds_its_return_through_the_hook(client, books):
    tenant, _ = books
    listed = ok(client.get(f"{API}/tax-returns", headers=tenant.headers))["items"]
    assert [item["key"] for item in listed] == ["gb_vat"]
    problem(client.get(f"{API}/tax-returns/gb_test_return", params=Q2, headers=tenant.headers), 404)
    plugin = AnotherReturn()
    plugin_manager().register(plugin)
    try:
        listed = ok(client.get(f"{API}/tax-returns", headers=tenant.headers))["items"]
        assert [item["key"] for item in listed] == ["gb_test_return", "gb_vat"]
        answer = ok(
            client.get(f"{API}/tax-returns/gb_test_return", params=Q2, headers=tenant.headers)
        )
        assert answer["boxes"] == [
            {"number": "A", "label": "Output tax", "amount": "260.00"},
            {"number": "B", "label": "Net sales", "amount": "4630.75"},
            {"number": "C", "label": "EU goods supplied", "amount": "3000.00"},
        ]
    finally:
        plugin_manager().unregister(plugin)


def test_returns_follow_the_company_country_and_currency(client, url):
    french = make_tenant(url)
    set_plugin_settings(url, french, "finance", {"country": "FR"})
    assert ok(client.get(f"{API}/tax-returns", headers=french.headers))["items"] == []
    problem(client.get(f"{API}/tax-returns/gb_vat", params=Q2, headers=french.headers), 404)
    euro_books = make_tenant(url)
    set_plugin_settings(url, euro_books, "finance", {"country": "GB"})  # books in EUR
    problem(client.get(f"{API}/tax-returns/gb_vat", params=Q2, headers=euro_books.headers), 409)
    bad = problem(
        client.get(
            f"{API}/tax-returns/gb_vat",
            params={"date_from": "2026-07-01", "date_to": "2026-06-30"},
            headers=make_gb(url).headers,
        ),
        422,
    )
    assert bad["errors"][0]["key"] == "date_from"


def make_gb(url):
    tenant = make_tenant(url)
    set_plugin_settings(url, tenant, "finance", {"country": "GB", "base_currency": "GBP"})
    return tenant


def test_tags_on_taxes(client, books):
    tenant, _ = books
    taxes = ok(client.get(f"{API}/taxes", headers=tenant.headers))["items"]
    standard = next(t for t in taxes if t["name"] == "VAT 20% (sales)")
    assert standard["tags"] == []
    changed = ok(
        client.patch(
            f"{API}/taxes/{standard['id']}",
            json={"tags": ["zero_rated", "zero_rated", "my_box_3"]},
            headers=tenant.headers,
        )
    )
    assert changed["tags"] == ["zero_rated", "my_box_3"]
    ok(client.patch(f"{API}/taxes/{standard['id']}", json={"tags": []}, headers=tenant.headers))
    # Reverse charge changes what documents charge: not on a tax documents already use.
    refused = client.patch(
        f"{API}/taxes/{standard['id']}", json={"tags": ["reverse_charge"]}, headers=tenant.headers
    )
    problem(refused, 409)
    body = {
        "name": "Included RC",
        "rate": "20",
        "account_code": "2200",
        "price_include": True,
        "tags": ["reverse_charge"],
    }
    bad = problem(client.post(f"{API}/taxes", json=body, headers=tenant.headers), 422)
    assert bad["errors"][0]["key"] == "tags"
    bad = problem(
        client.post(f"{API}/taxes", json={**body, "tags": ["Not A Tag"]}, headers=tenant.headers),
        422,
    )
    assert bad["errors"][0]["key"].startswith("tags")


def test_only_report_readers_see_tax_reports(client, url):
    member = make_tenant(url, role="member")
    problem(client.get(f"{API}/reports/tax-summary", headers=member.headers), 403)
    problem(client.get(f"{API}/tax-returns", headers=member.headers), 403)
    problem(client.get(f"{API}/tax-returns/gb_vat", params=Q2, headers=member.headers), 403)
