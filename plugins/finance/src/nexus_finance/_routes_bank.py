"""Routes for bank statements: import, reconciliation, CSV mappings, rules, the report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

from litestar import Controller, Request, delete, get, post, put
from litestar.datastructures import UploadFile
from litestar.exceptions import ClientException
from litestar.openapi.spec import OpenAPIMediaType, Operation, RequestBody, Schema
from litestar.openapi.spec.enums import OpenAPIType
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs.http import (
    Cursor,
    Db,
    Events,
    FeatureFlags,
    Limit,
    Page,
    after_id,
    invalid,
    not_found,
    page_of,
    route_opt,
)

from nexus_finance import _bank, _bank_match, _statements
from nexus_finance._bank import (
    CsvMappingOut,
    ImportOut,
    LineOut,
    RuleIn,
    RuleOut,
    StatementOut,
)
from nexus_finance._bank_match import AutoReport, ReconcileIn, ReconciliationReport, Suggestion
from nexus_finance._books import company
from nexus_finance._examples import body
from nexus_finance._keys import BANK_READ, BANK_WRITE, MULTI_CURRENCY
from nexus_finance._statements import CsvMapping

__all__ = (
    "BankAccountController",
    "BankReportController",
    "BankRuleController",
    "BankStatementController",
)

_READ = route_opt(permission=BANK_READ)
_WRITE = route_opt(permission=BANK_WRITE)
_MAX_BYTES = 10 * 1024 * 1024
_CAMT_EXAMPLE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
    "<GrpHdr><MsgId>MSG-1</MsgId><CreDtTm>2026-11-30T18:00:00</CreDtTm></GrpHdr>"
    "<Stmt><Id>STMT-2026-11</Id><CreDtTm>2026-11-30T18:00:00</CreDtTm>"
    "<Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id><Ccy>EUR</Ccy></Acct>"
    '<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt>'
    "<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-01</Dt></Dt></Bal>"
    '<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1120.00</Amt>'
    "<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-30</Dt></Dt></Bal>"
    '<Ntry><Amt Ccy="EUR">120.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
    "<BookgDt><Dt>2026-11-12</Dt></BookgDt><AcctSvcrRef>BANK-REF-1</AcctSvcrRef>"
    "<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Example Customer Ltd</Nm></Dbtr></RltdPties>"
    "<RmtInf><Ustrd>INV/2026/00001</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
    "</Stmt></BkToCstmrStmt></Document>\n"
)
_CSV_EXAMPLE = "Date;Amount;Description;Payee\n12/11/2026;120,00;INV/2026/00001;Example Customer\n"
_OFX_EXAMPLE = (
    "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\n"
    "CHARSET:1252\nCOMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n"
    "<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS>"
    "<DTSERVER>20261130120000<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1>"
    "<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>"
    "<STMTRS><CURDEF>EUR<BANKACCTFROM><BANKID>30006<ACCTID>000112345<ACCTTYPE>CHECKING"
    "</BANKACCTFROM><BANKTRANLIST><DTSTART>20261101<DTEND>20261130"
    "<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20261112<TRNAMT>120.00<FITID>BANK-REF-1"
    "<NAME>Example Customer Ltd<MEMO>INV/2026/00001</STMTTRN></BANKTRANLIST>"
    "<LEDGERBAL><BALAMT>1120.00<DTASOF>20261130</LEDGERBAL></STMTRS></STMTTRNRS>"
    "</BANKMSGSRSV1></OFX>\n"
)
_OFX_TYPES = ("application/x-ofx", "application/ofx", "application/vnd.intu.qfx")
_RAW_TYPES = {
    "text/csv",
    "text/plain",
    "application/csv",
    "application/xml",
    "text/xml",
    "application/octet-stream",
    *_OFX_TYPES,
}

JournalId = Annotated[
    UUID | None, QueryParameter(description="The bank or cash journal (or name it by `journal`).")
]
JournalCode = Annotated[
    str | None,
    QueryParameter(name="journal", description="The journal's code (`BNK1`).", max_length=20),
]


@dataclass
class _StatementOperation(Operation):
    """Documents the import body: a CAMT.053, OFX or CSV file, raw or as a ``file`` part."""

    def __post_init__(self) -> None:
        text = Schema(type=OpenAPIType.STRING, description="The statement file.")
        upload = Schema(
            type=OpenAPIType.OBJECT,
            properties={"file": Schema(type=OpenAPIType.STRING, format=None)},
            required=["file"],
        )
        self.request_body = RequestBody(
            required=True,
            description="A bank statement: CAMT.053 (ISO 20022 XML, camt.053.001.02 or later), "
            "OFX (`application/x-ofx` or `application/octet-stream`), or CSV read with the "
            "journal's saved mapping. The format is taken from the content type, else from "
            "the content (or `?format=`).",
            content={
                "application/xml": OpenAPIMediaType(schema=text, example=_CAMT_EXAMPLE),
                # OFX is also taken as application/x-ofx (not listed: fuzzers cannot send it).
                "application/octet-stream": OpenAPIMediaType(schema=text, example=_OFX_EXAMPLE),
                "text/csv": OpenAPIMediaType(schema=text, example=_CSV_EXAMPLE),
                "multipart/form-data": OpenAPIMediaType(
                    schema=upload, example={"file": _CAMT_EXAMPLE}
                ),
            },
        )


async def _file(request: Request[Any, Any, Any]) -> tuple[bytes, str]:
    """The file sent (raw or a multipart ``file`` part) and its content type."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            invalid("file", "missing file part")
        raw = await upload.read()
        content_type = (upload.content_type or "").split(";")[0].strip().lower()
    elif content_type in _RAW_TYPES:
        raw = await request.body()
    else:
        raise ClientException(
            "send the statement as application/xml, application/x-ofx, text/csv or "
            "multipart/form-data",
            status_code=415,
        )
    if not raw.strip():
        invalid("file", "the file is empty")
    if len(raw) > _MAX_BYTES:
        invalid("file", f"a statement file is at most {_MAX_BYTES // (1024 * 1024)} MB")
    return raw, content_type


