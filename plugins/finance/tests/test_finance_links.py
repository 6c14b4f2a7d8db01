"""What other plugins see of a document: its preview, its origin, its credit notes' matching.

``finance.documents.preview`` prices a request as ``finance.documents.draft`` would (one code
path) and stores nothing; ``GET /invoices/{id}`` names the document's origin parsed from its
``source_ref``; a credit note settles what is still due on the document it credits, and one
on a paid document stays open, linked both ways, until the refund (an outbound payment)
matches it.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from finance_support import API, assert_balanced, balance_of, ok, problem, sql, trial_balance
from nexus.testing import make_tenant, set_plugin_settings
from nexus_finance._origin import origin_of


@pytest.fixture
def world(trade_world):
    """The package's Finance with its stand-in peers and caller (``conftest``)."""
    return trade_world


def books(url, **settings):
    tenant = make_tenant(url)
    set_plugin_settings(url, tenant, "finance", settings)
    return tenant


def call(client, tenant, name, data, *, status=200):
    response = client.post(
        "/api/v1/caller/call", json={"name": name, "data": data}, headers=tenant.headers
    )
    assert response.status_code == status, response.text
    return response.json()


def default_tax(client, tenant):
    taxes = ok(client.get(f"{API}/taxes", headers=tenant.headers))["items"]
    return next(t for t in taxes if t["default"] and t["scope"] == "sale")


def request(source_ref, partner, lines, **fields):
    return {
        "kind": "invoice",
        "source_ref": source_ref,
        "date": "2026-12-01",
        **partner,
        "lines": lines,
        **fields,
    }


def counts(url, tenant):
    [row] = sql(
        url,
        "select (select count(*) from finance_invoice where tenant_id = $1) as invoices, "
        "(select count(*) from finance_partner where tenant_id = $1) as partners, "
        "(select count(*) from finance_account where tenant_id = $1) as accounts",
        tenant.id,
    )
    return dict(row)


# --- finance.documents.preview ------------------------------------------------------------


def test_a_preview_is_priced_as_the_draft_and_stores_nothing(world):
    client, url = world
    tenant, bystander = (
        books(url, base_currency="GBP", country="GB", tax_rounding="per_document"),
        make_tenant(url),
    )
    h = tenant.headers
    standard = default_tax(client, tenant)
    reduced = ok(
        client.post(
            f"{API}/taxes",
            json={
                "name": "VAT 5%",
                "rate": "5",
                "scope": "sale",
                "account_code": standard["account_code"],
            },
            headers=h,
        ),
        201,
    )["id"]
    product = str(uuid.uuid4())
    ok(client.put(f"{API}/product-taxes/{product}", json={"sale_tax_ids": [reduced]}, headers=h))
    exempt = ok(
        client.post(f"{API}/partners", json={"name": "Charity", "tax_exempt": True}, headers=h), 201
    )
    position = ok(
        client.post(
            f"{API}/fiscal-positions",
            json={
                "name": "Reduced",
                "mappings": [{"source_tax_id": standard["id"], "dest_tax_id": reduced}],
            },
            headers=h,
        ),
        201,
    )
    mapped = ok(
        client.post(
            f"{API}/partners",
            json={"name": "Acme", "fiscal_position_id": position["id"]},
            headers=h,
        ),
        201,
    )
    # Three lines of 0.13 at 20 %: 0.03 each rounded per line, 0.08 rounded per document.
    cents = [{"description": "Bolt", "unit_price": "0.13"} for _ in range(3)]
    lines = [
        {"description": "Desk", "quantity": "2", "unit_price": "100", "product_id": product},
        *cents,
    ]
    cases = [
        ("plain", {"partner_name": "Walk-in"}, ("200.39", "10.08", "210.47")),
        ("exempt", {"partner_id": exempt["id"]}, ("200.39", "0.00", "200.39")),
        ("mapped", {"partner_id": mapped["id"]}, ("200.39", "10.02", "210.41")),
    ]
    for name, partner, expected in cases:
        before = counts(url, tenant)
        seen = call(
            client, tenant, "finance.documents.preview", request(f"p:{name}", partner, lines)
        )
        assert counts(url, tenant) == before, f"{name}: the preview stored something"
        assert (seen["untaxed_total"], seen["tax_total"], seen["total"]) == expected, (name, seen)
        drafted = call(
            client, tenant, "finance.documents.draft", request(f"d:{name}", partner, lines)
        )
        assert (drafted["untaxed_total"], drafted["tax_total"], drafted["total"]) == expected
        assert [(x["tax_id"], x["subtotal"], x["tax_amount"]) for x in seen["lines"]] == [
            (x["tax_id"], x["subtotal"], x["tax_amount"]) for x in drafted["lines"]
        ], name
    assert seen["fiscal_position_id"] == position["id"] and seen["partner_id"] == mapped["id"]

    # A partner not created yet is priced as the new one the draft would create: not created.
    fresh = {"partner_ref": str(uuid.uuid4()), "partner_name": "New customer"}
    before = counts(url, tenant)
    seen = call(client, tenant, "finance.documents.preview", request("p:new", fresh, cents))
    assert (seen["partner_id"], seen["tax_total"]) == (None, "0.08")
    assert counts(url, tenant) == before

    # What the draft refuses, the preview refuses the same way.
    wrong = [{**cents[0], "tax_ids": [str(uuid.uuid4())]}]
    for service in ("finance.documents.preview", "finance.documents.draft"):
        errors = call(client, tenant, service, request(f"{service}:x", fresh, wrong), status=422)
        assert errors["errors"][0]["key"] == "lines[0].tax_ids"
    other = call(
        client,
        bystander,
        "finance.documents.preview",
        request("p:x", {"partner_id": mapped["id"]}, cents),
        status=422,
    )
    assert other["errors"][0]["key"] == "partner_id"
    # A bill's price-difference line names an account the draft creates; the preview does not.
    bill = request(
        "p:bill",
        {"partner_name": "Vendor"},
        [{**cents[0], "account_subtype": "price_difference"}],
        kind="bill",
    )
    before = counts(url, tenant)
    assert call(client, tenant, "finance.documents.preview", bill)["direction"] == "purchase"
    assert counts(url, tenant) == before


