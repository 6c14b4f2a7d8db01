"""A DNS responder on a loopback UDP port, for Mail's domain checks in the Calendar tests."""

from __future__ import annotations

import socket
import threading

import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset


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
