"""Helpers of the Mail tests: a local DNS responder, a local SMTP sink, API shortcuts."""

from __future__ import annotations

import socket
import subprocess
import threading
from typing import TYPE_CHECKING, Any

import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset
from aiosmtpd.controller import Controller

if TYPE_CHECKING:
    from pathlib import Path

API = "/api/v1/mail"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    return response.json() if response.content else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _txt(value: str) -> str:
    chunks = [value[i : i + 255] for i in range(0, len(value), 255)] or [""]
    return " ".join('"' + c.replace("\\", "\\\\").replace('"', '\\"') + '"' for c in chunks)


class DnsZone:
    """A DNS responder on a loopback UDP port answering from ``records`` (dnspython wire)."""

    def __init__(self) -> None:
        self.records: dict[tuple[str, str], list[str]] = {}
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = int(self.sock.getsockname()[1])
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def add(self, name: str, rdtype: str, value: str) -> None:
        """Publish one record (TXT values as plain text; split into strings here)."""
        text = _txt(value) if rdtype == "TXT" else value
        self.records.setdefault((name.lower().rstrip("."), rdtype), []).append(text)

    def _serve(self) -> None:
        while True:
            try:
                data, peer = self.sock.recvfrom(4096)
            except OSError:
                return
            query = dns.message.from_wire(data)
            response = dns.message.make_response(query)
            for question in query.question:
                name = question.name.to_text(omit_final_dot=True).lower()
                rdtype = dns.rdatatype.to_text(question.rdtype)
                values = self.records.get((name, rdtype))
                if values:
                    response.answer.append(
                        dns.rrset.from_text(question.name, 60, "IN", rdtype, *values)
                    )
                elif not any(key[0] == name for key in self.records):
                    response.set_rcode(dns.rcode.NXDOMAIN)
            self.sock.sendto(response.to_wire(), peer)

    def close(self) -> None:
        self.sock.close()


class _Collect:
    def __init__(self, sink: Sink) -> None:
        self.sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.sink.arrived:
            self.sink.messages.append(
                (envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content))
            )
            self.sink.arrived.notify_all()
        return "250 OK"

    async def handle_RCPT(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.startswith("refused"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"


class Sink:
    """A local SMTP server (aiosmtpd, its own thread) keeping what it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.arrived = threading.Condition()
        self.port = free_port()
        self.controller = Controller(_Collect(self), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def wait_for(self, count: int, timeout: float = 10) -> list[tuple[str, list[str], bytes]]:
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.messages) >= count, timeout)
            return list(self.messages)

    def close(self) -> None:
        self.controller.stop()


def publish_records(zone: DnsZone, domain: dict[str, Any]) -> None:
    """Put a domain's records (as the API shows them) in the zone."""
    for record in domain["records"]:
        value = record["value"]
        if record["type"] == "MX":
            value = f"{record['priority']} {value}."
        zone.add(record["name"], record["type"], value)


def add_domain(client: Any, tenant: Any, name: str) -> dict[str, Any]:
    result: dict[str, Any] = ok(
        client.post(f"{API}/domains", json={"domain": name}, headers=tenant.headers), 201
    )
    return result


def add_mailbox(client: Any, tenant: Any, domain_id: str, local_part: str) -> dict[str, Any]:
    result: dict[str, Any] = ok(
        client.post(
            f"{API}/domains/{domain_id}/mailboxes",
            json={"local_part": local_part},
            headers=tenant.headers,
        ),
        201,
    )
    return result


def verified_domain(client: Any, tenant: Any, zone: DnsZone, name: str) -> dict[str, Any]:
    """A domain of the tenant, its records published in ``zone`` and checked: verified."""
    domain = add_domain(client, tenant, name)
    publish_records(zone, domain)
    checked: dict[str, Any] = ok(
        client.post(f"{API}/domains/{domain['id']}/check", json={}, headers=tenant.headers)
    )
    assert checked["verified"], checked
    return checked


def swaks(
    address: tuple[str, int], *, sender: str, to: str, data: Path, helo: str = "client.example"
) -> subprocess.CompletedProcess[str]:
    """Deliver the message in ``data`` with Debian's swaks, a real SMTP client."""
    host, port = address
    return subprocess.run(
        [
            "swaks",
            "--server",
            f"{host}:{port}",
            "--from",
            sender,
            "--to",
            to,
            "--helo",
            helo,
            "--data",
            str(data),
            "--timeout",
            "20",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
