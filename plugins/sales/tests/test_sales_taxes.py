"""A quotation shows the taxes its invoice bills (``finance.documents.preview``).

The product's own tax, the default tax on a free-text line, a tax-exempt customer and a
customer's fiscal position all apply on the quotation, its revision and its order exactly as
on the Finance invoice drafted from them.
"""

from __future__ import annotations

from typing import Any

from sales_support import API, FINANCE, ok, shop, stocked, vat

ASSEMBLY = {"description": "Assembly", "quantity": "1", "unit_price": "3000"}


def totals(document: dict[str, Any]) -> tuple[str, str, str]:
    return document["untaxed_total"], document["tax_total"], document["total"]


def reduced_tax(client: Any, tenant: Any) -> str:
    """A 5 % sales tax, booked where the 7.5 % one is."""
    standard = ok(client.get(f"{FINANCE}/taxes/{vat(client, tenant)}", headers=tenant.headers))
    created = ok(
        client.post(
            f"{FINANCE}/taxes",
            json={
                "name": "VAT 5%",
                "rate": "5",
                "scope": "sale",
                "account_code": standard["account_code"],
            },
            headers=tenant.headers,
        ),
        201,
    )
    return str(created["id"])


def quote(client: Any, tenant: Any, customer: str, product: str) -> dict[str, Any]:
    body = {
        "partner_name": customer,
        "lines": [
            {
                "description": "Oak desk",
                "product_id": product,
                "quantity": "2",
                "unit_price": "12500",
            },
            ASSEMBLY,
        ],
    }
    return ok(client.post(f"{API}/quotations", json=body, headers=tenant.headers), 201)  # type: ignore[no-any-return]


def test_quotations_revisions_and_orders_show_what_the_invoice_bills(
    client: Any, sales_db: str
) -> None:
    tenant = shop(sales_db, invoice_policy="order")
    h = tenant.headers
    standard, reduced = vat(client, tenant), reduced_tax(client, tenant)
    product = stocked(client, tenant, "20")
    ok(
        client.put(
            f"{FINANCE}/product-taxes/{product}", json={"sale_tax_ids": [reduced]}, headers=h
        )
    )

    # The product's 5 % on 25,000 and the default 7.5 % on the 3,000 of assembly — not the
    # company's 7.5 % on everything (2,100).
    first = quote(client, tenant, "Adaeze Stores", product)
    assert totals(first) == ("28000.00", "1475.00", "29475.00"), first
    assert [x["tax_amount"] for x in first["lines"]] == ["1250.00", "225.00"]

    # A tax-exempt customer is quoted without tax, as Finance will invoice it.
    ok(
        client.post(
            f"{FINANCE}/partners", json={"name": "Mission School", "tax_exempt": True}, headers=h
        ),
        201,
    )
    exempt = quote(client, tenant, "Mission School", product)
    assert totals(exempt) == ("28000.00", "0.00", "28000.00"), exempt

    # The customer gets a fiscal position (standard → reduced): the revision is priced anew.
    position = ok(
        client.post(
            f"{FINANCE}/fiscal-positions",
            json={
                "name": "Reduced",
                "mappings": [{"source_tax_id": standard, "dest_tax_id": reduced}],
            },
            headers=h,
        ),
        201,
    )
    partner = first["partner_id"]
    ok(
        client.patch(
            f"{FINANCE}/partners/{partner}", json={"fiscal_position_id": position["id"]}, headers=h
        )
    )
    second = ok(client.post(f"{API}/quotations/{first['id']}/revise", headers=h), 201)
    assert totals(second) == ("28000.00", "1400.00", "29400.00"), second

    ok(client.post(f"{API}/quotations/{second['id']}/accept", headers=h))
    order = ok(client.post(f"{API}/quotations/{second['id']}/order", headers=h), 201)
    assert totals(order) == totals(second), order
    ok(client.post(f"{API}/orders/{order['id']}/confirm", headers=h))
    invoiced = ok(
        client.post(f"{API}/orders/{order['id']}/invoice", json={"post": True}, headers=h), 201
    )
    assert totals(invoiced) == totals(second), invoiced
    invoice = ok(client.get(f"{FINANCE}/invoices/{invoiced['document_id']}", headers=h))
    assert [x["tax_amount"] for x in invoice["lines"]] == [x["tax_amount"] for x in second["lines"]]
