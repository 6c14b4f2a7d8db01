"""Reading bank statement files: CAMT.053 (ISO 20022 XML), OFX and CSV.

Each reader turns a file into a :class:`ParsedStatement` (signed amounts: money in is
positive) or refuses it with a 422 naming the element, row or column at fault. XML is read
without entities, DTDs or network access; nothing a file says is fetched or expanded.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal, NoReturn

import msgspec
from lxml import etree
from nexus_hookspecs.http import invalid

from nexus_finance._money import MAX_AMOUNT

__all__ = (
    "CsvMapping",
    "Format",
    "ParsedLine",
    "ParsedStatement",
    "detect",
    "parse",
)

Format = Literal["camt053", "ofx", "csv"]
MAX_LINES = 10_000
_TEXT_MAX = 1000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_Column = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class ParsedLine(msgspec.Struct, kw_only=True):
    """A statement line as the file gives it."""

    date: date
    amount: Decimal
    counterparty_name: str | None = None
    counterparty_account: str | None = None
    reference: str | None = None
    unique_id: str | None = None


class ParsedStatement(msgspec.Struct, kw_only=True):
    """A statement as the file gives it; what the file lacks is ``None``."""

    format: Format
    name: str | None = None
    account_number: str | None = None
    currency: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    opening_balance: Decimal | None = None
    closing_balance: Decimal | None = None
    lines: list[ParsedLine] = []


class CsvMapping(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """How to read a bank account's CSV statements (the header row names the columns).

    Give ``amount_column`` (signed: negative is money out), or ``debit_column`` and
    ``credit_column`` (money out and money in, both positive).
    """

    date_column: _Column
    amount_column: _Column | None = None
    debit_column: _Column | None = None
    credit_column: _Column | None = None
    description_column: _Column | None = None
    reference_column: _Column | None = None
    counterparty_column: _Column | None = None
    counterparty_account_column: _Column | None = None
    unique_id_column: _Column | None = None
    date_format: Annotated[str, msgspec.Meta(min_length=2, max_length=40)] = "%Y-%m-%d"
    decimal_separator: Literal[".", ","] = "."
    delimiter: Literal[",", ";", "\t", "|"] = ","
    currency: Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$")] | None = None


def _refuse(message: str) -> NoReturn:
    invalid("file", message)


def clean(text: Any) -> str | None:
    """One line of text from a file: control characters dropped, trimmed, at most 1000."""
    if text is None:
        return None
    value = _CONTROL.sub("", str(text)).replace("\r", " ").replace("\n", " ").strip()
    return value[:_TEXT_MAX] or None


def detect(content_type: str, raw: bytes) -> Format:
    """The format of a file, from its content type, else from its first bytes."""
    kind = content_type.split(";")[0].strip().lower()
    head = raw[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if kind in {"application/x-ofx", "application/ofx", "application/vnd.intu.qfx"}:
        return "ofx"
    if kind in {"text/csv", "application/csv"}:
        return "csv"
    if head.startswith(b"ofxheader") or b"<ofx>" in head:
        return "ofx"
    if kind in {"application/xml", "text/xml"} or head.startswith(b"<"):
        return "camt053"
    return "csv"


def parse(fmt: Format, raw: bytes, mapping: CsvMapping | None) -> ParsedStatement:
    """Read ``raw`` as ``fmt``; 422 naming what is wrong when it cannot be read."""
    if fmt == "camt053":
        parsed = _camt(raw)
    elif fmt == "ofx":
        parsed = _ofx(raw)
    else:
        if mapping is None:
            _refuse("no CSV mapping is saved for this bank account")
        parsed = _csv(raw, mapping)
    if not parsed.lines:
        _refuse("the statement has no lines")
    if len(parsed.lines) > MAX_LINES:
        _refuse(f"more than {MAX_LINES} lines")
    return parsed


def _amount(text: str | None, where: str) -> Decimal:
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation:
        _refuse(f"{where}: {text!r} is not an amount")
    if not value.is_finite() or abs(value) >= MAX_AMOUNT:
        _refuse(f"{where}: {text!r} is not an amount below {MAX_AMOUNT:,}")
    return value


# CAMT.053 -------------------------------------------------------------------------------

_CAMT_NS = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.\d\d$")


def _xml(raw: bytes) -> Any:
    if b"<!doctype" in raw[:4096].lower() or b"<!entity" in raw.lower():
        _refuse("XML with a DOCTYPE or entities is not accepted")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        return etree.fromstring(raw, parser)
    except (etree.LxmlError, ValueError) as exc:
        _refuse(f"not well-formed XML: {str(exc)[:300]}")


def _text(node: Any, path: str) -> str | None:
    found = node.find(path)
    return None if found is None or found.text is None else str(found.text).strip()


def _camt_date(node: Any, where: str) -> date | None:
    if node is None:
        return None
    text = _text(node, "{*}Dt") or _text(node, "{*}DtTm")
    if text is None and node.text:
        text = node.text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        _refuse(f"{where}: {text!r} is not a date")


def _signed(node: Any, where: str) -> Decimal:
    value = _amount(_text(node, "{*}Amt"), f"{where}/Amt")
    indicator = _text(node, "{*}CdtDbtInd")
    if indicator not in {"CRDT", "DBIT"}:
        _refuse(f"{where}/CdtDbtInd: {indicator!r} is neither CRDT nor DBIT")
    return value if indicator == "CRDT" else -value


def _camt(raw: bytes) -> ParsedStatement:
    root = _xml(raw)
    namespace = etree.QName(root).namespace or ""
    if etree.QName(root).localname != "Document" or not _CAMT_NS.match(namespace):
        _refuse("not a CAMT.053 document (urn:iso:std:iso:20022:tech:xsd:camt.053.001.xx)")
    statements = root.findall("{*}BkToCstmrStmt/{*}Stmt")
    if len(statements) != 1:
        _refuse(f"Document/BkToCstmrStmt: {len(statements)} Stmt elements, one is read")
    stmt = statements[0]
    parsed = ParsedStatement(
        format="camt053",
        name=clean(_text(stmt, "{*}Id")),
        account_number=clean(
            _text(stmt, "{*}Acct/{*}Id/{*}IBAN") or _text(stmt, "{*}Acct/{*}Id/{*}Othr/{*}Id")
        ),
        currency=_text(stmt, "{*}Acct/{*}Ccy"),
    )
    period = stmt.find("{*}FrToDt")
    if period is not None:
        parsed.date_from = _camt_date(period.find("{*}FrDtTm"), "Stmt/FrToDt/FrDtTm")
        parsed.date_to = _camt_date(period.find("{*}ToDtTm"), "Stmt/FrToDt/ToDtTm")
    for index, balance in enumerate(stmt.findall("{*}Bal"), start=1):
        code = _text(balance, "{*}Tp/{*}CdOrPrtry/{*}Cd")
        where = f"Stmt/Bal[{index}]"
        if code in {"OPBD", "PRCD"} and parsed.opening_balance is None:
            parsed.opening_balance = _signed(balance, where)
        elif code == "CLBD":
            parsed.closing_balance = _signed(balance, where)
        currency = balance.find("{*}Amt")
        if parsed.currency is None and currency is not None:
            parsed.currency = currency.get("Ccy")
    for index, entry in enumerate(stmt.findall("{*}Ntry"), start=1):
        status = _text(entry, "{*}Sts/{*}Cd") or _text(entry, "{*}Sts")
        if status in {"PDNG", "INFO"}:
            continue  # not booked yet: not in the closing balance either
        parsed.lines.append(_camt_line(entry, f"Stmt/Ntry[{index}]"))
    return parsed


def _party(details: Any, incoming: bool) -> tuple[str | None, str | None]:
    role = "Dbtr" if incoming else "Cdtr"
    parties = details.find("{*}RltdPties")
    if parties is None:
        return None, None
    name = _text(parties, f"{{*}}{role}/{{*}}Nm") or _text(parties, f"{{*}}{role}/{{*}}Pty/{{*}}Nm")
    account = _text(parties, f"{{*}}{role}Acct/{{*}}Id/{{*}}IBAN") or _text(
        parties, f"{{*}}{role}Acct/{{*}}Id/{{*}}Othr/{{*}}Id"
    )
    return clean(name), clean(account)


def _camt_line(entry: Any, where: str) -> ParsedLine:
    amount = _signed(entry, where)
    if not amount:
        _refuse(f"{where}/Amt: a line of zero")
    day = _camt_date(entry.find("{*}BookgDt"), f"{where}/BookgDt") or _camt_date(
        entry.find("{*}ValDt"), f"{where}/ValDt"
    )
    if day is None:
        _refuse(f"{where}/BookgDt: missing")
    texts: list[str] = []
    name = account = None
    details = entry.find("{*}NtryDtls/{*}TxDtls")
    if details is not None:
        name, account = _party(details, amount > 0)
        texts += [t.text.strip() for t in details.findall("{*}RmtInf/{*}Ustrd") if t.text]
        texts += [
            t.text.strip()
            for t in details.findall("{*}RmtInf/{*}Strd/{*}CdtrRefInf/{*}Ref")
            if t.text
        ]
        end_to_end = _text(details, "{*}Refs/{*}EndToEndId")
        if end_to_end and end_to_end != "NOTPROVIDED":
            texts.append(end_to_end)
    info = _text(entry, "{*}AddtlNtryInf")
    if info:
        texts.append(info)
    unique = _text(entry, "{*}AcctSvcrRef") or _text(entry, "{*}NtryRef")
    if unique is None and details is not None:
        unique = _text(details, "{*}Refs/{*}AcctSvcrRef")
    return ParsedLine(
        date=day,
        amount=amount,
        counterparty_name=name,
        counterparty_account=account,
        reference=clean(" ".join(texts)),
        unique_id=clean(unique),
    )


# OFX ------------------------------------------------------------------------------------


def _ofx(raw: bytes) -> ParsedStatement:
    from ofxtools.Parser import OFXTree  # a large import, needed only for OFX files

    tree = OFXTree()
    try:
        tree.parse(io.BytesIO(raw))
        ofx = tree.convert()
        statements = list(ofx.statements)
    except Exception as exc:  # noqa: BLE001 - ofxtools raises many kinds for a bad file
        _refuse(f"not a readable OFX file: {type(exc).__name__}: {str(exc)[:300]}")
    if len(statements) != 1:
        _refuse(f"OFX: {len(statements)} statements (STMTRS), one is read")
    try:
        return _ofx_statement(statements[0])
    except (AttributeError, TypeError, ValueError, ArithmeticError) as exc:
        _refuse(f"OFX: an unreadable statement: {type(exc).__name__}: {str(exc)[:300]}")


def _ofx_statement(stmt: Any) -> ParsedStatement:
    transactions = stmt.banktranlist
    if transactions is None:
        _refuse("OFX: STMTRS has no BANKTRANLIST")
    parsed = ParsedStatement(
        format="ofx",
        account_number=clean(getattr(stmt.account, "acctid", None)),
        currency=str(stmt.curdef) if stmt.curdef else None,
        date_from=transactions.dtstart.date() if transactions.dtstart else None,
        date_to=transactions.dtend.date() if transactions.dtend else None,
        closing_balance=(
            _amount(str(stmt.ledgerbal.balamt), "LEDGERBAL/BALAMT")
            if stmt.ledgerbal is not None
            else None
        ),
    )
    for index, trn in enumerate(transactions, start=1):
        where = f"BANKTRANLIST/STMTTRN[{index}]"
        amount = _amount(str(trn.trnamt), f"{where}/TRNAMT")
        if not amount:
            _refuse(f"{where}/TRNAMT: a line of zero")
        if trn.dtposted is None:
            _refuse(f"{where}/DTPOSTED: missing")
        texts = [t for t in (trn.memo, trn.checknum, trn.refnum) if t]
        parsed.lines.append(
            ParsedLine(
                date=trn.dtposted.date(),
                amount=amount,
                counterparty_name=clean(trn.name),
                counterparty_account=clean(
                    getattr(trn.bankacctto, "acctid", None) if trn.bankacctto else None
                ),
                reference=clean(" ".join(str(t) for t in texts)),
                unique_id=clean(trn.fitid),
            )
        )
    return parsed


# CSV ------------------------------------------------------------------------------------


def _csv_amount(text: str, mapping: CsvMapping, where: str) -> Decimal:
    value = text.strip().replace(" ", "").replace("\u00a0", "").replace("'", "")
    if mapping.decimal_separator == ",":
        value = value.replace(".", "").replace(",", ".")
    else:
        value = value.replace(",", "")
    if value.endswith("-"):  # some banks write money out as "12.50-"
        value = "-" + value[:-1]
    if not re.fullmatch(r"[+-]?[0-9]+(\.[0-9]+)?", value):
        _refuse(f"{where}: {text!r} is not an amount")
    return _amount(value, where)


def _csv_row(number: int, record: dict[str, str], mapping: CsvMapping) -> ParsedLine | None:
    def cell(column: str | None) -> str:
        return (record.get(column) or "").strip() if column else ""

    if not any((value or "").strip() for value in record.values()):
        return None
    where = f"row {number}"
    day_text = cell(mapping.date_column)
    try:
        day = datetime.strptime(day_text, mapping.date_format).date()  # noqa: DTZ007 - a day
    except ValueError:
        _refuse(
            f"{where}, column {mapping.date_column!r}: {day_text!r} is not a date "
            f"of the format {mapping.date_format!r}"
        )
    if mapping.amount_column:
        amount = _csv_amount(
            cell(mapping.amount_column), mapping, f"{where}, column {mapping.amount_column!r}"
        )
    else:
        debit, credit = cell(mapping.debit_column), cell(mapping.credit_column)
        out = (
            _csv_amount(debit, mapping, f"{where}, column {mapping.debit_column!r}")
            if debit
            else Decimal(0)
        )
        in_ = (
            _csv_amount(credit, mapping, f"{where}, column {mapping.credit_column!r}")
            if credit
            else Decimal(0)
        )
        amount = abs(in_) - abs(out)
    if not amount:
        _refuse(f"{where}: a line of zero")
    texts = [cell(mapping.description_column), cell(mapping.reference_column)]
    return ParsedLine(
        date=day,
        amount=amount,
        counterparty_name=clean(cell(mapping.counterparty_column)),
        counterparty_account=clean(cell(mapping.counterparty_account_column)),
        reference=clean(" ".join(t for t in texts if t)),
        unique_id=clean(cell(mapping.unique_id_column)),
    )


def _csv(raw: bytes, mapping: CsvMapping) -> ParsedStatement:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            _refuse("not UTF-8 or Windows-1252 text")
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=mapping.delimiter)
    try:
        header = [name.strip() for name in reader.fieldnames or []]
    except csv.Error as exc:
        _refuse(f"row 1: {exc}")
    reader.fieldnames = header
    wanted = [
        mapping.date_column,
        mapping.amount_column,
        mapping.debit_column,
        mapping.credit_column,
        mapping.description_column,
        mapping.reference_column,
        mapping.counterparty_column,
        mapping.counterparty_account_column,
        mapping.unique_id_column,
    ]
    missing = [column for column in wanted if column and column not in header]
    if missing:
        _refuse(f"row 1: the header lacks the mapped column(s) {', '.join(map(repr, missing))}")
    parsed = ParsedStatement(format="csv", currency=mapping.currency)
    try:
        for index, record in enumerate(reader):
            if index >= MAX_LINES:
                _refuse(f"more than {MAX_LINES} lines")
            if None in record:
                _refuse(f"row {index + 2}: more cells than columns")
            line = _csv_row(index + 2, {k: v or "" for k, v in record.items()}, mapping)
            if line is not None:
                parsed.lines.append(line)
    except csv.Error as exc:
        _refuse(f"row {reader.line_num}: {exc}")
    return parsed