# --- origin -------------------------------------------------------------------------------


def test_origin_parses_every_source_ref_shape():
    one, two = uuid.uuid4(), uuid.uuid4()
    shapes = {
        f"sales.order:{one}:2": ("sales", "order", one, 2, None, f"/api/v1/sales/orders/{one}"),
        f"sales.return:{one}:{two}": (
            "sales",
            "return",
            one,
            None,
            None,
            f"/api/v1/sales/returns/{one}",
        ),
        f"sales.deal:{one}": ("crm", "deal", one, None, None, f"/api/v1/crm/deals/{one}"),
        f"crm.deal:{one}": ("crm", "deal", one, None, None, f"/api/v1/crm/deals/{one}"),
        f"purchase.bill:{one}": (
            "purchase",
            "bill",
            one,
            None,
            None,
            f"/api/v1/purchase/bills/{one}",
        ),
        f"purchase.bill:{one}:price-difference": (
            "purchase",
            "bill",
            one,
            None,
            "price-difference",
            f"/api/v1/purchase/bills/{one}",
        ),
        f"hr.payrun:{one}": ("hr", "payrun", one, None, None, f"/api/v1/hr/payruns/{one}"),
        f"inventory.move:{one}": (
            "inventory",
            "move",
            one,
            None,
            None,
            f"/api/v1/inventory/moves/{one}",
        ),
        f"finance.invoice:{one}": (
            "finance",
            "invoice",
            one,
            None,
            None,
            f"/api/v1/finance/invoices/{one}",
        ),
        f"finance.closing:{one}": (
            "finance",
            "closing",
            one,
            None,
            None,
            f"/api/v1/finance/fiscal-years/{one}",
        ),
        "shop.sale:T-17": ("shop", "sale", None, None, "", None),
    }
    for ref, (plugin, kind, id_, sequence, part, path) in shapes.items():
        found = origin_of(ref)
        assert found is not None, ref
        got = (found.plugin, found.kind, found.id, found.sequence, found.part or "", found.path)
        assert got == (plugin, kind, id_, sequence, part or "", path), ref
        assert found.ref == ref
    for nothing in (None, "", "manual", "sales.order", "sales:1", ".x:1", "sales.order:"):
        assert origin_of(nothing) is None, nothing


def test_an_invoice_and_its_entry_name_their_origin(world):
    client, url = world
    tenant = books(url, base_currency="NGN", country="NG")
    order = uuid.uuid4()
    line = [{"description": "Desk", "quantity": "10", "unit_price": "12500"}]
    drafted = call(
        client,
        tenant,
        "finance.documents.draft",
        request(f"sales.order:{order}:1", {"partner_name": "Ade"}, line, post=True),
    )
    shown = ok(client.get(f"{API}/invoices/{drafted['id']}", headers=tenant.headers))
    assert shown["source_ref"] == f"sales.order:{order}:1"
    assert shown["origin"] == {
        "plugin": "sales",
        "kind": "order",
        "id": str(order),
        "ref": f"sales.order:{order}:1",
        "sequence": 1,
        "part": None,
        "path": f"/api/v1/sales/orders/{order}",
    }
    entry = ok(client.get(f"{API}/entries/{shown['entry_id']}", headers=tenant.headers))
    assert (entry["origin"]["kind"], entry["origin"]["id"]) == ("invoice", drafted["id"])
    manual = ok(
        client.post(
            f"{API}/invoices", json={"partner_name": "Ade", "lines": line}, headers=tenant.headers
        ),
        201,
    )
    assert (manual["source_ref"], manual["origin"]) == (None, None)
    listed = ok(client.get(f"{API}/invoices", headers=tenant.headers))["items"]
    assert {x["id"]: x["origin"] and x["origin"]["kind"] for x in listed} == {
        drafted["id"]: "order",
        manual["id"]: None,
    }


