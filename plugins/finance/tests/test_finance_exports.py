"""Bookkeeping exports: general ledger and journals as CSV, the SAF-T audit file."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from decimal import Decimal

import nexus_finance._exports
import pytest
from finance_support import API, ok, post, problem, sql, trial_balance
from lxml import etree
from nexus.testing import make_tenant, set_plugin_settings

NS = {"s": "urn:OECD:StandardAuditFile-Tax:2.00"}
YEAR = {"date_from": "2025-01-01", "date_to": "2025-12-31"}
QUOTED = 'Courier, "urgent" delivery'
FORMULA = "=HYPERLINK(evil)"


def _entry(client, tenant, day, lines, memo=None):
    body = {"date": day, "lines": lines, **({"memo": memo} if memo else {})}
    return ok(client.post(f"{API}/entries", json=body, headers=tenant.headers), 201)


def _document(client, tenant, **fields):
    made = ok(client.post(f"{API}/invoices", json=fields, headers=tenant.headers), 201)
    return post(client, tenant, made["id"])


@pytest.fixture(scope="module")
def books(world):
    """A GB tenant's 2025: capital, a taxed sale paid, a taxed bill, a USD sale paid, fees."""
    client, url = world
    tenant = make_tenant(url)
    set_plugin_settings(url, tenant, "finance", {"country": "GB"})
    h = tenant.headers
    taxes = {t["scope"]: t["id"] for t in ok(client.get(f"{API}/taxes", headers=h))["items"]}
    _entry(
        client,
        tenant,
        "2025-01-05",
        [
            {"account_code": "1000", "debit": "10000.00"},
            {"account_code": "3000", "credit": "10000.00"},
        ],
        memo="Capital",
    )
    sale = _document(
        client,
        tenant,
        partner_name="Acme",
        date="2025-02-10",
        lines=[
            {"description": "Consulting", "unit_price": "600.00", "tax_id": taxes["sale"]},
            {"description": "Training", "unit_price": "400.00", "tax_id": taxes["sale"]},
        ],
    )
    _document(
        client,
        tenant,
        kind="bill",
        partner_name="Landlord",
        date="2025-02-20",
        lines=[
            {
                "description": "Rent",
                "unit_price": "500.00",
                "account_code": "6200",
                "tax_id": taxes["purchase"],
            }
        ],
    )
    ok(
        client.post(
            f"{API}/payments",
            headers=h,
            json={
                "partner_id": sale["partner_id"],
                "amount": "1200.00",
                "date": "2025-03-05",
                "allocations": [{"invoice_id": sale["id"], "amount": "1200.00"}],
            },
        ),
        201,
    )
    for day, rate in (("2025-01-01", "0.8"), ("2025-03-20", "0.9")):
        ok(
            client.post(
                f"{API}/rates", headers=h, json={"currency": "USD", "rate": rate, "date": day}
            ),
            201,
        )
    usd = _document(
        client,
        tenant,
        partner_name="Yankee Inc",
        currency="USD",
        date="2025-03-10",
        lines=[{"description": "Export", "unit_price": "300.00"}],
    )
    ok(
        client.post(
            f"{API}/payments",
            headers=h,
            json={
                "partner_id": usd["partner_id"],
                "amount": "300.00",
                "currency": "USD",
                "date": "2025-03-25",
                "allocations": [{"invoice_id": usd["id"], "amount": "300.00"}],
            },
        ),
        201,
    )
    _entry(
        client,
        tenant,
        "2025-04-02",
        [
            {"account_code": "6900", "debit": "45.50", "description": QUOTED},
            {"account_code": "1000", "credit": "45.50", "description": FORMULA},
        ],
    )
    return tenant


def _csv(response):
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text, newline="")))


def _ledger(client, tenant, **params):
    return _csv(
        client.get(f"{API}/exports/general-ledger.csv", params=params, headers=tenant.headers)
    )


