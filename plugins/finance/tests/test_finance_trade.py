"""Finance for quote-to-cash and procure-to-pay (issue #17): taxes, stock bills, returns, services.

Stand-in peers publish CRM's and Inventory's events through the outbox (real delivery); a
stand-in caller reaches Finance's services through the kernel's services port, as Sales and
Purchase do, without importing Finance.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from finance_support import (
    API,
    assert_balanced,
    balance_of,
    ok,
    problem,
    trial_balance,
    wait_for,
)
from nexus.testing import (
    EventWorkerHarness,
    make_tenant,
    set_plugin_settings,
)
from nexus_finance._country_taxes import COUNTRY_TAXES, EU_MEMBERS


@pytest.fixture
def world(trade_world):
    """The package's Finance with its stand-in peers and caller (``conftest``)."""
    return trade_world


def books(url, **settings):
    tenant = make_tenant(url)
    set_plugin_settings(url, tenant, "finance", settings)
    return tenant


def taxes(client, tenant):
    return ok(client.get(f"{API}/taxes", headers=tenant.headers))["items"]


def default_tax(client, tenant, scope):
    return next(t for t in taxes(client, tenant) if t["default"] and t["scope"] == scope)


def draft(client, tenant, lines, **fields):
    body = {"partner_name": "Acme", "default_taxes": True, "lines": lines, **fields}
    return ok(client.post(f"{API}/invoices", json=body, headers=tenant.headers), 201)


def line(price="100.00", **fields):
    return {"description": "Goods", "unit_price": price, **fields}


def call(client, tenant, name, data, *, many=False, status=200):
    response = client.post(
        "/api/v1/caller/call",
        json={"name": name, "data": data, "many": many},
        headers=tenant.headers,
    )
    assert response.status_code == status, response.text
    return response.json()


def publish(client, tenant, plugin, data):
    return ok(client.post(f"/api/v1/{plugin}/publish", json=data, headers=tenant.headers))


def valuation(kind, value):
    return {
        "move_id": str(uuid.uuid4()),
        "kind": kind,
        "direction": "in" if kind in ("receipt", "return") else "out",
        "product_id": str(uuid.uuid4()),
        "sku": "RICE-50",
        "quantity": "1",
        "unit_cost": value,
        "value": value,
        "currency": "EUR",
    }


# --- 1. default taxes by country ---------------------------------------------------------


def test_every_eu_member_and_the_african_and_uk_rates_are_in_the_table(world):
    assert len(EU_MEMBERS) == 27 and COUNTRY_TAXES.keys() >= EU_MEMBERS
    rates = {code: COUNTRY_TAXES[code].rate for code in ("NG", "KE", "GH", "ZA", "EG", "GB")}
    assert rates == {"NG": "7.5", "KE": "16", "GH": "15", "ZA": "15", "EG": "14", "GB": "20"}
    assert {COUNTRY_TAXES[c].rate for c in ("EE", "RO", "SK", "HU", "LU")} == {
        "24",
        "21",
        "23",
        "27",
        "17",
    }
    client, url = world
    tenant = books(url, base_currency="NGN", country="NG")
    assert {(t["name"], t["scope"]) for t in taxes(client, tenant) if t["default"]} == {
        ("VAT 7.5% (sales)", "sale"),
        ("VAT 7.5% (purchases)", "purchase"),
    }
    # Nigeria is not in the EU: no reverse-charge position.
    assert ok(client.get(f"{API}/fiscal-positions", headers=tenant.headers))["items"] == []


# --- 2. seed.finance.tax_rates: tests/test_provisioning_cli.py provisions a profile with it
# (and refuses a malformed one), through the kernel's provisioning.


# --- 3. taxes per company, product and partner --------------------------------------------


