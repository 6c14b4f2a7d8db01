"""A minimal SMTP server (RFC 5321's commands a client sends) keeping what it receives: the
relay the real Notifications plugin sends Marketing's campaigns to in the end-to-end test."""

from __future__ import annotations

import socketserver
import threading
from email import message_from_bytes
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from email.message import Message

__all__ = ("SmtpSink",)


def _address(command: str) -> str:
    """The path of ``MAIL FROM:<a> BODY=8BITMIME`` or ``RCPT TO:<b>``."""
    path = command.split(":", 1)[1]
    return path[path.index("<") + 1 : path.index(">")]


class SmtpSink:
    """Listens on a free loopback port; ``messages`` holds each accepted message."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], Message]] = []
        self.arrived = threading.Condition()
        sink = self

        class Session(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write(line.encode() + b"\r\n")

            def handle(self) -> None:
                self.reply("220 sink.test ESMTP")
                sender, recipients = "", []
                while raw := self.rfile.readline():
                    command = raw.decode().strip()
                    verb = command[:4].upper()
                    if verb in ("EHLO", "HELO"):
                        self.reply("250-sink.test")
                        self.reply("250 8BITMIME")
                    elif verb == "MAIL":
                        sender, recipients = _address(command), []
                        self.reply("250 OK")
                    elif verb == "RCPT":
                        recipients.append(_address(command))
                        self.reply("250 OK")
                    elif verb == "DATA":
                        self.reply("354 End data with <CR><LF>.<CR><LF>")
                        lines = []
                        while (line := self.rfile.readline()) not in (b".\r\n", b""):
                            lines.append(line[1:] if line.startswith(b"..") else line)
                        with sink.arrived:
                            sink.messages.append(
                                (sender, recipients, message_from_bytes(b"".join(lines)))
                            )
                            sink.arrived.notify_all()
                        self.reply("250 OK queued")
                    elif verb == "QUIT":
                        self.reply("221 Bye")
                        return
                    else:
                        self.reply("250 OK")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Session)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int, timeout: float = 20.0) -> list[tuple[str, list[str], Message]]:
        """Block (bounded) until ``count`` messages arrived."""
        with self.arrived:
            if not self.arrived.wait_for(lambda: len(self.messages) >= count, timeout):
                raise TimeoutError(f"{len(self.messages)} messages arrived")
            return list(self.messages)

    def close(self) -> None:
        """Stop listening."""
        self.server.shutdown()
        self.server.server_close()
