"""E-invoices to EN 16931: UN/CEFACT CII (Factur-X / ZUGFeRD profile EN 16931) and UBL 2.1.

Only posted documents are exported (a draft has no number: 409). Before any XML is built,
:func:`missing_fields` lists the legal data EN 16931 needs and the books lack (the seller's
name, address and tax id; the buyer's name and address): the export answers 409 naming
them, never an invalid XML. Every XML is checked against the published XSD bundled with the
``factur-x`` library before it is returned.

Amounts are those booked: per line the net amount, per rate the sum of its lines' net and
tax (the document's tax breakdown), and the document's totals. Tax category ``S``
(standard) for a positive rate, ``Z`` (zero rated) for 0 %.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from facturx import generate_from_binary, xml_check_xsd  # type: ignore[import-untyped]
from lxml import etree
from nexus_hookspecs.http import conflict
from stdnum import iban

from nexus_finance._money import minor_unit, quantize

if TYPE_CHECKING:
    from nexus_finance._documents import Document, Party

__all__ = ("cii_xml", "facturx_pdf", "missing_fields", "ubl_xml")

_RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
_RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
_QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
_UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
_UBL_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
_UBL_CREDIT = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
_EN16931 = "urn:cen.eu:en16931:2017"
_UNIT = "C62"  # UN/ECE recommendation 20: "one"


def missing_fields(document: Document) -> list[str]:
    """The legal data EN 16931 needs that the document's parties lack, as field names.

    Seller fields are the company's (``company.tax_id``…) on a sale and the partner's
    (``partner.tax_id``…) on a bill; the buyer's the other way round.
    """
    sale = document.direction == "sale"
    seller, buyer = ("company", "partner") if sale else ("partner", "company")
    name = "legal_name" if sale else "name"
    buyer_name = "name" if sale else "legal_name"
    missing = []
    if document.is_draft:
        missing.append("number")
    needed = (
        (document.seller, seller, name, ("address_line1", "city", "postal_code", "country")),
        (document.buyer, buyer, buyer_name, ("address_line1", "city", "country")),
    )
    for party, prefix, name_field, fields in needed:
        if not party.name:
            missing.append(f"{prefix}.{name_field}")
        missing += [f"{prefix}.{f}" for f in fields if not getattr(party, f)]
    if not document.seller.tax_id:
        missing.append(f"{seller}.tax_id")
    return missing


def _check(document: Document) -> None:
    if document.is_draft or document.state == "cancelled":
        conflict(
            f"the document is {document.state}: only posted documents have an e-invoice",
            missing=["number"] if document.is_draft else [],
        )
    missing = missing_fields(document)
    if missing:
        conflict(
            "an EN 16931 e-invoice needs legal data the books lack: " + ", ".join(missing),
            missing=missing,
        )


def _amount(document: Document, value: Decimal) -> str:
    return f"{quantize(value, document.currency):.{minor_unit(document.currency)}f}"


def _number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _category(rate: Decimal) -> str:
    return "S" if rate > 0 else "Z"


def _unit_net(document: Document, net: Decimal, quantity: Decimal, unit: Decimal) -> Decimal:
    """The net unit price: the unit price, or net ÷ quantity for a price including tax."""
    if quantize(unit * quantity, document.currency) == net:
        return unit
    return (net / quantity).quantize(Decimal("0.000001"))


def _validated(xml: bytes, flavor: str, level: str | None) -> bytes:
    """``xml`` once it validates against the published XSD; else 409, never an invalid XML."""
    try:
        xml_check_xsd(xml, flavor=flavor, level=level or "autodetect")
    except Exception as exc:  # noqa: BLE001 - factur-x raises a bare Exception
        conflict(f"the document cannot be expressed as a valid {flavor} e-invoice: {exc}")
    return xml


# --- CII (Factur-X EN 16931) -------------------------------------------------------------


def _el(parent: Any, ns: str, tag: str, text: str | None = None, **attrs: str) -> Any:
    element = etree.SubElement(parent, f"{{{ns}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _ram(parent: Any, tag: str, text: str | None = None, **attrs: str) -> Any:
    return _el(parent, _RAM, tag, text, **attrs)


def _cii_date(parent: Any, tag: str, value: Any, ns: str = _UDT) -> None:
    holder = _ram(parent, tag)
    _el(holder, ns, "DateTimeString", value.strftime("%Y%m%d"), format="102")


def _cii_party(parent: Any, tag: str, party: Party) -> None:
    node = _ram(parent, tag)
    _ram(node, "Name", party.name)
    if party.registration_number:
        legal = _ram(node, "SpecifiedLegalOrganization")
        _ram(legal, "ID", party.registration_number)
    address = _ram(node, "PostalTradeAddress")
    for field, element in (
        ("postal_code", "PostcodeCode"),
        ("address_line1", "LineOne"),
        ("address_line2", "LineTwo"),
        ("city", "CityName"),
        ("country", "CountryID"),
    ):
        value = getattr(party, field)
        if value:
            _ram(address, element, value)
    if party.email:
        uri = _ram(node, "URIUniversalCommunication")
        _ram(uri, "URIID", party.email, schemeID="EM")
    if party.tax_id:
        registration = _ram(node, "SpecifiedTaxRegistration")
        _ram(registration, "ID", party.tax_id, schemeID="VA")


def cii_xml(document: Document) -> bytes:
    """The document as a CII XML of the Factur-X EN 16931 profile, checked against its XSD.

    Raises:
        HTTPException: 409 for a draft or when legal data is missing (``missing`` lists it).
    """
    _check(document)
    root = etree.Element(
        f"{{{_RSM}}}CrossIndustryInvoice",
        nsmap={"rsm": _RSM, "ram": _RAM, "qdt": _QDT, "udt": _UDT},
    )
    context = _el(root, _RSM, "ExchangedDocumentContext")
    guideline = _ram(context, "GuidelineSpecifiedDocumentContextParameter")
    _ram(guideline, "ID", _EN16931)
    header = _el(root, _RSM, "ExchangedDocument")
    _ram(header, "ID", document.number)
    _ram(header, "TypeCode", "381" if document.kind == "credit_note" else "380")
    _cii_date(header, "IssueDateTime", document.date)
    if document.notes:
        note = _ram(header, "IncludedNote")
        _ram(note, "Content", document.notes)

    transaction = _el(root, _RSM, "SupplyChainTradeTransaction")
    for index, line in enumerate(document.lines, start=1):
        item = _ram(transaction, "IncludedSupplyChainTradeLineItem")
        _ram(_ram(item, "AssociatedDocumentLineDocument"), "LineID", str(index))
        _ram(_ram(item, "SpecifiedTradeProduct"), "Name", line.description)
        agreement = _ram(item, "SpecifiedLineTradeAgreement")
        price = _ram(agreement, "NetPriceProductTradePrice")
        unit = _unit_net(document, line.net, line.quantity, line.unit_price)
        _ram(price, "ChargeAmount", _number(unit))
        delivery = _ram(item, "SpecifiedLineTradeDelivery")
        _ram(delivery, "BilledQuantity", _number(line.quantity), unitCode=_UNIT)
        settlement = _ram(item, "SpecifiedLineTradeSettlement")
        tax = _ram(settlement, "ApplicableTradeTax")
        _ram(tax, "TypeCode", "VAT")
        _ram(tax, "CategoryCode", _category(line.tax_rate))
        _ram(tax, "RateApplicablePercent", _number(line.tax_rate))
        summation = _ram(settlement, "SpecifiedTradeSettlementLineMonetarySummation")
        _ram(summation, "LineTotalAmount", _amount(document, line.net))

    agreement = _ram(transaction, "ApplicableHeaderTradeAgreement")
    if document.reference and document.kind != "credit_note":
        _ram(agreement, "BuyerReference", document.reference)
    _cii_party(agreement, "SellerTradeParty", document.seller)
    _cii_party(agreement, "BuyerTradeParty", document.buyer)
    _ram(transaction, "ApplicableHeaderTradeDelivery")
    settlement = _ram(transaction, "ApplicableHeaderTradeSettlement")
    _ram(settlement, "PaymentReference", document.number)
    _ram(settlement, "InvoiceCurrencyCode", document.currency)
    if document.bank_account:
        means = _ram(settlement, "SpecifiedTradeSettlementPaymentMeans")
        _ram(means, "TypeCode", "30")
        account = _ram(means, "PayeePartyCreditorFinancialAccount")
        if iban.is_valid(document.bank_account):
            _ram(account, "IBANID", iban.compact(document.bank_account))
        else:
            _ram(account, "ProprietaryID", document.bank_account)
    for group in document.taxes:
        tax = _ram(settlement, "ApplicableTradeTax")
        _ram(tax, "CalculatedAmount", _amount(document, group.tax))
        _ram(tax, "TypeCode", "VAT")
        _ram(tax, "BasisAmount", _amount(document, group.net))
        _ram(tax, "CategoryCode", _category(group.rate))
        _ram(tax, "RateApplicablePercent", _number(group.rate))
    terms = _ram(settlement, "SpecifiedTradePaymentTerms")
    if document.payment_instructions:
        _ram(terms, "Description", document.payment_instructions)
    _cii_date(terms, "DueDateDateTime", document.due_date)
    totals = _ram(settlement, "SpecifiedTradeSettlementHeaderMonetarySummation")
    _ram(
        totals,
        "LineTotalAmount",
        _amount(document, sum((x.net for x in document.lines), Decimal(0))),
    )
    _ram(totals, "TaxBasisTotalAmount", _amount(document, document.untaxed_total))
    _ram(
        totals,
        "TaxTotalAmount",
        _amount(document, document.tax_total),
        currencyID=document.currency,
    )
    _ram(totals, "GrandTotalAmount", _amount(document, document.total))
    _ram(totals, "DuePayableAmount", _amount(document, document.total))
    if document.kind == "credit_note" and document.credited_number:
        referenced = _ram(settlement, "InvoiceReferencedDocument")
        _ram(referenced, "IssuerAssignedID", document.credited_number)
        if document.credited_date is not None:
            _cii_date(referenced, "FormattedIssueDateTime", document.credited_date, ns=_QDT)
    xml: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return _validated(xml, "factur-x", "en16931")


def facturx_pdf(document: Document, pdf: bytes) -> bytes:
    """The PDF with the CII XML embedded as ``factur-x.xml``: a Factur-X EN 16931 PDF/A-3."""
    xml = cii_xml(document)
    result: bytes = generate_from_binary(
        pdf,
        xml,
        flavor="factur-x",
        level="en16931",
        check_xsd=False,
        pdf_metadata={
            "author": document.seller.name,
            "keywords": "Factur-X, Invoice",
            "title": f"{document.seller.name}: {document.title} {document.number}",
            "subject": f"{document.title} {document.number} dated {document.date.isoformat()} "
            f"issued by {document.seller.name}",
        },
        lang="en-GB",
    )
    return result


# --- UBL 2.1 ---------------------------------------------------------------------------


def _cbc(parent: Any, tag: str, text: str | None = None, **attrs: str) -> Any:
    return _el(parent, _CBC, tag, text, **attrs)


def _cac(parent: Any, tag: str) -> Any:
    return _el(parent, _CAC, tag)


def _ubl_party(parent: Any, tag: str, party: Party) -> None:
    node = _cac(_cac(parent, tag), "Party")
    _cbc(_cac(node, "PartyName"), "Name", party.name)
    address = _cac(node, "PostalAddress")
    for field, element in (
        ("address_line1", "StreetName"),
        ("address_line2", "AdditionalStreetName"),
        ("city", "CityName"),
        ("postal_code", "PostalZone"),
    ):
        value = getattr(party, field)
        if value:
            _cbc(address, element, value)
    _cbc(_cac(address, "Country"), "IdentificationCode", party.country)
    if party.tax_id:
        scheme = _cac(node, "PartyTaxScheme")
        _cbc(scheme, "CompanyID", party.tax_id)
        _cbc(_cac(scheme, "TaxScheme"), "ID", "VAT")
    legal = _cac(node, "PartyLegalEntity")
    _cbc(legal, "RegistrationName", party.name)
    if party.registration_number:
        _cbc(legal, "CompanyID", party.registration_number)
    if party.phone or party.email:
        contact = _cac(node, "Contact")
        if party.phone:
            _cbc(contact, "Telephone", party.phone)
        if party.email:
            _cbc(contact, "ElectronicMail", party.email)


def _ubl_category(parent: Any, tag: str, rate: Decimal) -> None:
    category = _cac(parent, tag)
    _cbc(category, "ID", _category(rate))
    _cbc(category, "Percent", _number(rate))
    _cbc(_cac(category, "TaxScheme"), "ID", "VAT")


def ubl_xml(document: Document) -> bytes:
    """The document as a UBL 2.1 Invoice (or CreditNote) to EN 16931, checked against its XSD.

    Raises:
        HTTPException: 409 for a draft or when legal data is missing (``missing`` lists it).
    """
    _check(document)
    credit = document.kind == "credit_note"
    main = _UBL_CREDIT if credit else _UBL_INVOICE
    root = etree.Element(
        f"{{{main}}}{'CreditNote' if credit else 'Invoice'}",
        nsmap={None: main, "cac": _CAC, "cbc": _CBC},
    )
    currency = document.currency
    _cbc(root, "CustomizationID", _EN16931)
    _cbc(root, "ID", document.number)
    _cbc(root, "IssueDate", document.date.isoformat())
    if not credit:
        _cbc(root, "DueDate", document.due_date.isoformat())
    _cbc(root, "CreditNoteTypeCode" if credit else "InvoiceTypeCode", "381" if credit else "380")
    if document.notes:
        _cbc(root, "Note", document.notes)
    _cbc(root, "DocumentCurrencyCode", currency)
    if document.reference and not credit:
        _cbc(root, "BuyerReference", document.reference)
    if credit and document.credited_number:
        reference = _cac(_cac(root, "BillingReference"), "InvoiceDocumentReference")
        _cbc(reference, "ID", document.credited_number)
        if document.credited_date is not None:
            _cbc(reference, "IssueDate", document.credited_date.isoformat())
    _ubl_party(root, "AccountingSupplierParty", document.seller)
    _ubl_party(root, "AccountingCustomerParty", document.buyer)
    if document.bank_account or credit:
        means = _cac(root, "PaymentMeans")
        _cbc(means, "PaymentMeansCode", "30")
        if credit:
            _cbc(means, "PaymentDueDate", document.due_date.isoformat())
        _cbc(means, "PaymentID", document.number)
        if document.bank_account:
            account = _cac(means, "PayeeFinancialAccount")
            value = document.bank_account
            _cbc(account, "ID", iban.compact(value) if iban.is_valid(value) else value)
    if document.payment_instructions:
        _cbc(_cac(root, "PaymentTerms"), "Note", document.payment_instructions)
    tax_total = _cac(root, "TaxTotal")
    _cbc(tax_total, "TaxAmount", _amount(document, document.tax_total), currencyID=currency)
    for group in document.taxes:
        subtotal = _cac(tax_total, "TaxSubtotal")
        _cbc(subtotal, "TaxableAmount", _amount(document, group.net), currencyID=currency)
        _cbc(subtotal, "TaxAmount", _amount(document, group.tax), currencyID=currency)
        _ubl_category(subtotal, "TaxCategory", group.rate)
    totals = _cac(root, "LegalMonetaryTotal")
    lines_net = sum((line.net for line in document.lines), Decimal(0))
    _cbc(totals, "LineExtensionAmount", _amount(document, lines_net), currencyID=currency)
    _cbc(
        totals, "TaxExclusiveAmount", _amount(document, document.untaxed_total), currencyID=currency
    )
    _cbc(totals, "TaxInclusiveAmount", _amount(document, document.total), currencyID=currency)
    _cbc(totals, "PayableAmount", _amount(document, document.total), currencyID=currency)
    for index, line in enumerate(document.lines, start=1):
        node = _cac(root, "CreditNoteLine" if credit else "InvoiceLine")
        _cbc(node, "ID", str(index))
        quantity = _number(line.quantity)
        _cbc(node, "CreditedQuantity" if credit else "InvoicedQuantity", quantity, unitCode=_UNIT)
        _cbc(node, "LineExtensionAmount", _amount(document, line.net), currencyID=currency)
        item = _cac(node, "Item")
        _cbc(item, "Name", line.description)
        _ubl_category(item, "ClassifiedTaxCategory", line.tax_rate)
        unit = _unit_net(document, line.net, line.quantity, line.unit_price)
        _cbc(_cac(node, "Price"), "PriceAmount", _number(unit), currencyID=currency)
    xml: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return _validated(xml, "ubl-2.1-creditnote" if credit else "ubl-2.1-invoice", None)