def test_drafts_take_the_lines_then_the_products_then_the_companys_taxes_then_the_partners(
    world,
):
    client, url = world
    tenant, bystander = books(url, base_currency="GBP", country="GB"), make_tenant(url)
    standard = default_tax(client, tenant, "sale")["id"]
    purchase = default_tax(client, tenant, "purchase")["id"]
    reduced = ok(
        client.post(
            f"{API}/taxes",
            json={"name": "VAT 5%", "rate": "5", "scope": "sale", "account_code": "2200"},
            headers=tenant.headers,
        ),
        201,
    )["id"]
    reduced_product, zero_product = str(uuid.uuid4()), str(uuid.uuid4())
    put = ok(
        client.put(
            f"{API}/product-taxes/{reduced_product}",
            json={"sale_tax_ids": [reduced], "purchase_tax_ids": [purchase]},
            headers=tenant.headers,
        )
    )
    assert put["sale_tax_ids"] == [reduced]
    ok(client.put(f"{API}/product-taxes/{zero_product}", json={}, headers=tenant.headers))
    wrong = client.put(
        f"{API}/product-taxes/{zero_product}",
        json={"sale_tax_ids": [purchase]},
        headers=tenant.headers,
    )
    assert problem(wrong, 422)["errors"][0]["key"] == "sale_tax_ids[0]"
    problem(client.get(f"{API}/product-taxes/{uuid.uuid4()}", headers=tenant.headers), 404)

    lines = [
        line(tax_id=reduced),  # explicit
        line(product_id=reduced_product),  # the product's
        line(product_id=zero_product),  # the product is untaxed
        line(),  # the company's default
    ]
    made = draft(client, tenant, lines)
    assert [x["tax_id"] for x in made["lines"]] == [reduced, reduced, None, standard]
    assert made["tax_total"] == "30.00" and made["total"] == "430.00"
    # Without default_taxes a line naming no tax is untaxed, as before.
    assert draft(client, tenant, [line()], default_taxes=False)["tax_total"] == "0.00"
    # tax_ids: [] is an explicit "no tax".
    assert draft(client, tenant, [line(tax_ids=[])])["tax_total"] == "0.00"

    # A tax-exempt customer: the defaults drop, a named tax stays.
    ok(
        client.post(
            f"{API}/partners", json={"name": "Charity", "tax_exempt": True}, headers=tenant.headers
        ),
        201,
    )
    exempt = draft(client, tenant, [line(), line(tax_id=reduced)], partner_name="Charity")
    assert [x["tax_id"] for x in exempt["lines"]] == [None, reduced]

    # An auto-applied fiscal position by country maps the standard rate to none.
    export = ok(
        client.post(
            f"{API}/fiscal-positions",
            json={
                "name": "Export",
                "auto_apply": True,
                "countries": ["US"],
                "mappings": [{"source_tax_id": standard, "dest_tax_id": None}],
            },
            headers=tenant.headers,
        ),
        201,
    )
    problem(client.get(f"{API}/fiscal-positions/{export['id']}", headers=bystander.headers), 404)
    ok(
        client.post(
            f"{API}/partners", json={"name": "Acme Inc", "country": "US"}, headers=tenant.headers
        ),
        201,
    )
    assert draft(client, tenant, [line()], partner_name="Acme Inc")["tax_total"] == "0.00"
    # A partner's own position beats the auto-applied one.
    own = ok(
        client.post(
            f"{API}/fiscal-positions",
            json={
                "name": "Reduced",
                "mappings": [{"source_tax_id": standard, "dest_tax_id": reduced}],
            },
            headers=tenant.headers,
        ),
        201,
    )
    partner = ok(
        client.post(
            f"{API}/partners",
            json={"name": "Acme Corp", "country": "US", "fiscal_position_id": own["id"]},
            headers=tenant.headers,
        ),
        201,
    )
    assert partner["fiscal_position_id"] == own["id"]
    assert draft(client, tenant, [line()], partner_name="Acme Corp")["tax_total"] == "5.00"
    bad = client.patch(
        f"{API}/partners/{partner['id']}",
        json={"fiscal_position_id": str(uuid.uuid4())},
        headers=tenant.headers,
    )
    assert problem(bad, 422)["errors"][0]["key"] == "fiscal_position_id"


