"""A local fake server speaking Africa's Talking's and Flutterwave's documented HTTP APIs.

One threaded ``http.server`` on a free loopback port answers like:

- Africa's Talking Airtime: ``POST /version1/airtime/send`` (form ``username`` and
  ``recipients``, a JSON array of ``{phoneNumber, amount: "KES 100.00"}``; ``apiKey``
  header; ``Idempotency-Key`` honoured: a repeated key answers the first response without
  sending again); 201 with ``{errorMessage, numSent, totalAmount, totalDiscount,
  responses: [{phoneNumber, errorMessage, amount, status, requestId, discount}]}``, a
  recipient in ``refused`` getting ``status: "Failed"``; 401 with a plain text body for a
  bad key;
- Africa's Talking Mobile Data: ``POST /mobile/data/request`` (JSON ``{username,
  productName, recipients: [{phoneNumber, quantity, unit, validity, metadata}]}``);
  201 with ``{entries: [{phoneNumber, provider, status: "Queued", transactionId, value}]}``;
- Africa's Talking ``GET /query/transaction/find?username&transactionId``: ``{status:
  "Success", data: {requestId|transactionId, status, …}}`` or ``{status: "Failed",
  errorMessage}`` for an unknown id;
- Flutterwave ``POST /v3/bills`` (bearer secret key; JSON ``{country, customer, amount,
  recurrence, type, reference}``): 200 ``{status: "success", message: "Bill payment
  successful", data: {phone_number, amount, network, flw_ref, tx_ref, reference}}``; 400
  ``{status: "error", message, data: null}`` for a duplicate reference or a customer in
  ``refused``; 401 for a bad key;
- Flutterwave ``GET /v3/bills/{reference}`` (``data.status`` ``pending`` until finished)
  and ``GET /v3/bill-categories?power=1|cables=1&country=``.

``finish(ref, status)`` sets a transaction's final status at the provider (what its
status API then says); ``failures[path] = n`` answers 500 to the next ``n`` calls of a path.
"""

from __future__ import annotations

import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = ("AT_KEY", "AT_USER", "FLW_HASH", "FLW_KEY", "FakeProviders", "Recorded")

AT_USER = "sandbox"
AT_KEY = "atsk_" + "7" * 32
FLW_KEY = "FLWSECK_TEST-" + "a" * 32 + "-X"
FLW_HASH = "nexus-vas-" + "h" * 20

BILLERS = {
    "power": [
        {
            "id": 17,
            "biller_code": "BIL112",
            "name": "EKEDC PREPAID TOPUP",
            "default_commission": 0.3,
            "country": "NG",
            "is_airtime": False,
            "biller_name": "EKEDC PREPAID TOPUP",
            "item_code": "UB157",
            "short_name": "EKEDC PREPAID",
            "fee": 100,
            "commission_on_fee": False,
            "label_name": "Meter Number",
            "amount": 0,
        }
    ],
    "cables": [
        {
            "id": 3,
            "biller_code": "BIL121",
            "name": "DSTV Padi",
            "default_commission": 0.3,
            "country": "NG",
            "is_airtime": False,
            "biller_name": "DSTV",
            "item_code": "CB141",
            "short_name": "DSTV Padi",
            "fee": 100,
            "commission_on_fee": False,
            "label_name": "Smart Card Number",
            "amount": 2150,
        }
    ],
}


class Recorded:
    """One request the fake received."""

    def __init__(self, method: str, path: str, headers: dict[str, str], body: bytes) -> None:
        self.method = method
        self.path = path
        self.headers = {key.lower(): value for key, value in headers.items()}
        self.body = body

    def form(self) -> dict[str, str]:
        """The body as a form."""
        return dict(parse_qsl(self.body.decode()))

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)


