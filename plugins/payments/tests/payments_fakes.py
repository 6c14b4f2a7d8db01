"""Local fake servers speaking the providers' documented APIs, and their signed webhooks.

Each runs a threaded ``http.server`` on a free loopback port and checks the secret key in
``Authorization: Bearer …`` (401 with the provider's error body otherwise):

- :class:`FakeStripe`: ``POST /v1/checkout/sessions`` (form-encoded, as the ``stripe`` SDK
  sends it), ``GET /v1/checkout/sessions/{id}`` (``expand[]`` of the PaymentIntent's
  latest charge and balance transaction), ``POST /v1/refunds``; errors as
  ``{"error": {"type", "code", "message", "param"}}``. Webhooks are signed with
  ``Stripe-Signature: t=…,v1=HMAC-SHA256(whsec, "t.body")``.
- :class:`FakePaystack`: ``POST /transaction/initialize``, ``GET /transaction/verify/{ref}``,
  ``POST /refund``; answers ``{"status": true|false, "message", "data"}``; amounts in
  subunits. Webhooks carry ``x-paystack-signature: HMAC-SHA512(secret key, body)``.
- :class:`FakeFlutterwave`: ``POST /v3/payments``, ``GET /v3/transactions/{id}/verify``,
  ``POST /v3/transactions/{id}/refund``; answers ``{"status": "success"|"error",
  "message", "data"}``; amounts in major units. Webhooks carry ``verif-hash``.

``pay(…)`` plays the customer paying on the provider's page; ``webhook(…)`` builds the
provider's event for it, signed as the provider signs. Every request is recorded.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = (
    "FLW_HASH",
    "FLW_KEY",
    "PAYSTACK_KEY",
    "STRIPE_KEY",
    "STRIPE_WHSEC",
    "FakeFlutterwave",
    "FakePaystack",
    "FakeStripe",
    "Recorded",
)

STRIPE_KEY = "sk_test_" + "51" * 12
STRIPE_WHSEC = "whsec_" + "ab" * 16
PAYSTACK_KEY = "sk_test_" + "9f" * 20
FLW_KEY = "FLWSECK_TEST-" + "c3" * 16 + "-X"
FLW_HASH = "flw-hash-" + "7e" * 8


class Recorded:
    """One request a fake received."""

    def __init__(self, method: str, path: str, headers: dict[str, str], body: bytes) -> None:
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        """The body as a form."""
        return dict(parse_qsl(self.body.decode()))


class _Fake:
    """A threaded server calling ``self.route(method, path, query, body)``."""

    key = ""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                self._serve("GET")

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                self._serve("POST")

            def _serve(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                headers = {k.lower(): v for k, v in self.headers.items()}
                with fake.lock:
                    fake.requests.append(Recorded(method, parts.path, headers, body))
                    if headers.get("authorization") != f"Bearer {fake.key}":
                        status, answer = fake.unauthorized()
                    else:
                        query = parse_qsl(parts.query)
                        status, answer = fake.route(method, parts.path, query, body)
                raw = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> Any:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def unauthorized(self) -> tuple[int, Any]:
        raise NotImplementedError

    def route(self, method: str, path: str, query: list[tuple[str, str]], body: bytes) -> Any:
        raise NotImplementedError

    def calls(self, method: str, prefix: str, about: str) -> list[Recorded]:
        """The requests of ``method`` under ``prefix`` naming ``about`` (path or body).

        The fakes serve the whole package: ``about`` (a checkout's or payment's id) keeps
        other tests' requests out.
        """
        return [
            r
            for r in self.requests
            if r.method == method
            and r.path.startswith(prefix)
            and (about in r.path or about.encode() in r.body)
        ]


class FakeStripe(_Fake):
    """Stripe's Checkout Sessions, PaymentIntents, balance transactions and refunds."""

    key = STRIPE_KEY

    def __init__(self) -> None:
        super().__init__()
        self.sessions: dict[str, dict[str, Any]] = {}
        self.intents: dict[str, dict[str, Any]] = {}
        self.refunds: list[dict[str, Any]] = []
        self.refund_status = "succeeded"

    def unauthorized(self) -> tuple[int, Any]:
        message = "Invalid API Key provided: sk_test_****"
        return 401, {"error": {"type": "invalid_request_error", "message": message}}

    @staticmethod
    def _error(status: int, code: str, message: str, param: str | None = None) -> Any:
        error = {"type": "invalid_request_error", "code": code, "message": message}
        if param:
            error["param"] = param
        return status, {"error": error}

    def route(self, method: str, path: str, query: list[tuple[str, str]], body: bytes) -> Any:
        form = dict(parse_qsl(body.decode()))
        if method == "POST" and path == "/v1/checkout/sessions":
            return self._create_session(form)
        if method == "GET" and path.startswith("/v1/checkout/sessions/"):
            session = self.sessions.get(path.rsplit("/", 1)[1])
            if session is None:
                return self._error(404, "resource_missing", "No such checkout.session", "session")
            expand = [v for k, v in query if k.startswith("expand")]
            return 200, self._expanded(session, expand)
        if method == "POST" and path == "/v1/refunds":
            return self._refund(form)
        return self._error(404, "resource_missing", f"Unrecognized request URL ({path})")

    def _create_session(self, form: dict[str, str]) -> Any:
        if form.get("mode") != "payment":
            return self._error(400, "parameter_missing", "Missing required param: mode.", "mode")
        amount = form.get("line_items[0][price_data][unit_amount]")
        currency = form.get("line_items[0][price_data][currency]")
        if not amount or not currency:
            message = "Missing required param: line_items."
            return self._error(400, "parameter_missing", message, "line_items")
        session_id = "cs_test_" + secrets.token_hex(12)
        metadata = {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")}
        session = {
            "id": session_id,
            "object": "checkout.session",
            "amount_total": int(amount),
            "currency": currency,
            "client_reference_id": form.get("client_reference_id"),
            "customer_email": form.get("customer_email"),
            "metadata": metadata,
            "mode": "payment",
            "payment_intent": None,
            "payment_status": "unpaid",
            "status": "open",
            "success_url": form.get("success_url"),
            "expires_at": int(form.get("expires_at") or time.time() + 86400),
            "url": f"https://checkout.stripe.com/c/pay/{session_id}",
        }
        self.sessions[session_id] = session
        return 200, session

    def _expanded(self, session: dict[str, Any], expand: list[str]) -> dict[str, Any]:
        found = dict(session)
        intent_id = found["payment_intent"]
        if intent_id and any(e.startswith("payment_intent") for e in expand):
            intent = json.loads(json.dumps(self.intents[intent_id]))
            charge = intent["latest_charge"]
            if "payment_intent.latest_charge.balance_transaction" not in expand:
                charge["balance_transaction"] = charge["balance_transaction"]["id"]
            found["payment_intent"] = intent
        return found

    def _refund(self, form: dict[str, str]) -> Any:
        intent = self.intents.get(form.get("payment_intent", ""))
        if intent is None:
            return self._error(404, "resource_missing", "No such payment_intent", "payment_intent")
        amount = int(form.get("amount") or intent["amount"])
        refunded = sum(r["amount"] for r in self.refunds if r["payment_intent"] == intent["id"])
        if refunded + amount > intent["amount"]:
            message = f"Refund amount ({amount}) is greater than unrefunded amount on charge"
            return self._error(400, "amount_too_large", message, "amount")
        refund = {
            "id": "re_" + secrets.token_hex(12),
            "object": "refund",
            "amount": amount,
            "currency": intent["currency"],
            "payment_intent": intent["id"],
            "status": self.refund_status,
        }
        self.refunds.append(refund)
        return 200, refund

    def pay(self, session_id: str, *, fee: int, amount: int | None = None) -> None:
        """The customer pays the session (``amount``: what the card was charged, if other)."""
        with self.lock:
            session = self.sessions[session_id]
            charged = session["amount_total"] if amount is None else amount
            intent_id = "pi_" + secrets.token_hex(12)
            self.intents[intent_id] = {
                "id": intent_id,
                "object": "payment_intent",
                "amount": charged,
                "currency": session["currency"],
                "status": "succeeded",
                "latest_charge": {
                    "id": "ch_" + secrets.token_hex(12),
                    "object": "charge",
                    "amount": charged,
                    "currency": session["currency"],
                    "payment_method_details": {"type": "card"},
                    "balance_transaction": {
                        "id": "txn_" + secrets.token_hex(12),
                        "object": "balance_transaction",
                        "amount": charged,
                        "currency": session["currency"],
                        "fee": fee,
                        "net": charged - fee,
                    },
                },
            }
            session.update(
                payment_intent=intent_id,
                payment_status="paid",
                status="complete",
                amount_total=charged,
            )

    def refund_webhook(self, refund: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
        """``refund.updated``: the pending refund succeeded, signed with the endpoint secret."""
        refund["status"] = "succeeded"
        event = {
            "id": "evt_" + secrets.token_hex(12),
            "object": "event",
            "type": "refund.updated",
            "created": int(time.time()),
            "livemode": False,
            "data": {"object": dict(refund)},
        }
        return self._signed(json.dumps(event).encode(), STRIPE_WHSEC, int(time.time()))

    @staticmethod
    def _signed(body: bytes, secret: str, stamp: int) -> tuple[bytes, dict[str, str]]:
        mac = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
        return body, {"Stripe-Signature": f"t={stamp},v1={mac}", "Content-Type": "application/json"}

    def webhook(
        self,
        session_id: str,
        *,
        kind: str = "checkout.session.completed",
        secret: str = STRIPE_WHSEC,
        at: int | None = None,
        event_id: str | None = None,
    ) -> tuple[bytes, dict[str, str]]:
        """The event Stripe sends about the session, signed with ``secret`` at ``at``."""
        session = dict(self.sessions[session_id])
        event = {
            "id": event_id or "evt_" + secrets.token_hex(12),
            "object": "event",
            "api_version": "2025-09-30.clover",
            "created": int(time.time()),
            "livemode": False,
            "type": kind,
            "data": {"object": session},
        }
        stamp = int(time.time()) if at is None else at
        return self._signed(json.dumps(event).encode(), secret, stamp)


class FakePaystack(_Fake):
    """Paystack's transactions (initialize, verify) and refunds."""

    key = PAYSTACK_KEY

    def __init__(self) -> None:
        super().__init__()
        self.transactions: dict[str, dict[str, Any]] = {}
        self.refunds: list[dict[str, Any]] = []

    def unauthorized(self) -> tuple[int, Any]:
        return 401, {"status": False, "message": "Invalid key"}

    def route(self, method: str, path: str, query: list[tuple[str, str]], body: bytes) -> Any:
        data = json.loads(body) if body else {}
        if method == "POST" and path == "/transaction/initialize":
            return self._initialize(data)
        if method == "GET" and path.startswith("/transaction/verify/"):
            found = self.transactions.get(path.rsplit("/", 1)[1])
            if found is None:
                return 400, {"status": False, "message": "Transaction reference not found"}
            return 200, {"status": True, "message": "Verification successful", "data": found}
        if method == "POST" and path == "/refund":
            return self._refund(data)
        return 404, {"status": False, "message": "Not found"}

    def _initialize(self, data: dict[str, Any]) -> Any:
        if not data.get("email") or not data.get("amount"):
            return 400, {"status": False, "message": "Invalid Email Address Passed"}
        if data.get("currency") not in ("NGN", "GHS", "ZAR", "KES", "USD"):
            return 403, {"status": False, "message": "Currency not supported by merchant"}
        reference = data.get("reference") or secrets.token_hex(5)
        if reference in self.transactions:
            return 400, {"status": False, "message": "Duplicate Transaction Reference"}
        access = secrets.token_hex(8)
        self.transactions[reference] = {
            "id": 4099260000 + len(self.transactions),
            "domain": "test",
            "status": "abandoned",
            "reference": reference,
            "amount": int(data["amount"]),
            "gateway_response": "The transaction was not completed",
            "paid_at": None,
            "channel": "card",
            "currency": data["currency"],
            "fees": None,
            "metadata": data.get("metadata"),
            "customer": {"email": data["email"]},
        }
        answer = {
            "authorization_url": f"https://checkout.paystack.com/{access}",
            "access_code": access,
            "reference": reference,
        }
        return 200, {"status": True, "message": "Authorization URL created", "data": answer}

    def _refund(self, data: dict[str, Any]) -> Any:
        found = self.transactions.get(str(data.get("transaction")))
        if found is None or found["status"] != "success":
            return 404, {"status": False, "message": "Transaction not found"}
        amount = int(data.get("amount") or found["amount"])
        done = sum(r["amount"] for r in self.refunds if r["transaction"] == found["reference"])
        if done + amount > found["amount"]:
            message = "Refund amount cannot be more than transaction amount"
            return 400, {"status": False, "message": message}
        refund = {
            "id": 3018284 + len(self.refunds),
            "transaction": found["reference"],
            "amount": amount,
            "currency": found["currency"],
            "status": "pending",
            "domain": "test",
        }
        self.refunds.append(refund)
        answer = {**refund, "transaction": {"id": found["id"], "reference": found["reference"]}}
        message = "Refund has been queued for processing"
        return 200, {"status": True, "message": message, "data": answer}

    def pay(self, reference: str, *, fees: int, channel: str = "card") -> None:
        """The customer pays the transaction."""
        with self.lock:
            self.transactions[reference].update(
                status="success",
                gateway_response="Successful",
                paid_at="2026-12-07T10:00:00.000Z",
                channel=channel,
                fees=fees,
            )

    def webhook(
        self, reference: str, *, secret: str = PAYSTACK_KEY, amount: int | None = None
    ) -> tuple[bytes, dict[str, str]]:
        """``charge.success`` of the transaction, signed with ``secret``."""
        data = dict(self.transactions[reference])
        if amount is not None:
            data["amount"] = amount
        body = json.dumps({"event": "charge.success", "data": data}).encode()
        return body, self.sign(body, secret)

    def refund_webhook(self, refund: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
        """``refund.processed`` of a refund the fake holds, signed with the secret key."""
        refund["status"] = "processed"
        data = {
            "status": "processed",
            "transaction_reference": refund["transaction"],
            "refund_reference": None,
            "amount": str(refund["amount"]),
            "currency": refund["currency"],
            "domain": "test",
            "id": str(refund["id"]),
        }
        body = json.dumps({"event": "refund.processed", "data": data}).encode()
        return body, self.sign(body, PAYSTACK_KEY)

    @staticmethod
    def sign(body: bytes, secret: str) -> dict[str, str]:
        """Paystack's signature headers of ``body``."""
        mac = hmac.new(secret.encode(), body, hashlib.sha512).hexdigest()
        return {"x-paystack-signature": mac, "Content-Type": "application/json"}


class FakeFlutterwave(_Fake):
    """Flutterwave v3's hosted payments, transaction verification and refunds."""

    key = FLW_KEY

    def __init__(self) -> None:
        super().__init__()
        self.payments: dict[str, dict[str, Any]] = {}
        self.transactions: dict[str, dict[str, Any]] = {}

    def unauthorized(self) -> tuple[int, Any]:
        return 401, {"status": "error", "message": "Invalid authorization key", "data": None}

    def route(self, method: str, path: str, query: list[tuple[str, str]], body: bytes) -> Any:
        data = json.loads(body, parse_float=Decimal) if body else {}
        if method == "POST" and path == "/v3/payments":
            missing = [
                f for f in ("tx_ref", "amount", "redirect_url", "customer") if not data.get(f)
            ]
            if missing or not data["customer"].get("email"):
                message = f"{(missing or ['customer.email'])[0]} is required"
                return 400, {"status": "error", "message": message, "data": None}
            self.payments[data["tx_ref"]] = data
            link = f"https://checkout.flutterwave.com/v3/hosted/pay/{secrets.token_hex(10)}"
            return 200, {"status": "success", "message": "Hosted Link", "data": {"link": link}}
        parts = path.split("/")
        if len(parts) == 5 and parts[2] == "transactions":
            found = self.transactions.get(parts[3])
            if found is None:
                message = "No transaction was found for this id"
                return 400, {"status": "error", "message": message, "data": None}
            if method == "GET" and parts[4] == "verify":
                message = "Transaction fetched successfully"
                return 200, {"status": "success", "message": message, "data": found}
            if method == "POST" and parts[4] == "refund":
                amount = data.get("amount") or found["amount"]
                refund = {
                    "id": 75923 + len(self.requests),
                    "tx_id": found["id"],
                    "flw_ref": found["flw_ref"],
                    "amount_refunded": float(amount),
                    "status": "completed",
                    "destination": "payment_source",
                }
                message = "Transaction refund initiated"
                return 200, {"status": "success", "message": message, "data": refund}
        return 404, {"status": "error", "message": "Not found", "data": None}

    def pay(self, tx_ref: str, *, app_fee: str, payment_type: str = "card") -> int:
        """The customer pays the hosted link; the transaction's id."""
        with self.lock:
            asked = self.payments[tx_ref]
            transaction_id = 4975363 + len(self.transactions)
            self.transactions[str(transaction_id)] = {
                "id": transaction_id,
                "tx_ref": tx_ref,
                "flw_ref": "FLW-MOCK-" + secrets.token_hex(8),
                "amount": float(asked["amount"]),
                "currency": asked["currency"],
                "charged_amount": float(Decimal(str(asked["amount"])) + Decimal(app_fee)),
                "app_fee": float(app_fee),
                "merchant_fee": 0,
                "processor_response": "Approved by Financial Institution",
                "status": "successful",
                "payment_type": payment_type,
                "customer": asked["customer"],
            }
            return transaction_id

    def webhook(
        self, transaction_id: int, *, secret: str = FLW_HASH
    ) -> tuple[bytes, dict[str, str]]:
        """``charge.completed`` of the transaction, with ``verif-hash``."""
        data = dict(self.transactions[str(transaction_id)])
        event = {"event": "charge.completed", "data": data, "event.type": "CARD_TRANSACTION"}
        body = json.dumps(event).encode()
        return body, {"verif-hash": secret, "Content-Type": "application/json"}