def test_an_eu_company_reverse_charges_b2b_customers_in_other_member_states(world):
    client, url = world
    tenant = books(url, base_currency="EUR", country="DE")
    positions = ok(client.get(f"{API}/fiscal-positions", headers=tenant.headers))["items"]
    assert [(p["name"], p["auto_apply"], p["vat_required"]) for p in positions] == [
        ("EU B2B (reverse charge)", True, True)
    ]
    assert len(positions[0]["countries"]) == 26 and "DE" not in positions[0]["countries"]
    reverse = {t["id"]: t for t in taxes(client, tenant) if "reverse_charge" in t["tags"]}
    for name, body in (
        ("Bistro SARL", {"country": "FR", "tax_id": "FR40303265045"}),
        ("Client Privé", {"country": "FR"}),
    ):
        ok(client.post(f"{API}/partners", json={"name": name, **body}, headers=tenant.headers), 201)
    b2b = draft(client, tenant, [line()], partner_name="Bistro SARL")
    assert b2b["lines"][0]["tax_id"] in reverse and b2b["tax_total"] == "0.00"
    assert draft(client, tenant, [line()], partner_name="Client Privé")["tax_total"] == "19.00"
    assert draft(client, tenant, [line()], partner_name="Berlin GmbH")["tax_total"] == "19.00"


# --- 4. won deals are taxed --------------------------------------------------------------


def test_a_won_deals_invoice_carries_the_products_or_the_default_sales_tax(world):
    client, url = world
    tenant = books(url, base_currency="GBP", country="GB")
    product = str(uuid.uuid4())
    zero = ok(
        client.post(
            f"{API}/taxes",
            json={"name": "VAT 0%", "rate": "0", "scope": "sale", "account_code": "2200"},
            headers=tenant.headers,
        ),
        201,
    )["id"]
    ok(
        client.put(
            f"{API}/product-taxes/{product}", json={"sale_tax_ids": [zero]}, headers=tenant.headers
        )
    )
    deal = {
        "id": str(uuid.uuid4()),
        "title": "Consulting",
        "amount": "1500.00",
        "currency": "GBP",
        "company_id": None,
        "company_name": "Globex",
        "won_at": "2026-11-20T10:00:00+00:00",
        "lines": [
            {"description": "Days", "quantity": "3", "unit_price": "500.00"},
            {"description": "Book", "unit_price": "20.00", "product_id": product},
        ],
    }
    with EventWorkerHarness(client) as worker:
        publish(client, tenant, "crm", deal)
        wait_for(worker, "finance", "crm.deal.won.v1")
    invoices = ok(client.get(f"{API}/invoices", headers=tenant.headers))["items"]
    assert [(i["untaxed_total"], i["tax_total"], i["total"]) for i in invoices] == [
        ("1520.00", "300.00", "1820.00")
    ]
    assert invoices[0]["lines"][1]["tax_id"] == zero


# --- 5 and 6. stock bills and returns ----------------------------------------------------


def test_a_stock_bill_clears_stock_received_not_billed_and_returns_reverse_the_cost(world):
    client, url = world
    tenant = make_tenant(url)
    with EventWorkerHarness(client) as worker:
        publish(client, tenant, "inventory", valuation("receipt", "800.00"))
        publish(client, tenant, "inventory", valuation("delivery", "80.00"))
        publish(client, tenant, "inventory", valuation("return", "8.00"))
        publish(client, tenant, "inventory", valuation("supplier_return", "16.00"))
        wait_for(worker, "finance", "inventory.valuation.posted.v1", 4)
    bill = ok(
        client.post(
            f"{API}/invoices",
            json={
                "kind": "bill",
                "partner_name": "Mill Ltd",
                "lines": [
                    {
                        "description": "Rice received",
                        "quantity": "98",
                        "unit_price": "8.00",
                        "account_subtype": "stock_received",
                    },
                    {
                        "description": "Price difference",
                        "unit_price": "50.00",
                        "account_subtype": "price_difference",
                    },
                ],
            },
            headers=tenant.headers,
        ),
        201,
    )
    assert [x["account_code"] for x in bill["lines"]] == ["2100", "5200"]
    ok(client.post(f"{API}/invoices/{bill['id']}/post", headers=tenant.headers))
    report = trial_balance(client, tenant)
    assert_balanced(report)
    assert balance_of(report, "2100", "EUR") == Decimal("0.00")  # 800 - 16 - 784
    assert balance_of(report, "5200", "EUR") == Decimal("50.00")
    assert balance_of(report, "2000", "EUR") == Decimal("-834.00")
    assert balance_of(report, "5000", "EUR") == Decimal("72.00")  # 80 - 8 back
    assert balance_of(report, "1200", "EUR") == Decimal("712.00")  # 800 - 80 + 8 - 16
    wrong = client.post(
        f"{API}/invoices",
        json={"partner_name": "Acme", "lines": [line(account_subtype="stock_received")]},
        headers=tenant.headers,
    )
    assert problem(wrong, 422)["errors"][0]["key"] == "lines[0].account_subtype"