class FakeProviders:
    """The fake server; ``base_url`` is what the tenant's credentials point at."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.refused: set[str] = set()
        self.failures: dict[str, int] = {}
        self.transactions: dict[str, dict[str, Any]] = {}
        self.bills: dict[str, dict[str, Any]] = {}
        self._idempotent: dict[str, tuple[int, Any]] = {}
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                self.do_POST("GET")

            def do_POST(self, method: str = "POST") -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                recorded = Recorded(method, self.path, dict(self.headers.items()), body)
                with fake._lock:
                    fake.requests.append(recorded)
                    status, answer = fake.answer(recorded)
                if isinstance(answer, str):
                    data, kind = answer.encode(), "text/plain"
                else:
                    data, kind = json.dumps(answer).encode(), "application/json"
                self.send_response(status)
                self.send_header("content-type", kind)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeProviders:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def to(self, prefix: str) -> list[Recorded]:
        """The requests whose path starts with ``prefix``."""
        with self._lock:
            return [r for r in self.requests if r.path.startswith(prefix)]

    def finish(self, ref: str, status: str) -> None:
        """Set the final status of an airtime/data transaction or a bill at the provider."""
        with self._lock:
            if ref in self.transactions:
                self.transactions[ref]["status"] = status
            else:
                self.bills[ref]["status"] = status

    # -- answers ------------------------------------------------------------------------

    def answer(self, request: Recorded) -> tuple[int, Any]:
        """The provider's answer to ``request`` (called under the lock)."""
        parts = urlsplit(request.path)
        path = parts.path
        if self.failures.get(path, 0) > 0:
            self.failures[path] -= 1
            return 500, "Internal Server Error"
        query = dict(parse_qsl(parts.query))
        if path.startswith("/v3/"):
            return self._flutterwave(request, path, query)
        if request.headers.get("apikey") != AT_KEY:
            return 401, "The supplied authentication is invalid"
        key = request.headers.get("idempotency-key")
        if key and key in self._idempotent:
            return self._idempotent[key]
        if path == "/version1/airtime/send" and request.method == "POST":
            answer = self._airtime(request.form())
        elif path == "/mobile/data/request" and request.method == "POST":
            answer = self._data(request.json())
        elif path == "/query/transaction/find" and request.method == "GET":
            return self._find(query)
        else:
            return 404, "Not found"
        if key:
            self._idempotent[key] = answer
        return answer

    def _airtime(self, form: dict[str, str]) -> tuple[int, Any]:
        if form.get("username") != AT_USER:
            return 401, "The supplied authentication is invalid"
        responses = []
        for recipient in json.loads(form["recipients"]):
            phone, amount = recipient["phoneNumber"], recipient["amount"]
            if phone in self.refused:
                responses.append(
                    {
                        "phoneNumber": phone,
                        "errorMessage": "Invalid phone number",
                        "amount": amount,
                        "status": "Failed",
                        "requestId": "None",
                        "discount": "KES 0.0000",
                    }
                )
                continue
            ref = "ATQid_" + secrets.token_hex(16)
            self.transactions[ref] = {"requestId": ref, "phoneNumber": phone, "status": "Sent"}
            responses.append(
                {
                    "phoneNumber": phone,
                    "errorMessage": "None",
                    "amount": amount,
                    "status": "Sent",
                    "requestId": ref,
                    "discount": "KES 0.6000",
                }
            )
        sent = sum(1 for r in responses if r["status"] == "Sent")
        return 201, {
            "errorMessage": "None" if sent else "Invalid phone number",
            "numSent": sent,
            "totalAmount": "KES 0.0000",
            "totalDiscount": "KES 0.0000",
            "responses": responses,
        }

    def _data(self, body: dict[str, Any]) -> tuple[int, Any]:
        if body.get("username") != AT_USER or not body.get("productName"):
            return 400, {"errorMessage": "Invalid request"}
        entries = []
        for recipient in body["recipients"]:
            ref = "ATPid_" + secrets.token_hex(16)
            self.transactions[ref] = {
                "transactionId": ref,
                "phoneNumber": recipient["phoneNumber"],
                "status": "Queued",
            }
            entries.append(
                {
                    "phoneNumber": recipient["phoneNumber"],
                    "provider": "Safaricom",
                    "status": "Queued",
                    "transactionId": ref,
                    "value": f"{recipient['quantity']}{recipient['unit']}",
                }
            )
        return 201, {"entries": entries}

    def _find(self, query: dict[str, str]) -> tuple[int, Any]:
        found = self.transactions.get(query.get("transactionId", ""))
        if query.get("username") != AT_USER or found is None:
            return 200, {"status": "Failed", "errorMessage": "Transaction not found"}
        return 200, {"status": "Success", "data": dict(found)}

    def _flutterwave(self, request: Recorded, path: str, query: dict[str, str]) -> tuple[int, Any]:
        if request.headers.get("authorization") != f"Bearer {FLW_KEY}":
            return 401, {"status": "error", "message": "Invalid authorization key", "data": None}
        if path == "/v3/bill-categories":
            flag = "power" if query.get("power") == "1" else "cables"
            items = [b for b in BILLERS[flag] if b["country"] == query.get("country", "NG")]
            return 200, {"status": "success", "message": "Bill categories retrieved", "data": items}
        if path == "/v3/bills" and request.method == "POST":
            body = request.json()
            reference = body.get("reference")
            if reference in self.bills:
                return 400, {"status": "error", "message": "Duplicate reference", "data": None}
            if body.get("customer") in self.refused:
                return 400, {
                    "status": "error",
                    "message": "Invalid customer number",
                    "data": None,
                }
            flw_ref = "CF-FLYAPI-" + secrets.token_hex(6).upper()
            self.bills[reference] = {
                "currency": "NGN",
                "customer_id": body["customer"],
                "frequency": "One Time",
                "amount": f"{body['amount']}.0000",
                "product": body["type"],
                "tx_ref": flw_ref,
                "status": "pending",
            }
            return 200, {
                "status": "success",
                "message": "Bill payment successful",
                "data": {
                    "phone_number": body["customer"],
                    "amount": body["amount"],
                    "network": body["type"],
                    "flw_ref": flw_ref,
                    "tx_ref": "BPUSSD" + secrets.token_hex(6),
                    "reference": reference,
                },
            }
        if path.startswith("/v3/bills/") and request.method == "GET":
            bill = self.bills.get(path.removeprefix("/v3/bills/"))
            if bill is None:
                return 404, {"status": "error", "message": "Bill not found", "data": None}
            return 200, {
                "status": "success",
                "message": "Bill status fetch successful",
                "data": bill,
            }
        return 404, {"status": "error", "message": "Not found", "data": None}
