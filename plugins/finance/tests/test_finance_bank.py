"""Bank statements through the API: CAMT.053, OFX and CSV imports, reconciliation, report."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec
import nexus_finance
import pytest
from finance_support import API, balance_of, invoice, ok, outbox, post, problem, trial_balance
from nexus.testing import make_tenant

XML = {"content-type": "application/xml"}
MONTH_END = "2026-11-30"


@pytest.fixture
def client(world):
    return world[0]


@pytest.fixture
def url(world):
    return world[1]


@pytest.fixture
def tenant(url):
    return make_tenant(url)


def camt(
    lines: list[dict[str, Any]],
    *,
    opening: str,
    closing: str | None = None,
    stmt_id: str = "STMT-2026-11",
    version: str = "02",
) -> bytes:
    """A CAMT.053 statement of November 2026; each line: amount (signed), text, ref, name."""
    if closing is None:
        booked = [line for line in lines if line.get("status", "BOOK") == "BOOK"]
        closing = str(Decimal(opening) + sum(Decimal(line["amount"]) for line in booked))

    def balance(code: str, amount: str, day: str) -> str:
        sign = "CRDT" if Decimal(amount) >= 0 else "DBIT"
        return (
            f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
            f'<Amt Ccy="EUR">{abs(Decimal(amount))}</Amt><CdtDbtInd>{sign}</CdtDbtInd>'
            f"<Dt><Dt>{day}</Dt></Dt></Bal>"
        )

    entries = []
    for index, line in enumerate(lines, start=1):
        amount = Decimal(line["amount"])
        incoming = amount > 0
        status = line.get("status", "BOOK")
        role = "Dbtr" if incoming else "Cdtr"
        name = line.get("name", "Someone")
        party = f"<Pty><Nm>{name}</Nm></Pty>" if version >= "08" else f"<Nm>{name}</Nm>"
        entries.append(
            f'<Ntry><Amt Ccy="EUR">{abs(amount)}</Amt>'
            f"<CdtDbtInd>{'CRDT' if incoming else 'DBIT'}</CdtDbtInd>"
            f"<Sts>{status if version < '08' else f'<Cd>{status}</Cd>'}</Sts>"
            f"<BookgDt><Dt>{line.get('date', f'2026-11-{min(index + 1, 28):02d}')}</Dt></BookgDt>"
            f"<AcctSvcrRef>{line.get('ref', f'{stmt_id}-{index}')}</AcctSvcrRef>"
            f"<NtryDtls><TxDtls><RltdPties><{role}>{party}</{role}>"
            f"<{role}Acct><Id><IBAN>FR76300060000112345678{index:05d}</IBAN></Id></{role}Acct>"
            f"</RltdPties><RmtInf><Ustrd>{line['text']}</Ustrd></RmtInf></TxDtls></NtryDtls>"
            "</Ntry>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}">'
        "<BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-11-30T18:00:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>{stmt_id}</Id><CreDtTm>2026-11-30T18:00:00</CreDtTm>"
        "<FrToDt><FrDtTm>2026-11-01T00:00:00</FrDtTm><ToDtTm>2026-11-30T23:59:59</ToDtTm></FrToDt>"
        "<Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id><Ccy>EUR</Ccy></Acct>"
        f"{balance('OPBD', opening, '2026-11-01')}{balance('CLBD', closing, '2026-11-30')}"
        f"{''.join(entries)}</Stmt></BkToCstmrStmt></Document>"
    ).encode()


def upload(client, tenant, content: bytes, headers=XML, journal="BNK1"):
    return client.post(
        f"{API}/bank-statements/import",
        params={"journal": journal},
        content=content,
        headers={**tenant.headers, **headers},
    )


def document(client, tenant, kind, partner, amount, **fields):
    made = invoice(
        client,
        tenant,
        kind=kind,
        partner_name=partner,
        date="2026-10-10",
        lines=[{"description": "Goods", "unit_price": amount}],
        **fields,
    )
    return post(client, tenant, made["id"])


def reconcile(client, tenant, statement, line, **body):
    path = f"{API}/bank-statements/{statement['id']}/lines/{line['id']}/reconcile"
    return client.post(path, json=body, headers=tenant.headers)


def suggestions(client, tenant, statement, line):
    path = f"{API}/bank-statements/{statement['id']}/lines/{line['id']}/suggestions"
    return ok(client.get(path, headers=tenant.headers))


def bank_report(client, tenant, date_to=MONTH_END):
    return ok(
        client.get(
            f"{API}/reports/bank-reconciliation",
            params={"journal": "BNK1", "date_to": date_to},
            headers=tenant.headers,
        )
    )


def opening_entry(client, tenant, amount="5000.00"):
    lines = [
        {"account_code": "1000", "debit": amount},
        {"account_code": "3000", "credit": amount},
    ]
    body = {"date": "2026-10-31", "memo": "Opening balance", "lines": lines}
    ok(client.post(f"{API}/entries", json=body, headers=tenant.headers), 201)


def test_a_month_of_twenty_lines_reconciles_to_the_statements_closing_balance(client, url, tenant):
    opening_entry(client, tenant)
    inv = [
        document(client, tenant, "invoice", name, amount)
        for name, amount in [
            ("Alpha", "1200.00"),
            ("Beta", "450.00"),
            ("Gamma", "800.00"),
            ("Delta", "99.90"),
            ("Epsilon", "2000.00"),
            ("Zeta", "640.00"),
            ("Eta", "300.00"),
            ("Theta", "150.00"),
            ("Theta", "350.00"),
            ("Iota", "75.00"),
            ("Kappa", "1000.00"),
        ]
    ]
    bills = [
        document(client, tenant, "bill", name, amount, reference=ref)
        for name, amount, ref in [
            ("Supply Co", "320.00", "SUP-1001"),
            ("Office Ltd", "89.99", "OFF-77"),
            ("Power plc", "210.00", "PWR-9"),
            ("Rent Co", "1500.00", "RENT-11"),
            ("Supply Co", "120.00", "SUP-1002"),
        ]
    ]
    eta = inv[6]
    recorded = ok(
        client.post(
            f"{API}/payments",
            json={
                "partner_id": eta["partner_id"],
                "amount": "300.00",
                "date": "2026-11-03",
                "reference": "Cheque 4411",
                "allocations": [{"invoice_id": eta["id"], "amount": "300.00"}],
            },
            headers=tenant.headers,
        ),
        201,
    )
    lambda_ = ok(
        client.post(
            f"{API}/partners", json={"name": "Lambda", "kind": "customer"}, headers=tenant.headers
        ),
        201,
    )
    ok(
        client.post(
            f"{API}/bank-rules",
            json={
                "name": "Bank fees",
                "text_contains": "FEE",
                "direction": "out",
                "amount_max": "50.00",
                "account_code": "6500",
            },
            headers=tenant.headers,
        ),
        201,
    )
    n = [d["number"] for d in inv]
    lines = [
        {"amount": "1200.00", "text": f"Payment {n[0]}", "name": "Alpha"},
        {"amount": "450.00", "text": f"{n[1]} thanks", "name": "Beta"},
        {"amount": "800.00", "text": f"Invoice {n[2]}", "name": "Gamma"},
        {"amount": "99.90", "text": n[3], "name": "Delta"},
        {"amount": "500.00", "text": f"{n[4]} first instalment", "name": "Epsilon"},
        {"amount": "240.00", "text": f"part payment {n[5]}", "name": "Zeta"},
        {"amount": "300.00", "text": "Cheque 4411", "name": "Eta"},
        {"amount": "500.00", "text": f"{n[7]} and {n[8]}", "name": "Theta"},
        {"amount": "75.00", "text": n[9], "name": "Iota"},
        {"amount": "1000.00", "text": f"Kappa invoice {n[10]}", "name": "Kappa"},
        {"amount": "-320.00", "text": "Your invoice SUP-1001", "name": "Supply Co"},
        {"amount": "-89.99", "text": "OFF-77", "name": "Office Ltd"},
        {"amount": "-210.00", "text": f"{bills[2]['number']}", "name": "Power plc"},
        {"amount": "-1500.00", "text": "Rent November", "name": "Rent Co"},
        {"amount": "-12.50", "text": "BANK FEE NOVEMBER", "name": "Bank"},
        {"amount": "-4.00", "text": "ACCOUNT FEE", "name": "Bank"},
        {"amount": "-7.50", "text": "Wire transfer charges", "name": "Bank"},
        {"amount": "3.21", "text": "INTEREST", "name": "Bank"},
        {"amount": "60.00", "text": "Advance", "name": "Lambda"},
        {"amount": "-120.00", "text": f"{bills[4]['number']} SUP-1002", "name": "Supply Co"},
    ]
    imported = ok(upload(client, tenant, camt(lines, opening="5000.00")), 201)
    statement = imported["statement"]
    assert imported["warnings"] == []
    assert (statement["format"], statement["line_count"], statement["open_count"]) == (
        "camt053",
        20,
        20,
    )
    closing = Decimal(statement["closing_balance"])
    assert closing == Decimal("5000.00") + sum(Decimal(line["amount"]) for line in lines)
    assert [line["amount"] for line in statement["lines"]][:2] == ["1200.00", "450.00"]
    assert statement["lines"][0]["counterparty_name"] == "Alpha"
    assert statement["lines"][0]["unique_id"] == "STMT-2026-11-1"

    auto = ok(
        client.post(
            f"{API}/bank-statements/{statement['id']}/auto-reconcile", headers=tenant.headers
        )
    )
    done = {a["line_no"]: a["action"] for a in auto["actions"] if a["action"] != "skipped"}
    assert done == {
        1: "payment",
        2: "payment",
        3: "payment",
        4: "payment",
        9: "payment",
        10: "payment",
        13: "payment",
        15: "rule",
        16: "rule",
        20: "payment",
    }
    assert (auto["reconciled"], auto["left_open"]) == (10, 10)

    by_no = {line["line_no"]: line for line in statement["lines"]}
    # Partial receipts: the document named in the text, for the line's amount.
    for no, invoice_ in ((5, inv[4]), (6, inv[5])):
        best = suggestions(client, tenant, statement, by_no[no])[0]
        assert (best["kind"], best["invoice_id"]) == ("document", invoice_["id"])
        assert "partial" in best["reason"]
        allocations = [{"invoice_id": best["invoice_id"], "amount": best["amount"]}]
        ok(reconcile(client, tenant, statement, by_no[no], allocations=allocations))
    assert ok(client.get(f"{API}/invoices/{inv[4]['id']}", headers=tenant.headers))["residual"] == (
        "1500.00"
    )
    # The payment already recorded: its ledger line.
    best = suggestions(client, tenant, statement, by_no[7])[0]
    assert best["kind"] == "ledger_line" and best["score"] >= 60
    entry = ok(client.get(f"{API}/entries/{recorded['entry_id']}", headers=tenant.headers))
    assert best["entry_number"] == entry["number"]
    ok(reconcile(client, tenant, statement, by_no[7], entry_line_ids=[best["entry_line_id"]]))
    # One receipt for two invoices.
    both = [{"invoice_id": d["id"], "amount": d["total"]} for d in (inv[7], inv[8])]
    ok(reconcile(client, tenant, statement, by_no[8], allocations=both))
    # Supplier payments: found by the supplier's reference, or by amount and name.
    for no, bill in ((11, bills[0]), (12, bills[1]), (14, bills[3])):
        best = suggestions(client, tenant, statement, by_no[no])[0]
        assert best["invoice_id"] == bill["id"], best
        allocations = [{"invoice_id": bill["id"], "amount": bill["total"]}]
        ok(reconcile(client, tenant, statement, by_no[no], allocations=allocations))
    # Entries made from lines: a bank charge, interest, a payment on account.
    ok(reconcile(client, tenant, statement, by_no[17], account_code="6500"))
    ok(reconcile(client, tenant, statement, by_no[18], account_code="4900"))
    line = ok(reconcile(client, tenant, statement, by_no[19], partner_id=lambda_["id"]))
    assert line["method"] == "payment" and line["state"] == "reconciled"

    shown = ok(client.get(f"{API}/bank-statements/{statement['id']}", headers=tenant.headers))
    assert shown["open_count"] == 0
    assert all(len(line["entry_line_ids"]) == 1 for line in shown["lines"])
    books = trial_balance(client, tenant, date_to=MONTH_END)
    assert balance_of(books, "1000", "EUR") == closing
    report = bank_report(client, tenant)
    assert Decimal(report["book_balance"]) == Decimal(report["statement_balance"]) == closing
    assert report["unreconciled_lines"] == [] and report["outstanding"] == []
    assert (report["difference"], report["unexplained"]) == ("0.00", "0.00")
    assert report["opening_covered"] == "5000.00"
    for document_ in (*inv, *bills):
        state = ok(client.get(f"{API}/invoices/{document_['id']}", headers=tenant.headers))
        expected = "partially_paid" if document_["id"] in (inv[4]["id"], inv[5]["id"]) else "paid"
        assert state["state"] == expected, state["number"]

    declared = {event.type: event.payload for event in nexus_finance.nexus_manifest().events}
    [imported_event] = outbox(url, tenant.id, "finance.bank_statement.imported.v1")
    msgspec.convert(imported_event, declared["finance.bank_statement.imported.v1"])
    assert imported_event["line_count"] == 20 and imported_event["closing_balance"] == str(closing)
    reconciled = outbox(url, tenant.id, "finance.statement_line.reconciled.v1")
    assert len(reconciled) == 20
    for event in reconciled:
        msgspec.convert(event, declared["finance.statement_line.reconciled.v1"])
    assert {e["method"] for e in reconciled} == {"match", "payment", "entry", "rule"}


def test_unreconcile_reverses_the_entry_or_removes_the_match(client, tenant):
    opening_entry(client, tenant, "100.00")
    sold = document(client, tenant, "invoice", "Acme", "40.00")
    lines = [
        {"amount": "-10.00", "text": "Charges", "name": "Bank"},
        {"amount": "40.00", "text": sold["number"], "name": "Acme"},
    ]
    statement = ok(upload(client, tenant, camt(lines, opening="100.00")), 201)["statement"]
    charge, receipt = statement["lines"]
    problem(reconcile(client, tenant, statement, charge), 422)
    problem(reconcile(client, tenant, statement, charge, account_code="1000"), 422)
    problem(reconcile(client, tenant, statement, charge, account_code="9999"), 422)
    booked = ok(reconcile(client, tenant, statement, charge, account_code="6500"))
    problem(reconcile(client, tenant, statement, charge, account_code="6500"), 409)
    pay = [{"invoice_id": sold["id"], "amount": "40.00"}]
    paid = ok(reconcile(client, tenant, statement, receipt, allocations=pay))
    assert bank_report(client, tenant)["unexplained"] == "0.00"
    assert balance_of(trial_balance(client, tenant, date_to=MONTH_END), "1000", "EUR") == 130

    unpath = f"{API}/bank-statements/{statement['id']}/lines/{charge['id']}/unreconcile"
    reopened = ok(client.post(unpath, headers=tenant.headers))
    assert (reopened["state"], reopened["entry_id"], reopened["entry_line_ids"]) == (
        "open",
        None,
        [],
    )
    problem(client.post(unpath, headers=tenant.headers), 409)
    entries = ok(client.get(f"{API}/entries", headers=tenant.headers))["items"]
    reversal = [e for e in entries if e["reversal_of"] == booked["entry_id"]]
    assert len(reversal) == 1 and reversal[0]["source"] == "bank_statement_reversal"
    report = bank_report(client, tenant)
    assert [line["id"] for line in report["unreconciled_lines"]] == [charge["id"]]
    assert report["outstanding"] == [] and report["unexplained"] == "0.00"
    assert report["book_balance"] == "140.00" and report["difference"] == "10.00"

    unpath = f"{API}/bank-statements/{statement['id']}/lines/{receipt['id']}/unreconcile"
    ok(client.post(unpath, headers=tenant.headers))
    report = bank_report(client, tenant)
    assert [line["amount"] for line in report["outstanding"]] == ["40.00"]
    assert ok(client.get(f"{API}/payments/{paid['payment_id']}", headers=tenant.headers))
    best = suggestions(client, tenant, statement, receipt)[0]
    assert best["entry_line_id"] == report["outstanding"][0]["entry_line_id"]
    problem(
        reconcile(client, tenant, statement, charge, entry_line_ids=[best["entry_line_id"]]), 422
    )
    ok(reconcile(client, tenant, statement, receipt, entry_line_ids=[best["entry_line_id"]]))
    other = reconcile(client, tenant, statement, charge, entry_line_ids=[best["entry_line_id"]])
    problem(other, 409)
    ok(reconcile(client, tenant, statement, charge, account_code="6500"))
    report = bank_report(client, tenant)
    assert report["unreconciled_lines"] == [] and report["outstanding"] == []
    assert report["book_balance"] == report["statement_balance"] == "130.00"


OFX = """OFXHEADER:100
DATA:OFXSGML
VERSION:102
SECURITY:NONE
ENCODING:USASCII
CHARSET:1252
COMPRESSION:NONE
OLDFILEUID:NONE
NEWFILEUID:NONE