# --- 7. the services ---------------------------------------------------------------------


def test_the_services_list_taxes_ensure_partners_draft_once_get_and_credit(world):
    client, url = world
    tenant, bystander = books(url, base_currency="NGN", country="NG"), make_tenant(url)
    listed = call(client, tenant, "finance.taxes.list", {"scope": "sale"}, many=True)
    assert [(t["name"], t["rate"], t["default"]) for t in listed] == [
        ("VAT 7.5% (sales)", "7.5", True)
    ]
    ref = str(uuid.uuid4())
    partner = call(
        client,
        tenant,
        "finance.partners.ensure",
        {"name": "Ade Stores", "kind": "customer", "country": "NG", "partner_ref": ref},
    )
    again = call(client, tenant, "finance.partners.ensure", {"name": "Other", "partner_ref": ref})
    assert again["id"] == partner["id"] and partner["fiscal_position_id"] is None

    rice = str(uuid.uuid4())
    order = {
        "kind": "invoice",
        "source_ref": "sales.order:SO-1",
        "date": "2026-12-01",
        "partner_id": partner["id"],
        "lines": [
            {
                "description": "Rice 50kg",
                "quantity": "10",
                "unit_price": "12500",
                "product_id": rice,
            }
        ],
        "post": True,
    }
    invoice = call(client, tenant, "finance.documents.draft", order)
    assert (invoice["state"], invoice["untaxed_total"], invoice["tax_total"]) == (
        "posted",
        "125000.00",
        "9375.00",
    )
    assert invoice["total"] == "134375.00" and invoice["number"].startswith("INV/")
    # Idempotent on source_ref: the same order again answers the same invoice.
    assert call(client, tenant, "finance.documents.draft", order)["id"] == invoice["id"]
    assert len(ok(client.get(f"{API}/invoices", headers=tenant.headers))["items"]) == 1

    ok(
        client.post(
            f"{API}/payments",
            json={
                "partner_id": partner["id"],
                "amount": "134375.00",
                "currency": "NGN",
                "allocations": [{"invoice_id": invoice["id"], "amount": "134375.00"}],
            },
            headers=tenant.headers,
        ),
        201,
    )
    paid = call(client, tenant, "finance.documents.get", {"id": invoice["id"]})
    assert paid["state"] == "paid" and paid["allocations"][0]["amount"] == "134375.00"

    credit = {
        "invoice_id": invoice["id"],
        "source_ref": "sales.return:RET-1",
        "date": "2026-12-05",
        "reason": "One bag returned",
        "lines": [{"product_id": rice, "quantity": "1"}],
    }
    note = call(client, tenant, "finance.documents.credit", credit)
    assert (note["kind"], note["state"], note["total"]) == ("credit_note", "posted", "13437.50")
    assert note["reversal_of"] == invoice["id"]
    assert call(client, tenant, "finance.documents.credit", credit)["id"] == note["id"]
    report = trial_balance(client, tenant)
    assert_balanced(report)
    assert balance_of(report, "4000", "NGN") == Decimal("-112500.00")
    assert balance_of(report, "2200", "NGN") == Decimal("-8437.50")

    # Problems reach the caller as Finance raised them.
    missing = call(
        client,
        tenant,
        "finance.documents.draft",
        {**order, "source_ref": "x", "partner_id": None},
        status=422,
    )
    assert missing["errors"][0]["key"] == "partner_id"
    call(client, bystander, "finance.documents.get", {"id": invoice["id"]}, status=404)
    wrong_tax = {
        **order,
        "kind": "bill",
        "source_ref": "purchase.bill:B-1",
        "lines": [{**order["lines"][0], "tax_ids": [listed[0]["id"]]}],
    }
    errors = call(client, tenant, "finance.documents.draft", wrong_tax, status=422)["errors"]
    assert errors[0]["key"] == "lines[0].tax_ids"
