"""Documents: legal details, invoice PDFs (fpdf2) and EN 16931 e-invoices (CII, Factur-X, UBL)."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import facturx
import pytest
from finance_support import API, invoice, ok, post, problem
from lxml import etree
from nexus.testing import make_tenant, set_plugin_settings
from PIL import Image
from pypdf import PdfReader

_XSD = Path(facturx.__file__).parent / "xsd_and_schematron"
_RAM = "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}"
_CBC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"
_CAC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2}"

COMPANY = {
    "legal_name": "Atelier Lumière SAS",
    "address_line1": "12 rue de la Paix",
    "postal_code": "75002",
    "city": "Paris",
    "country": "FR",
    "tax_id": "FR 40 303 265 045",
    "registration_number": "303265045",
    "email": "compta@atelier.example",
    "bank_account": "FR7630006000011234567890189",
    "bank_bic": "AGRIFRPP",
    "payment_instructions": "Bank transfer within 30 days.",
    "pdf_footer": "Atelier Lumière SAS, capital 10 000 €",
}
CUSTOMER = {
    "name": "Müller & Söhne GmbH",
    "kind": "customer",
    "address_line1": "Hauptstraße 5",
    "postal_code": "10115",
    "city": "Berlin",
    "country": "DE",
    "tax_id": "DE136695976",
}


@pytest.fixture
def client(world):
    return world[0]


@pytest.fixture
def url(world):
    return world[1]


@pytest.fixture
def tenant(client, url):
    """A French tenant with its legal details and a customer with an address."""
    made = make_tenant(url)
    set_plugin_settings(url, made, "finance", {"country": "FR"})
    ok(client.patch(f"{API}/company", json=COMPANY, headers=made.headers))
    return made


def _schema(*parts: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(_XSD.joinpath(*parts))))


CII_XSD = _schema("facturx-en16931", "Factur-X_EN16931.xsd")
UBL_INVOICE_XSD = _schema("ubl-2.1", "maindoc", "UBL-Invoice-2.1.xsd")
UBL_CREDIT_XSD = _schema("ubl-2.1", "maindoc", "UBL-CreditNote-2.1.xsd")


def customer(client, tenant, **fields):
    return ok(
        client.post(f"{API}/partners", json={**CUSTOMER, **fields}, headers=tenant.headers), 201
    )


def two_rate_invoice(client, tenant, *, post_it=True):
    """An invoice with lines at 20 % (the seeded TVA) and at 5.5 % (a reduced rate)."""
    taxes = ok(client.get(f"{API}/taxes", headers=tenant.headers))["items"]
    standard = next(t for t in taxes if t["scope"] == "sale")
    reduced = ok(
        client.post(
            f"{API}/taxes",
            json={"name": "TVA 5.5%", "rate": "5.5", "scope": "sale", "account_code": "2200"},
            headers=tenant.headers,
        ),
        201,
    )
    partner = customer(client, tenant)
    lines = [
        {
            "description": "Lampe « Étoile »",
            "quantity": "3",
            "unit_price": "100.00",
            "tax_id": standard["id"],
        },
        {
            "description": "Livre d'art",
            "quantity": "2",
            "unit_price": "25.00",
            "tax_id": reduced["id"],
        },
        {
            "description": "Conseil",
            "quantity": "1.5",
            "unit_price": "80.00",
            "tax_id": standard["id"],
        },
    ]
    draft = invoice(
        client, tenant, partner_id=partner["id"], partner_name=None, lines=lines, reference="PO-778"
    )
    return post(client, tenant, draft["id"]) if post_it else draft


def pdf_text(response) -> str:
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_company_details_and_tax_ids_checked_per_country(client, url, tenant):
    shown = ok(client.get(f"{API}/company", headers=tenant.headers))
    assert shown["legal_name"] == "Atelier Lumière SAS"
    assert shown["tax_id"] == "FR40303265045"  # compact, with its country prefix
    assert shown["base_currency"] == "EUR" and shown["has_logo"] is False

    bad = problem(
        client.patch(f"{API}/company", json={"tax_id": "FR00000000000"}, headers=tenant.headers),
        422,
    )
    assert [e["key"] for e in bad["errors"]] == ["tax_id"]
    moved = problem(
        client.patch(f"{API}/company", json={"country": "DE"}, headers=tenant.headers), 422
    )
    assert [e["key"] for e in moved["errors"]] == ["tax_id"]  # a French id in Germany
    unknown = problem(
        client.patch(f"{API}/company", json={"country": "QQ"}, headers=tenant.headers), 422
    )
    assert [e["key"] for e in unknown["errors"]] == ["country"]
    # A scheme stdnum does not know (the US) is kept as given; null clears a field.
    us = ok(
        client.patch(
            f"{API}/company",
            json={"country": "US", "tax_id": "12-3456789", "registration_number": None},
            headers=tenant.headers,
        )
    )
    assert (us["tax_id"], us["registration_number"]) == ("12-3456789", None)
    assert problem(
        client.patch(f"{API}/company", json={"pdf_accent_color": "red"}, headers=tenant.headers),
        422,
    )

    member = make_tenant(url, role="member")
    assert (
        client.patch(f"{API}/company", json={"city": "Lyon"}, headers=member.headers).status_code
        == 403
    )

    partner = customer(client, tenant)
    assert (partner["country"], partner["tax_id"]) == ("DE", "DE136695976")
    wrong = problem(
        client.post(
            f"{API}/partners", json={**CUSTOMER, "tax_id": "DE123"}, headers=tenant.headers
        ),
        422,
    )
    assert [e["key"] for e in wrong["errors"]] == ["tax_id"]
    changed = ok(
        client.patch(
            f"{API}/partners/{partner['id']}",
            json={"country": "GB", "tax_id": "GB980780684"},
            headers=tenant.headers,
        )
    )
    assert (changed["country"], changed["tax_id"], changed["city"]) == (
        "GB",
        "GB980780684",
        "Berlin",
    )
    still = problem(
        client.patch(
            f"{API}/partners/{partner['id']}", json={"country": "FR"}, headers=tenant.headers
        ),
        422,
    )
    assert [e["key"] for e in still["errors"]] == ["tax_id"]


def test_invoice_pdf_prints_the_legal_fields_and_taxes_by_rate(client, tenant):
    posted = two_rate_invoice(client, tenant)
    # 300 + 120 at 20 % = 84 tax; 50 at 5.5 % = 2.75 tax.
    assert (posted["untaxed_total"], posted["tax_total"], posted["total"]) == (
        "470.00",
        "86.75",
        "556.75",
    )
    response = client.get(f"{API}/invoices/{posted['id']}/pdf", headers=tenant.headers)
    assert response.status_code == 200
    number = posted["number"]
    assert response.headers["content-disposition"] == (
        f'inline; filename="{number.replace("/", "-")}.pdf"'
    )
    text = pdf_text(response)
    for expected in (
        "Atelier Lumière SAS",
        "12 rue de la Paix",
        "75002 Paris",
        "VAT: FR40303265045",
        "Registration: 303265045",
        "Müller & Söhne GmbH",
        "Hauptstraße 5",
        "10115 Berlin",
        "VAT: DE136695976",
        "INVOICE",
        number,
        posted["date"],
        posted["due_date"],
        "EUR",
        "Lampe « Étoile »",
        "Livre d'art",
        "PO-778",
        "Bank transfer within 30 days.",
        "FR7630006000011234567890189",
        "AGRIFRPP",
        "capital 10 000 €",
    ):
        assert expected in text, f"{expected!r} missing from the PDF"
    assert "DRAFT" not in text
    # The tax breakdown: one row per rate with its net and tax.
    assert "5.5 % 50.00 2.75" in text
    assert "20 % 420.00 84.00" in text
    for label, amount in (("Total net", "470.00"), ("Total tax", "86.75"), ("Total EUR", "556.75")):
        assert f"{label} {amount}" in text or f"{label}{amount}" in text


def test_drafts_credit_notes_and_bills_print_what_they_are(client, tenant):
    draft = two_rate_invoice(client, tenant, post_it=False)
    text = pdf_text(client.get(f"{API}/invoices/{draft['id']}/pdf", headers=tenant.headers))
    assert "DRAFT INVOICE" in text and "not numbered" in text
    conflict = problem(
        client.get(f"{API}/invoices/{draft['id']}/e-invoice?format=cii", headers=tenant.headers),
        409,
    )
    assert conflict["missing"] == ["number"]

    posted = post(client, tenant, draft["id"])
    note = ok(
        client.post(
            f"{API}/invoices/{posted['id']}/credit-note",
            json={"post": True, "reason": "Damaged"},
            headers=tenant.headers,
        ),
        201,
    )
    response = client.get(f"{API}/invoices/{note['id']}/pdf", headers=tenant.headers)
    text = pdf_text(response)
    assert "CREDIT NOTE" in text and note["number"] in text
    assert f"Credits: {posted['number']}" in text or f"Credits:{posted['number']}" in text
    assert note["number"].replace("/", "-") in response.headers["content-disposition"]

    bill = post(
        client, tenant, invoice(client, tenant, kind="bill", partner_name="Fournisseur SA")["id"]
    )
    text = pdf_text(client.get(f"{API}/invoices/{bill['id']}/pdf", headers=tenant.headers))
    assert "BILL" in text and "Fournisseur SA" in text and "Atelier Lumière SAS" in text


def test_cii_and_facturx_validate_with_the_invoice_amounts(client, tenant):
    posted = two_rate_invoice(client, tenant)
    response = client.get(
        f"{API}/invoices/{posted['id']}/e-invoice?format=cii", headers=tenant.headers
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    cii = etree.fromstring(response.content)
    CII_XSD.assertValid(cii)
    assert cii.findtext(f".//{_RAM}GrandTotalAmount") == "556.75"
    assert cii.findtext(f".//{_RAM}TaxTotalAmount") == "86.75"
    assert cii.findtext(f".//{_RAM}TaxBasisTotalAmount") == "470.00"
    breakdown = {
        tax.findtext(f"{_RAM}RateApplicablePercent"): (
            tax.findtext(f"{_RAM}BasisAmount"),
            tax.findtext(f"{_RAM}CalculatedAmount"),
        )
        for tax in cii.find(f".//{_RAM}ApplicableHeaderTradeSettlement").findall(
            f"{_RAM}ApplicableTradeTax"
        )
    }
    assert breakdown == {"20": ("420.00", "84.00"), "5.5": ("50.00", "2.75")}
    seller = cii.find(f".//{_RAM}SellerTradeParty")
    assert seller.findtext(f"{_RAM}SpecifiedTaxRegistration/{_RAM}ID") == "FR40303265045"
    assert cii.findtext(f".//{_RAM}IBANID") == "FR7630006000011234567890189"

    response = client.get(f"{API}/invoices/{posted['id']}/e-invoice", headers=tenant.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    name, embedded = facturx.get_xml_from_pdf(response.content, check_xsd=False)
    assert name == "factur-x.xml"
    CII_XSD.assertValid(etree.fromstring(embedded))
    assert facturx.xml_check_xsd(embedded, flavor="factur-x", level="en16931")
    assert embedded.replace(b"\n", b"").strip() == response_cii(client, tenant, posted)
    # PDF/A-3: an sRGB output intent, XMP saying part 3, the XML as an associated file.
    reader = PdfReader(io.BytesIO(response.content))
    root = reader.trailer["/Root"]
    assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    assert b"<pdfaid:part>3</pdfaid:part>" in root["/Metadata"].get_object().get_data()
    assert list(reader.attachments) == ["factur-x.xml"] and root["/AF"]
    assert "Atelier Lumière SAS" in reader.pages[0].extract_text()


def response_cii(client, tenant, posted) -> bytes:
    body = client.get(
        f"{API}/invoices/{posted['id']}/e-invoice?format=cii", headers=tenant.headers
    ).content
    return body.replace(b"\n", b"").strip()


def test_ubl_invoice_and_credit_note_validate(client, tenant):
    posted = two_rate_invoice(client, tenant)
    response = client.get(
        f"{API}/invoices/{posted['id']}/e-invoice?format=ubl", headers=tenant.headers
    )
    assert response.status_code == 200, response.text
    ubl = etree.fromstring(response.content)
    UBL_INVOICE_XSD.assertValid(ubl)
    assert ubl.findtext(f"{_CAC}LegalMonetaryTotal/{_CBC}PayableAmount") == "556.75"
    assert ubl.findtext(f"{_CAC}TaxTotal/{_CBC}TaxAmount") == "86.75"
    assert len(ubl.findall(f"{_CAC}InvoiceLine")) == 3

    note = ok(
        client.post(
            f"{API}/invoices/{posted['id']}/credit-note",
            json={"post": True},
            headers=tenant.headers,
        ),
        201,
    )
    credit = etree.fromstring(
        client.get(
            f"{API}/invoices/{note['id']}/e-invoice?format=ubl", headers=tenant.headers
        ).content
    )
    UBL_CREDIT_XSD.assertValid(credit)
    assert credit.findtext(f".//{_CAC}InvoiceDocumentReference/{_CBC}ID") == posted["number"]
    cii = etree.fromstring(
        client.get(
            f"{API}/invoices/{note['id']}/e-invoice?format=cii", headers=tenant.headers
        ).content
    )
    CII_XSD.assertValid(cii)
    assert cii.findtext(f".//{_RAM}TypeCode") == "381"
    assert (
        cii.findtext(f".//{_RAM}InvoiceReferencedDocument/{_RAM}IssuerAssignedID")
        == (posted["number"])
    )


def test_missing_legal_data_is_listed_never_an_invalid_xml(client, url):
    bare = make_tenant(url)
    set_plugin_settings(url, bare, "finance", {"country": "FR"})
    posted = post(client, bare, invoice(client, bare)["id"])
    for fmt in ("cii", "ubl", "factur-x"):
        found = problem(
            client.get(
                f"{API}/invoices/{posted['id']}/e-invoice?format={fmt}", headers=bare.headers
            ),
            409,
        )
        assert {
            "company.legal_name",
            "company.tax_id",
            "company.country",
            "partner.address_line1",
            "partner.country",
        } <= set(found["missing"])
    # The PDF of the same document still renders, with what the books have.
    assert client.get(f"{API}/invoices/{posted['id']}/pdf", headers=bare.headers).status_code == 200
    wrong = problem(
        client.get(f"{API}/invoices/{posted['id']}/e-invoice?format=xml", headers=bare.headers), 422
    )
    assert [e["key"] for e in wrong["errors"]] == ["format"]


def test_another_tenants_documents_answer_404(client, url, tenant):
    posted = two_rate_invoice(client, tenant)
    other = make_tenant(url)
    for path in ("pdf", "e-invoice", "e-invoice?format=cii"):
        problem(client.get(f"{API}/invoices/{posted['id']}/{path}", headers=other.headers), 404)
    member = make_tenant(url, role="member")
    assert (
        client.get(f"{API}/invoices/{posted['id']}/pdf", headers=member.headers).status_code == 404
    )


def _png(color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), color).save(buffer, format="PNG")
    return buffer.getvalue()


def _images(response) -> int:
    reader = PdfReader(io.BytesIO(response.content))
    return sum(len(page.images) for page in reader.pages)


def test_the_logo_appears_in_the_pdf_until_removed(client, tenant):
    posted = post(client, tenant, invoice(client, tenant, partner_name="Ünïcødé 東京 Ltd 😀")["id"])
    pdf = f"{API}/invoices/{posted['id']}/pdf"
    first = client.get(pdf, headers=tenant.headers)
    assert first.status_code == 200 and _images(first) == 0
    assert "Ünïcødé" in pdf_text(first)

    logo = _png()
    company = ok(
        client.put(
            f"{API}/company/logo",
            content=logo,
            headers={**tenant.headers, "content-type": "image/png"},
        )
    )
    assert company["has_logo"] is True
    assert _images(client.get(pdf, headers=tenant.headers)) == 1
    # Hidden by the template, then shown again.
    ok(client.patch(f"{API}/company", json={"pdf_show_logo": False}, headers=tenant.headers))
    assert _images(client.get(pdf, headers=tenant.headers)) == 0
    ok(client.patch(f"{API}/company", json={"pdf_show_logo": True}, headers=tenant.headers))
    assert _images(client.get(pdf, headers=tenant.headers)) == 1

    refused = client.put(
        f"{API}/company/logo",
        content=b"not an image",
        headers={**tenant.headers, "content-type": "image/png"},
    )
    assert problem(refused, 422)["errors"][0]["key"] == "file"
    too_big = client.put(
        f"{API}/company/logo",
        content=b"\x89PNG" + b"0" * (1024 * 1024),
        headers={**tenant.headers, "content-type": "image/png"},
    )
    assert too_big.status_code == 413
    assert (
        client.put(
            f"{API}/company/logo",
            content=logo,
            headers={**tenant.headers, "content-type": "text/plain"},
        ).status_code
        == 415
    )
    files = {"file": ("logo.png", logo, "image/png")}
    assert client.put(f"{API}/company/logo", files=files, headers=tenant.headers).status_code == 200

    assert client.delete(f"{API}/company/logo", headers=tenant.headers).status_code == 204
    assert ok(client.get(f"{API}/company", headers=tenant.headers))["has_logo"] is False
    assert _images(client.get(pdf, headers=tenant.headers)) == 0


def test_money_in_documents_uses_the_currency_decimals(client, url):
    made = make_tenant(url)
    set_plugin_settings(url, made, "finance", {"country": "JP", "base_currency": "JPY"})
    ok(
        client.patch(
            f"{API}/company",
            json={**COMPANY, "country": "JP", "tax_id": None},
            headers=made.headers,
        )
    )
    lines = [{"description": "Tea", "quantity": "3", "unit_price": "1200"}]
    posted = post(client, made, invoice(client, made, lines=lines)["id"])
    text = pdf_text(client.get(f"{API}/invoices/{posted['id']}/pdf", headers=made.headers))
    assert "3,600" in text and "3,600.00" not in text
    assert Decimal(posted["total"]) == Decimal(3600)


def test_prices_including_tax_export_their_net_price(client, tenant):
    included = ok(
        client.post(
            f"{API}/taxes",
            json={
                "name": "TVA 20% TTC",
                "rate": "20",
                "scope": "sale",
                "account_code": "2200",
                "price_include": True,
            },
            headers=tenant.headers,
        ),
        201,
    )
    partner = customer(client, tenant)
    lines = [
        {"description": "Box", "quantity": "3", "unit_price": "40.00", "tax_id": included["id"]}
    ]
    draft = invoice(client, tenant, partner_id=partner["id"], partner_name=None, lines=lines)
    posted = post(client, tenant, draft["id"])
    assert (posted["untaxed_total"], posted["tax_total"], posted["total"]) == (
        "100.00",
        "20.00",
        "120.00",
    )
    text = pdf_text(client.get(f"{API}/invoices/{posted['id']}/pdf", headers=tenant.headers))
    assert "40.00 incl." in text and "20 % 100.00 20.00" in text
    cii = etree.fromstring(
        client.get(
            f"{API}/invoices/{posted['id']}/e-invoice?format=cii", headers=tenant.headers
        ).content
    )
    CII_XSD.assertValid(cii)
    line = cii.find(f".//{_RAM}IncludedSupplyChainTradeLineItem")
    assert Decimal(line.findtext(f".//{_RAM}ChargeAmount")) == Decimal("33.333333")
    assert line.findtext(f".//{_RAM}LineTotalAmount") == "100.00"
    assert cii.findtext(f".//{_RAM}GrandTotalAmount") == "120.00"


def test_the_e_invoices_409_is_documented_as_a_problem(client):
    """A read that answers 409 says so in the OpenAPI document, with the problem schema."""
    document = ok(client.get("/schema/openapi.json"))
    operation = document["paths"][f"{API}/invoices/{{invoice_id}}/e-invoice"]["get"]
    conflict = operation["responses"]["409"]
    assert conflict["description"] == "A draft, or legal data the e-invoice needs"
    assert list(conflict["content"]) == ["application/problem+json"]