<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS>
<DTSERVER>20261130120000<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1>
<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>
<STMTRS><CURDEF>EUR<BANKACCTFROM><BANKID>30006<ACCTID>000112345<ACCTTYPE>CHECKING</BANKACCTFROM>
<BANKTRANLIST><DTSTART>20261101<DTEND>20261130
<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20261105<TRNAMT>100.50<FITID>A1<NAME>Acme<MEMO>Order 7</STMTTRN>
<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20261106<TRNAMT>-5.00<FITID>A2<NAME>Bank<MEMO>fee</STMTTRN>
</BANKTRANLIST><LEDGERBAL><BALAMT>1095.50<DTASOF>20261130</LEDGERBAL></STMTRS>
</STMTTRNRS></BANKMSGSRSV1></OFX>
"""


def test_ofx_statement_imports_once(client, tenant):
    raw = OFX.encode()
    headers = {"content-type": "application/x-ofx"}
    statement = ok(upload(client, tenant, raw, headers), 201)["statement"]
    assert (statement["format"], statement["account_number"]) == ("ofx", "000112345")
    assert (statement["opening_balance"], statement["closing_balance"]) == ("1000.00", "1095.50")
    assert [(line["amount"], line["unique_id"], line["date"]) for line in statement["lines"]] == [
        ("100.50", "A1", "2026-11-05"),
        ("-5.00", "A2", "2026-11-06"),
    ]
    assert statement["lines"][1]["reference"] == "fee"
    again = problem(upload(client, tenant, raw, {"content-type": "application/octet-stream"}), 409)
    assert again["statement_id"] == statement["id"]
    garbage = problem(upload(client, tenant, b"OFXHEADER:100\n<OFX><BROKEN>", headers), 422)
    assert "OFX" in garbage["errors"][0]["message"]


def test_csv_statement_is_read_with_the_accounts_saved_mapping(client, tenant):
    journals = ok(client.get(f"{API}/journals", headers=tenant.headers))["items"]
    bank = next(j for j in journals if j["code"] == "BNK1")
    mapping = {
        "date_column": "Date",
        "debit_column": "Debit",
        "credit_column": "Credit",
        "description_column": "Label",
        "counterparty_column": "Payee",
        "date_format": "%d/%m/%Y",
        "decimal_separator": ",",
        "delimiter": ";",
    }
    csv_path = f"{API}/bank-accounts/{bank['id']}/csv-mapping"
    problem(client.get(csv_path, headers=tenant.headers), 404)
    problem(
        client.put(csv_path, json={**mapping, "debit_column": None}, headers=tenant.headers), 422
    )
    problem(
        client.put(csv_path, json={**mapping, "date_format": "nope"}, headers=tenant.headers), 422
    )
    ok(client.put(csv_path, json=mapping, headers=tenant.headers))
    assert ok(client.get(csv_path, headers=tenant.headers))["delimiter"] == ";"
    text = (
        "Date;Label;Payee;Debit;Credit\n"
        "03/11/2026;Invoice 12;Acme;;1.234,56\n"
        "04/11/2026;Card fee;Bank;2,50;\n"
    )
    imported = client.post(
        f"{API}/bank-statements/import",
        params={"journal_id": bank["id"]},
        files={"file": ("november.csv", text.encode(), "text/csv")},
        headers=tenant.headers,
    )
    statement = ok(imported, 201)["statement"]
    assert statement["format"] == "csv"
    assert [(ln["date"], ln["amount"], ln["counterparty_name"]) for ln in statement["lines"]] == [
        ("2026-11-03", "1234.56", "Acme"),
        ("2026-11-04", "-2.50", "Bank"),
    ]
    assert (statement["opening_balance"], statement["closing_balance"]) == ("0.00", "1232.06")
    # The same rows again (another file: one more blank line): already imported.
    again = upload(client, tenant, (text + "\n").encode(), {"content-type": "text/csv"})
    assert problem(again, 409)["statement_id"] == statement["id"]
    bad = text.replace("04/11/2026", "2026-11-04").replace("Invoice 12", "Invoice 13")
    refused = problem(upload(client, tenant, bad.encode(), {"content-type": "text/csv"}), 422)
    assert "row 3" in refused["errors"][0]["message"]
    # The cash journal has no mapping: its CSV cannot be read.
    problem(upload(client, tenant, text.encode(), {"content-type": "text/csv"}, "CSH1"), 422)


def test_duplicate_imports_are_refused_and_gaps_in_balances_warned(client, tenant):
    lines = [
        {"amount": "10.00", "text": "A", "ref": "R1"},
        {"amount": "-3.00", "text": "B"},
        {"amount": "99.00", "text": "Pending", "status": "PDNG"},
    ]
    first = ok(upload(client, tenant, camt(lines, opening="0", version="08")), 201)["statement"]
    assert [line["amount"] for line in first["lines"]] == ["10.00", "-3.00"]
    assert first["closing_balance"] == "7.00"
    assert first["lines"][0]["counterparty_name"] == "Someone"
    same = problem(upload(client, tenant, camt(lines, opening="0", version="08")), 409)
    assert same["statement_id"] == first["id"]
    overlap = [{"amount": "10.00", "text": "A", "ref": "R1"}]
    again = upload(client, tenant, camt(overlap, opening="7.00", stmt_id="STMT-2"))
    assert problem(again, 409)["statement_id"] == first["id"]
    listed = ok(client.get(f"{API}/bank-statements", headers=tenant.headers))["items"]
    assert [s["id"] for s in listed] == [first["id"]]
    gap = [{"amount": "1.00", "text": "C", "date": "2026-11-20"}]
    warned = ok(upload(client, tenant, camt(gap, opening="9.00", stmt_id="STMT-3")), 201)
    assert "does not follow the closing balance 7.00" in warned["warnings"][0]


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"<Document><unclosed>", "well-formed"),
        (b"<Document xmlns='urn:example'/>", "CAMT.053"),
        (
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<Document>&x;</Document>",
            "DOCTYPE",
        ),
        (
            camt([{"amount": "5", "text": "x"}], opening="0").replace(
                b">5</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts",
                b">5,0</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts",
            ),
            "Ntry[1]/Amt",
        ),
        (camt([{"amount": "5", "text": "x"}], opening="0", closing="6"), "balance"),
        (camt([{"amount": "5.001", "text": "x"}], opening="0"), "decimals"),
        (
            camt([{"amount": "5", "text": "x"}], opening="0").replace(
                b"CRDT</CdtDbtInd><Sts", b"X</CdtDbtInd><Sts"
            ),
            "Ntry[1]/CdtDbtInd",
        ),
    ],
)
def test_malformed_files_are_422_naming_the_element(client, tenant, content, needle):
    refused = problem(upload(client, tenant, content), 422)
    assert needle in refused["errors"][0]["message"], refused
    assert ok(client.get(f"{API}/bank-statements", headers=tenant.headers))["items"] == []


def test_journal_content_type_permissions_and_tenancy(client, url, tenant):
    content = camt([{"amount": "5", "text": "x"}], opening="0")
    problem(upload(client, tenant, content, {"content-type": "application/json"}), 415)
    assert problem(upload(client, tenant, content, journal="INV"), 422)["errors"][0]["source"] == (
        "query"
    )
    problem(upload(client, tenant, content, journal="NOPE"), 422)
    statement = ok(upload(client, tenant, content), 201)["statement"]
    other = make_tenant(url)
    problem(client.get(f"{API}/bank-statements/{statement['id']}", headers=other.headers), 404)
    line = statement["lines"][0]
    problem(reconcile(client, other, statement, line, account_code="6500"), 404)
    member = make_tenant(url, role="member")
    rule = {"name": "Fees", "text_contains": "FEE", "account_code": "6500"}
    made = ok(client.post(f"{API}/bank-rules", json=rule, headers=tenant.headers), 201)
    problem(
        client.post(
            f"{API}/bank-rules", json={**rule, "text_contains": None}, headers=tenant.headers
        ),
        422,
    )
    problem(client.get(f"{API}/bank-rules/{made['id']}", headers=other.headers), 404)
    problem(client.delete(f"{API}/bank-rules/{made['id']}", headers=other.headers), 404)
    assert (
        ok(client.get(f"{API}/bank-rules/{made['id']}", headers=tenant.headers))["name"] == "Fees"
    )
    assert (
        client.delete(f"{API}/bank-rules/{made['id']}", headers=tenant.headers).status_code == 204
    )
    assert ok(client.get(f"{API}/bank-rules", headers=tenant.headers)) == []
    problem(client.get(f"{API}/bank-statements", headers=member.headers), 403)
    problem(
        client.get(f"{API}/reports/bank-reconciliation?journal=BNK1", headers=member.headers), 403
    )