class BankStatementController(Controller):
    """Bank statements and the reconciliation of their lines."""

    path = "/bank-statements"
    tags = ["finance: bank"]

    # Not ``POST /bank-statements``: a statement is made from a file, never from a JSON body
    # (the isolation contract creates every ``POST`` collection's items from one).
    @post(
        "/import",
        summary="Import a bank statement",
        opt=_WRITE,
        operation_class=_StatementOperation,
    )
    async def import_statement(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        events: Events,
        journal_id: JournalId = None,
        journal: JournalCode = None,
        format: Annotated[
            Literal["camt053", "ofx", "csv"] | None,
            QueryParameter(description="The file's format (detected when not given)."),
        ] = None,
    ) -> ImportOut:
        """Import a CAMT.053, OFX or CSV statement into a bank journal; its lines are open.

        Nothing is posted in the ledger: lines are reconciled afterwards. A file or line
        already imported is a 409 naming the statement; an opening balance that does not
        follow the previous closing balance is imported with a warning. Publishes
        ``finance.bank_statement.imported.v1``.
        """
        raw, content_type = await _file(request)
        fmt = format or _statements.detect(content_type, raw)
        async with db.transaction() as conn:
            found = await company(conn)
            bank = await _bank.bank_journal(conn, journal_id=journal_id, journal_code=journal)
            mapping = await _bank.load_mapping(conn, bank["id"]) if fmt == "csv" else None
            parsed = _statements.parse(fmt, raw, mapping)
            return await _bank.import_statement(
                conn, found, bank, raw=raw, parsed=parsed, events=events
            )

    @get("/", summary="List bank statements", opt=_READ)
    async def list_statements(
        self,
        db: Db,
        journal_id: Annotated[UUID | None, QueryParameter(description="Only this journal.")] = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[StatementOut]:
        """Statements without their lines (counts only), in import order."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select id from finance_bank_statement where ($1::uuid is null or journal_id = $1) "
                "and ($2::uuid is null or id > $2) order by id limit $3",
                journal_id,
                after_id(cursor),
                limit + 1,
            )
            items = await _bank.load_statements(conn, [row["id"] for row in rows], with_lines=False)
        return page_of(items, limit)

    @get("/{statement_id:uuid}", summary="Show a bank statement", opt=_READ)
    async def show_statement(self, db: Db, statement_id: FromPath[UUID]) -> StatementOut:
        """One statement with its lines and what each is reconciled with."""
        async with db.transaction() as conn:
            return await _bank.load_statement(conn, statement_id)

    @get(
        "/{statement_id:uuid}/lines/{line_id:uuid}/suggestions",
        summary="Suggest how to reconcile a statement line",
        opt=_READ,
    )
    async def suggest(
        self, db: Db, statement_id: FromPath[UUID], line_id: FromPath[UUID]
    ) -> list[Suggestion]:
        """Rank open documents and booked payments that could reconcile the line.

        Documents score by number or reference in the text, amount and partner name; booked
        payments on the bank account by amount. Reads only: nothing is posted.
        """
        async with db.transaction() as conn:
            return await _bank_match.suggestions(conn, statement_id, line_id)

    @post(
        "/{statement_id:uuid}/lines/{line_id:uuid}/reconcile",
        summary="Reconcile a statement line",
        opt=_WRITE,
        status_code=200,
    )
    async def reconcile_line(
        self,
        db: Db,
        events: Events,
        features: FeatureFlags,
        statement_id: FromPath[UUID],
        line_id: FromPath[UUID],
        data: Annotated[
            ReconcileIn,
            body(
                "POST /bank-statements/{statement_id}/lines/{line_id}/reconcile",
                "A bank charge booked from the line",
            ),
        ],
    ) -> LineOut:
        """Reconcile a line with booked ledger lines, open documents or a new entry.

        With ``entry_line_ids`` nothing is posted; with ``allocations`` a payment dated the
        line's day is booked in the statement's journal and settles the documents; with
        ``account_code`` an entry bank account / that account is posted. Publishes
        ``finance.statement_line.reconciled.v1``.
        """
        multi_currency = await features.enabled(MULTI_CURRENCY)
        async with db.transaction() as conn:
            found = await company(conn)
            await _bank_match.reconcile(
                conn,
                found,
                statement_id,
                line_id,
                data,
                events=events,
                multi_currency=multi_currency,
            )
            [line] = await _bank.load_lines(conn, [line_id])
            return line

    @post(
        "/{statement_id:uuid}/lines/{line_id:uuid}/unreconcile",
        summary="Un-reconcile a statement line",
        opt=_WRITE,
        status_code=200,
    )
    async def unreconcile_line(
        self, db: Db, statement_id: FromPath[UUID], line_id: FromPath[UUID]
    ) -> LineOut:
        """Reopen a reconciled line.

        An entry made from it is reversed (a mirror entry on the same day); its matches are
        removed; a payment made from it stays booked, to be matched again.
        """
        async with db.transaction() as conn:
            found = await company(conn)
            await _bank_match.unreconcile(conn, found, statement_id, line_id)
            [line] = await _bank.load_lines(conn, [line_id])
            return line

    @post(
        "/{statement_id:uuid}/auto-reconcile",
        summary="Reconcile a statement's lines by rules and sure suggestions",
        opt=_WRITE,
        status_code=200,
    )
    async def auto_reconcile(
        self, db: Db, events: Events, features: FeatureFlags, statement_id: FromPath[UUID]
    ) -> AutoReport:
        """Reconcile a statement's open lines by rules and unambiguous suggestions.

        A rule posts an entry per line; a line naming exactly one open document by number,
        due for exactly its amount, books a payment settling it. Each line is reported.
        Publishes ``finance.statement_line.reconciled.v1`` per line reconciled.
        """
        multi_currency = await features.enabled(MULTI_CURRENCY)
        async with db.transaction() as conn:
            found = await company(conn)
            return await _bank_match.auto_reconcile(
                conn, found, statement_id, events=events, multi_currency=multi_currency
            )


class BankAccountController(Controller):
    """Settings of a bank account (a bank or cash journal): its CSV mapping."""

    path = "/bank-accounts"
    tags = ["finance: bank"]

    @get("/{journal_id:uuid}/csv-mapping", summary="Show a bank account's CSV mapping", opt=_READ)
    async def show_mapping(self, db: Db, journal_id: FromPath[UUID]) -> CsvMappingOut:
        """The columns and formats CSV statements of this journal are read with."""
        async with db.transaction() as conn:
            found = await _bank.load_mapping(conn, journal_id)
            if found is None:
                not_found()
            return found

    @put("/{journal_id:uuid}/csv-mapping", summary="Save a bank account's CSV mapping", opt=_WRITE)
    async def save_mapping(
        self,
        db: Db,
        journal_id: FromPath[UUID],
        data: Annotated[
            CsvMapping,
            body("PUT /bank-accounts/{journal_id}/csv-mapping", "A European bank's export"),
        ],
    ) -> CsvMappingOut:
        """Save (replace) the CSV mapping of a bank or cash journal. Posts nothing."""
        async with db.transaction() as conn:
            return await _bank.save_mapping(conn, journal_id, data)


class BankRuleController(Controller):
    """Reconciliation rules: statement lines they match are booked to an account."""

    path = "/bank-rules"
    tags = ["finance: bank"]

    @get("/", summary="List reconciliation rules", opt=_READ)
    async def list_rules(self, db: Db) -> list[RuleOut]:
        """Every rule, in the order auto-reconciliation tries them."""
        async with db.transaction() as conn:
            return await _bank.load_rules(conn)

    @post("/", summary="Create a reconciliation rule", opt=_WRITE)
    async def create_rule(
        self, db: Db, data: Annotated[RuleIn, body("POST /bank-rules", "Bank fees")]
    ) -> RuleOut:
        """Save a rule (text contained, direction, amount range → account and partner).

        Posts nothing until auto-reconciliation applies it.
        """
        async with db.transaction() as conn:
            return await _bank.create_rule(conn, data)

    @get("/{rule_id:uuid}", summary="Show a reconciliation rule", opt=_READ)
    async def show_rule(self, db: Db, rule_id: FromPath[UUID]) -> RuleOut:
        """One rule."""
        async with db.transaction() as conn:
            found = await _bank.load_rules(conn, rule_id=rule_id)
            if not found:
                not_found()
            return found[0]

    @delete("/{rule_id:uuid}", summary="Delete a reconciliation rule", opt=_WRITE)
    async def delete_rule(self, db: Db, rule_id: FromPath[UUID]) -> None:
        """Delete a rule; entries it already booked stay."""
        async with db.transaction() as conn:
            done = await conn.execute("delete from finance_bank_rule where id = $1", rule_id)
            if done.endswith(" 0"):
                not_found()


class BankReportController(Controller):
    """The bank reconciliation report."""

    path = "/reports"
    tags = ["finance: reports"]

    @get("/bank-reconciliation", summary="Bank reconciliation", opt=_READ)
    async def bank_reconciliation(
        self,
        db: Db,
        journal_id: JournalId = None,
        journal: JournalCode = None,
        date_to: Annotated[
            date | None, QueryParameter(description="At this day (today by default).")
        ] = None,
    ) -> ReconciliationReport:
        """Reconcile a bank account's books with its statements at a date.

        Balance in the books, last statement's closing balance, unreconciled statement
        lines, book lines on no statement (outstanding), and the difference explained.
        Reads only.
        """
        async with db.transaction() as conn:
            found = await company(conn)
            bank = await _bank.bank_journal(conn, journal_id=journal_id, journal_code=journal)
            return await _bank_match.report(
                conn,
                bank,
                currency=bank["account_currency"] or found.base_currency,
                date_to=date_to or date.today(),
            )