def _saft(client, tenant, **params):
    response = client.get(f"{API}/exports/saf-t", params=params, headers=tenant.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    return etree.fromstring(response.content)


_PARTY = ["RegistrationNumber", "Name", "Address", "Contact", "TaxRegistration", "BankAccount"]
_BALANCES = [
    "OpeningDebitBalance",
    "OpeningCreditBalance",
    "ClosingDebitBalance",
    "ClosingCreditBalance",
]
_AMOUNT = ["Amount", "CurrencyCode", "CurrencyAmount", "ExchangeRate"]
# The sequences of the OECD SAF-T 2.00 schema, for the elements the export writes.
SCHEMA_ORDER = {
    "AuditFile": ["Header", "MasterFiles", "GeneralLedgerEntries", "SourceDocuments"],
    "Company": _PARTY,
    "Address": ["StreetName", "Number", "AdditionalAddressDetail", "Building", "City"]
    + ["PostalCode", "Region", "Country", "AddressType"],
    "SelectionCriteria": ["TaxReportingJurisdiction", "CompanyEntity", "SelectionStartDate"]
    + ["SelectionEndDate", "DocumentType", "OtherCriteria"],
    "MasterFiles": ["GeneralLedgerAccounts", "Taxonomies", "Customers", "Suppliers", "TaxTable"],
    "Account": ["AccountID", "AccountDescription", "StandardAccountID", "GroupingCategory"]
    + ["GroupingCode", "AccountType", "AccountCreationDate", *_BALANCES],
    "Customer": [*_PARTY, "CustomerID", "SelfBillingIndicator", "AccountID", *_BALANCES],
    "Supplier": [*_PARTY, "SupplierID", "SelfBillingIndicator", "AccountID", *_BALANCES],
    "TaxTableEntry": ["TaxType", "Description", "TaxCodeDetails"],
    "TaxCodeDetails": ["TaxCode", "EffectiveDate", "ExpirationDate", "Description"]
    + ["TaxPercentage", "FlatTaxRate", "Country", "Region"],
    "GeneralLedgerEntries": ["NumberOfEntries", "TotalDebit", "TotalCredit", "Journal"],
    "Journal": ["JournalID", "Description", "Type", "Transaction"],
    "Transaction": ["TransactionID", "Period", "PeriodYear", "TransactionDate", "SourceID"]
    + ["TransactionType", "Description", "BatchID", "SystemEntryDate", "GLPostingDate"]
    + ["CustomerID", "SupplierID", "SystemID", "Line"],
    "Line": ["RecordID", "AccountID", "Analysis", "ValueDate", "SourceDocumentID"]
    + ["CustomerID", "SupplierID", "Description", "DebitAmount", "CreditAmount"]
    + ["TaxInformation"],
    "DebitAmount": _AMOUNT,
    "CreditAmount": _AMOUNT,
    "TaxAmount": _AMOUNT,
    "TaxInformation": ["TaxType", "TaxCode", "TaxPercentage", "Country", "TaxBase"]
    + ["TaxBaseDescription", "TaxAmount"],
}


def assert_schema_order(root):
    """Every listed element's children are known to the schema and in its order."""
    for element in root.iter():
        order = SCHEMA_ORDER.get(etree.QName(element).localname)
        if order is None:
            continue
        names = [etree.QName(child).localname for child in element]
        assert set(names) <= set(order), (element.tag, names)
        positions = [order.index(name) for name in names]
        assert positions == sorted(positions), (element.tag, names)


def _dec(node, path):
    return Decimal(node.findtext(path, namespaces=NS))


def _signed(node, kind):
    debit = node.findtext(f"s:{kind}DebitBalance", namespaces=NS)
    return Decimal(debit) if debit is not None else -_dec(node, f"s:{kind}CreditBalance")


def test_general_ledger_csv_is_every_line_and_sums_to_the_trial_balance(world, books):
    client, url = world
    response = client.get(f"{API}/exports/general-ledger.csv", params=YEAR, headers=books.headers)
    assert response.headers["content-disposition"] == (
        'attachment; filename="general-ledger_2025-01-01_2025-12-31.csv"; '
        "filename*=UTF-8''general-ledger_2025-01-01_2025-12-31.csv"
    )
    rows = _ledger(client, books, **YEAR)
    lines = sql(url, "select count(*) from finance_entry_line where tenant_id = $1", books.id)
    assert len(rows) == lines[0][0] > 0
    assert list(rows[0]) == list(nexus_finance._exports.GENERAL_LEDGER_COLUMNS)
    # Ordered by date, then posting time.
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    base = [Decimal(0), Decimal(0)]
    for row in rows:
        sums[row["currency"]][0] += Decimal(row["debit"])
        sums[row["currency"]][1] += Decimal(row["credit"])
        base[0] += Decimal(row["base_debit"])
        base[1] += Decimal(row["base_credit"])
    report = trial_balance(client, books, **YEAR)
    assert set(sums) == set(report["totals"]) == {"EUR", "USD"}
    for currency, (debit, credit) in sums.items():
        assert str(debit) == report["totals"][currency]["debit"]
        assert str(credit) == report["totals"][currency]["credit"]
    company = trial_balance(client, books, basis="company", **YEAR)["totals"]["EUR"]
    assert str(base[0]) == str(base[1]) == company["debit"] == company["credit"]
    # The USD sale: 300 USD at 0.8; its payment at 0.9 realises a 30.00 base-only gain line.
    usd = [r for r in rows if r["currency"] == "USD" and r["account_code"] == "4000"]
    assert [(r["credit"], r["base_credit"], r["rate"]) for r in usd] == [
        ("300.00", "240.00", "0.8")
    ]
    assert any(r["debit"] == r["credit"] == "0.00" and r["base_credit"] == "30.00" for r in rows)
    assert {r["partner"] for r in rows} >= {"Acme", "Landlord", "Yankee Inc"}


def test_csv_quotes_commas_and_quotes_and_defuses_formulas(world, books):
    client, _ = world
    text = client.get(f"{API}/exports/general-ledger.csv", params=YEAR, headers=books.headers).text
    assert '"Courier, ""urgent"" delivery"' in text
    rows = _ledger(client, books, **YEAR)
    descriptions = {r["description"] for r in rows}
    assert QUOTED in descriptions
    assert "'" + FORMULA in descriptions
    assert FORMULA not in descriptions


def test_date_filters(world, books):
    client, _ = world
    march = _ledger(client, books, date_from="2025-03-01", date_to="2025-03-31")
    assert march
    assert {r["date"][:7] for r in march} == {"2025-03"}
    assert {r["entry"].split("/")[0] for r in march} >= {"BNK1", "INV"}
    assert _ledger(client, books, date_to="2024-12-31") == []
    until_january = _ledger(client, books, date_to="2025-01-31")
    assert {r["entry"] for r in until_january} == {"MISC/2025/00001"}


def test_keyset_batches_give_the_same_file(world, books, monkeypatch):
    client, _ = world
    whole = client.get(f"{API}/exports/journals.csv", params=YEAR, headers=books.headers).text
    monkeypatch.setattr(nexus_finance._exports, "BATCH", 2)
    assert client.get(f"{API}/exports/journals.csv", params=YEAR, headers=books.headers).text == (
        whole
    )
    ledger = _ledger(client, books, **YEAR)
    monkeypatch.undo()
    assert ledger == _ledger(client, books, **YEAR)


def test_journals_csv_groups_entries_per_journal(world, books):
    client, _ = world
    rows = _csv(client.get(f"{API}/exports/journals.csv", params=YEAR, headers=books.headers))
    journals = [r["journal"] for r in rows]
    assert journals == sorted(journals)
    assert set(journals) == {"BILL", "BNK1", "INV", "MISC"}
    for journal in set(journals):
        block = [r for r in rows if r["journal"] == journal]
        assert [r["date"] for r in block] == sorted(r["date"] for r in block)
        assert all(r["entry"].startswith(journal) for r in block)
    bills = client.get(
        f"{API}/exports/journals.csv", params={"journal": "BILL", **YEAR}, headers=books.headers
    )
    assert (
        'filename="journal-BILL_2025-01-01_2025-12-31.csv"'
        in (bills.headers["content-disposition"])
    )
    bill = _csv(bills)
    assert {r["journal"] for r in bill} == {"BILL"}
    assert {(r["account_code"], r["debit"], r["credit"]) for r in bill} == {
        ("6200", "500.00", "0.00"),
        ("1300", "100.00", "0.00"),
        ("2000", "0.00", "600.00"),
    }


def test_saf_t_header_and_figures(world, books):
    client, _ = world
    root = _saft(client, books, **YEAR)
    assert_schema_order(root)
    header = root.find("s:Header", NS)
    assert [etree.QName(child).localname for child in header] == [
        "AuditFileVersion",
        "AuditFileCountry",
        "AuditFileDateCreated",
        "SoftwareCompanyName",
        "SoftwareID",
        "SoftwareVersion",
        "Company",
        "DefaultCurrencyCode",
        "SelectionCriteria",
        "TaxAccountingBasis",
    ]
    assert header.findtext("s:AuditFileVersion", namespaces=NS) == "2.00"
    assert header.findtext("s:AuditFileCountry", namespaces=NS) == "GB"
    assert header.findtext("s:DefaultCurrencyCode", namespaces=NS) == "EUR"
    assert header.findtext("s:SelectionCriteria/s:SelectionStartDate", namespaces=NS) == (
        "2025-01-01"
    )
    assert [etree.QName(child).localname for child in root] == [
        "Header",
        "MasterFiles",
        "GeneralLedgerEntries",
    ]
    entries = root.find("s:GeneralLedgerEntries", NS)
    transactions = entries.findall("s:Journal/s:Transaction", NS)
    assert int(entries.findtext("s:NumberOfEntries", namespaces=NS)) == len(transactions) == 7
    company = trial_balance(client, books, basis="company", **YEAR)["totals"]["EUR"]
    assert entries.findtext("s:TotalDebit", namespaces=NS) == company["debit"]
    assert entries.findtext("s:TotalCredit", namespaces=NS) == company["credit"]
    lines = entries.findall("s:Journal/s:Transaction/s:Line", NS)
    debit = sum(
        (
            _dec(line, "s:DebitAmount/s:Amount")
            for line in lines
            if line.find("s:DebitAmount", NS) is not None
        ),
        Decimal(0),
    )
    assert str(debit) == company["debit"]
    journals = [j.findtext("s:JournalID", namespaces=NS) for j in entries.findall("s:Journal", NS)]
    assert journals == ["BILL", "BNK1", "INV", "MISC"]


def test_saf_t_opening_plus_movements_is_closing(world, books):
    client, _ = world
    root = _saft(client, books, date_from="2025-03-01", date_to="2025-12-31")
    movements: dict[str, Decimal] = defaultdict(Decimal)
    for line in root.iterfind(".//s:Transaction/s:Line", NS):
        account = line.findtext("s:AccountID", namespaces=NS)
        if line.find("s:DebitAmount", NS) is not None:
            movements[account] += _dec(line, "s:DebitAmount/s:Amount")
        else:
            movements[account] -= _dec(line, "s:CreditAmount/s:Amount")
    accounts = root.findall("s:MasterFiles/s:GeneralLedgerAccounts/s:Account", NS)
    assert len(accounts) >= 30  # the whole chart
    balances = {}
    for account in accounts:
        code = account.findtext("s:AccountID", namespaces=NS)
        opening, closing = _signed(account, "Opening"), _signed(account, "Closing")
        assert opening + movements[code] == closing, code
        balances[code] = (opening, closing)
    # Before March: capital 10000 in the bank; the sale (1200) and the bill (600) open.
    # Then 1200 and 300 USD at 0.9 come in, 45.50 goes out.
    assert balances["1000"] == (Decimal("10000.00"), Decimal("11424.50"))
    assert balances["1100"][0] == Decimal("1200.00")
    assert balances["2000"] == (Decimal("-600.00"), Decimal("-600.00"))
    assert balances["3000"] == (Decimal("-10000.00"), Decimal("-10000.00"))
    number = int(root.findtext(".//s:NumberOfEntries", namespaces=NS))
    assert (
        number == len(root.findall(".//s:Transaction", NS)) == 4
    )  # payment, USD sale and payment, fees


def test_saf_t_partners_taxes_and_foreign_lines(world, books):
    client, _ = world
    root = _saft(client, books, **YEAR)
    master = root.find("s:MasterFiles", NS)
    customers = {
        c.findtext("s:Name", namespaces=NS): c for c in master.findall("s:Customers/s:Customer", NS)
    }
    assert set(customers) == {"Acme", "Yankee Inc"}
    acme = customers["Acme"]
    assert acme.findtext("s:AccountID", namespaces=NS) == "1100"
    assert _signed(acme, "Closing") == 0
    landlord = master.find("s:Suppliers/s:Supplier", NS)
    assert landlord.findtext("s:Name", namespaces=NS) == "Landlord"
    assert _signed(landlord, "Closing") == Decimal("-600.00")
    details = master.findall("s:TaxTable/s:TaxTableEntry/s:TaxCodeDetails", NS)
    assert {d.findtext("s:TaxPercentage", namespaces=NS) for d in details} == {"20"}
    sale = next(
        t
        for t in root.iterfind(".//s:Transaction", NS)
        if t.findtext("s:TransactionID", namespaces=NS) == "INV/2025/00001"
    )
    assert sale.findtext("s:CustomerID", namespaces=NS) == acme.findtext(
        "s:CustomerID", namespaces=NS
    )
    taxed = [
        line for line in sale.findall("s:Line", NS) if line.find("s:TaxInformation", NS) is not None
    ]
    assert len(taxed) == 1
    tax = taxed[0].find("s:TaxInformation", NS)
    assert taxed[0].findtext("s:AccountID", namespaces=NS) == "2200"
    assert tax.findtext("s:TaxPercentage", namespaces=NS) == "20"
    assert tax.findtext("s:TaxBase", namespaces=NS) == "1000.00"
    assert tax.findtext("s:TaxAmount/s:Amount", namespaces=NS) == "200.00"
    foreign = [
        line
        for line in root.iterfind(".//s:Line", NS)
        if line.findtext("s:CreditAmount/s:CurrencyCode", namespaces=NS) == "USD"
        and line.findtext("s:AccountID", namespaces=NS) == "4000"
    ]
    assert len(foreign) == 1
    amount = foreign[0].find("s:CreditAmount", NS)
    assert [(etree.QName(c).localname, c.text) for c in amount] == [
        ("Amount", "240.00"),
        ("CurrencyCode", "USD"),
        ("CurrencyAmount", "300.00"),
        ("ExchangeRate", "0.8"),
    ]


def test_saf_t_period_defaults_to_the_fiscal_year_so_far(world, books):
    client, _ = world
    root = _saft(client, books, date_to="2025-02-28")
    criteria = root.find("s:Header/s:SelectionCriteria", NS)
    assert [c.text for c in criteria] == ["2025-01-01", "2025-02-28"]
    ids = [
        t.findtext("s:TransactionID", namespaces=NS) for t in root.iterfind(".//s:Transaction", NS)
    ]
    assert sorted(ids) == ["BILL/2025/00001", "INV/2025/00001", "MISC/2025/00001"]


def test_another_tenant_sees_none_of_it(world, books):
    client, url = world
    other = make_tenant(url)
    assert _ledger(client, other, **YEAR) == []
    rows = _csv(client.get(f"{API}/exports/journals.csv", params=YEAR, headers=other.headers))
    assert rows == []
    # No country: no audit file until the request or the books name one.
    body = problem(client.get(f"{API}/exports/saf-t", params=YEAR, headers=other.headers), 422)
    assert [error["key"] for error in body["errors"]] == ["country"]
    asked = _saft(client, other, country="DE", **YEAR)
    assert asked.findtext("s:Header/s:AuditFileCountry", namespaces=NS) == "DE"
    set_plugin_settings(url, other, "finance", {"country": "FR"})
    root = _saft(client, other, **YEAR)
    assert root.findtext("s:Header/s:AuditFileCountry", namespaces=NS) == "FR"
    assert root.findtext(".//s:NumberOfEntries", namespaces=NS) == "0"
    assert root.find(".//s:Journal", NS) is None
    assert root.find(".//s:Customers", NS) is None


@pytest.mark.parametrize(
    ("path", "params", "key"),
    [
        ("general-ledger.csv", {"date_from": "2025-13-01"}, "date_from"),
        ("general-ledger.csv", {"date_to": "yesterday"}, "date_to"),
        ("general-ledger.csv", {"date_from": "2025-05-01", "date_to": "2025-04-30"}, "date_from"),
        ("journals.csv", {"date_to": "3000-01-01"}, "date_to"),
        ("journals.csv", {"journal": "NOPE"}, "journal"),
        ("saf-t", {"date_from": "1899-12-31"}, "date_from"),
        ("saf-t", {"date_from": "2025-02-01", "date_to": "2025-01-01"}, "date_from"),
        ("saf-t", {"country": "gb"}, "country"),
    ],
)
def test_bad_dates_and_journals_are_422(world, books, path, params, key):
    client, _ = world
    body = problem(client.get(f"{API}/exports/{path}", params=params, headers=books.headers), 422)
    assert key in {error["key"] for error in body["errors"]}, body


def test_exports_need_the_reports_permission(world):
    client, url = world
    member = make_tenant(url, role="member")
    for path in ("general-ledger.csv", "journals.csv", "saf-t"):
        assert client.get(f"{API}/exports/{path}", headers=member.headers).status_code == 403