# --- credit notes matched -----------------------------------------------------------------


def sold(client, tenant, ref):
    """A posted invoice for 10 desks at 12,500 + 7.5 % (134,375) and its product id."""
    product = str(uuid.uuid4())
    lines = [
        {"description": "Desk", "quantity": "10", "unit_price": "12500", "product_id": product}
    ]
    document = call(
        client,
        tenant,
        "finance.documents.draft",
        request(f"sales.order:{ref}:1", {"partner_name": "Ade"}, lines, post=True),
    )
    assert document["total"] == "134375.00"
    return document, product


def pay(client, tenant, document, amount, direction="inbound"):
    return ok(
        client.post(
            f"{API}/payments",
            json={
                "partner_id": document["partner_id"],
                "direction": direction,
                "amount": amount,
                "allocations": [{"invoice_id": document["id"], "amount": amount}],
            },
            headers=tenant.headers,
        ),
        201,
    )


def credit_one(client, tenant, document, product, ref):
    return call(
        client,
        tenant,
        "finance.documents.credit",
        {
            "invoice_id": document["id"],
            "source_ref": f"sales.return:{ref}:{document['id']}",
            "lines": [{"product_id": product, "quantity": "1"}],
        },
    )


def show(client, tenant, document_id):
    return ok(client.get(f"{API}/invoices/{document_id}", headers=tenant.headers))


@pytest.mark.parametrize(
    ("paid", "matched", "invoice_state", "left_on_invoice"),
    [
        ("0", "13437.50", "partially_paid", "120937.50"),  # open: the note is matched in full
        ("130000.00", "4375.00", "paid", "0.00"),  # partly paid: matched up to what is due
        ("134375.00", "0", "paid", "0.00"),  # paid: the note stays open until refunded
    ],
)
def test_a_credit_note_settles_what_is_due_and_a_refund_matches_the_rest(
    world, paid, matched, invoice_state, left_on_invoice
):
    client, url = world
    tenant = books(url, base_currency="NGN", country="NG")
    ref = uuid.uuid4()
    document, product = sold(client, tenant, ref)
    if paid != "0":
        pay(client, tenant, document, paid)
    note = credit_one(client, tenant, document, product, uuid.uuid4())
    note_state = {"13437.50": "paid", "4375.00": "partially_paid", "0": "posted"}[matched]
    assert (note["state"], note["total"], note["reversal_of"]) == (
        note_state,
        "13437.50",
        document["id"],
    )
    note_open = Decimal("13437.50") - Decimal(matched)

    invoice, shown = show(client, tenant, document["id"]), show(client, tenant, note["id"])
    assert (invoice["state"], invoice["residual"]) == (invoice_state, left_on_invoice), invoice
    # Linked both ways: the invoice lists the credit note and what of it is open.
    assert [(n["id"], n["residual"]) for n in invoice["credit_notes"]] == [
        (note["id"], f"{note_open:.2f}")
    ]
    by_note = [a for a in invoice["allocations"] if a["credit_note_id"] == note["id"]]
    assert [a["amount"] for a in by_note] == ([matched] if matched != "0" else [])
    assert [(a["invoice_id"], a["amount"]) for a in shown["allocations"]] == (
        [(document["id"], matched)] if matched != "0" else []
    )
    assert shown["residual"] == f"{note_open:.2f}"
    assert shown["origin"]["kind"] == "return" and invoice["origin"]["id"] == str(ref)

    if note_open:
        # The refund the API offers: an outbound payment allocated to the credit note.
        refund = pay(client, tenant, shown, f"{note_open:.2f}", direction="outbound")
        shown = show(client, tenant, note["id"])
        assert (shown["state"], shown["residual"]) == ("paid", "0.00"), shown
        assert refund["id"] in [a["payment_id"] for a in shown["allocations"]]
        assert show(client, tenant, document["id"])["credit_notes"][0]["residual"] == "0.00"
    report = trial_balance(client, tenant)
    assert_balanced(report)
    # The customer owes the invoice less the credit and what was paid, net of the refund.
    owed = Decimal("134375.00") - Decimal("13437.50") - Decimal(paid) + note_open
    assert balance_of(report, "1100", "NGN") == owed
    problem(client.get(f"{API}/invoices/{note['id']}", headers=make_tenant(url).headers), 404)
