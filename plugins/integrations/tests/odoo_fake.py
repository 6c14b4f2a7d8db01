"""A fake Odoo speaking its documented external XML-RPC API, in a thread.

``/xmlrpc/2/common``: ``version``, ``authenticate(db, login, api_key, {})`` (the user's id,
or False). ``/xmlrpc/2/object``: ``execute_kw(db, uid, api_key, model, "search_read",
[domain], {"fields", "order", "limit", "offset"})`` over the records it holds, domains of
``=``, ``in`` and ``>`` leaves (ANDed). ``throttle`` answers the next calls 429 with a
``Retry-After``, as a rate-limited server does.
"""

from __future__ import annotations

import threading
import xmlrpc.client
from decimal import Decimal
from socketserver import ThreadingMixIn
from typing import Any
from xmlrpc.server import MultiPathXMLRPCServer, SimpleXMLRPCDispatcher, SimpleXMLRPCRequestHandler

__all__ = ("FakeOdoo",)

DB, LOGIN, API_KEY, UID = "acme", "admin@acme.example", "odoo-api-key-1", 2


class _Server(ThreadingMixIn, MultiPathXMLRPCServer):
    daemon_threads = True
    throttled = 0
    calls = 0


class _Handler(SimpleXMLRPCRequestHandler):
    rpc_paths = ("/xmlrpc/2/common", "/xmlrpc/2/object")

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        server: Any = self.server
        server.calls += 1
        if server.throttled > 0:
            server.throttled -= 1
            self.send_response(429)
            self.send_header("Retry-After", "0")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        super().do_POST()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return


def _matches(record: dict[str, Any], domain: list[Any]) -> bool:
    for field, op, value in domain:
        have = record.get(field)
        if isinstance(have, list) and have and isinstance(have[0], int):
            have = have[0]  # a many2one compares by id
        if op == "=" and have != value:
            return False
        if op == "in" and have not in value:
            return False
        if op == ">" and not (have is not None and have > value):
            return False
    return True


class FakeOdoo:
    """Holds res.partner, product.product, account.move and account.move.line records."""

    def __init__(self) -> None:
        self.models: dict[str, list[dict[str, Any]]] = {
            "res.partner": [],
            "product.product": [],
            "account.move": [],
            "account.move.line": [],
            "account.payment": [],
        }
        self._server = _Server(
            ("127.0.0.1", 0), requestHandler=_Handler, allow_none=True, logRequests=False
        )
        common = SimpleXMLRPCDispatcher(allow_none=True)
        common.register_function(lambda: {"server_version": "17.0"}, "version")
        common.register_function(self._authenticate, "authenticate")
        obj = SimpleXMLRPCDispatcher(allow_none=True)
        obj.register_function(self._execute_kw, "execute_kw")
        self._server.add_dispatcher("/xmlrpc/2/common", common)
        self._server.add_dispatcher("/xmlrpc/2/object", obj)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FakeOdoo:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def calls(self) -> int:
        return self._server.calls

    def throttle(self, times: int) -> None:
        self._server.throttled = times

    def _authenticate(self, db: str, login: str, key: str, _env: dict[str, Any]) -> Any:
        return UID if (db, login, key) == (DB, LOGIN, API_KEY) else False

    def _execute_kw(
        self,
        db: str,
        uid: int,
        key: str,
        model: str,
        method: str,
        args: list[Any],
        kwargs: dict[str, Any],
    ) -> Any:
        if (db, uid, key) != (DB, UID, API_KEY):
            raise xmlrpc.client.Fault(3, "odoo.exceptions.AccessDenied: Access Denied")
        if method != "search_read" or model not in self.models:
            raise xmlrpc.client.Fault(2, f"no method {method} on {model}")
        found = sorted(
            (r for r in self.models[model] if _matches(r, args[0])), key=lambda r: r["id"]
        )
        offset, limit = kwargs.get("offset", 0), kwargs.get("limit")
        found = found[offset : offset + limit if limit else None]
        fields = kwargs.get("fields") or []
        return [{f: r.get(f, False) for f in ["id", *fields]} for r in found]

    def add(self, model: str, **values: Any) -> dict[str, Any]:
        """Add a record (an id is given), stamped with a write_date."""
        records = self.models[model]
        record = {"id": len(records) + 1, "write_date": "2026-12-01 10:00:00", **values}
        records.append(record)
        return record

    def _residual(self, move_type: str) -> Decimal:
        """Posted moves' residuals in the company's currency (``amount_residual_signed``,
        else ``amount_residual`` for those in the company's currency), unsigned."""
        return sum(
            (
                abs(Decimal(str(m.get("amount_residual_signed", m["amount_residual"]))))
                for m in self.models["account.move"]
                if m["move_type"] == move_type and m["state"] == "posted"
            ),
            Decimal(0),
        )

    def receivable(self) -> Decimal:
        """What customers owe: the residuals of posted customer invoices."""
        return self._residual("out_invoice")

    def payable(self) -> Decimal:
        """What is owed to suppliers: the residuals of posted vendor bills."""
        return self._residual("in_invoice")
