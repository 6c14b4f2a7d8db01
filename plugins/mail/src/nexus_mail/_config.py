"""Process configuration of Mail, from the environment (the operator's, not a tenant's).

- ``NEXUS_MAIL_SMTP_HOST`` / ``NEXUS_MAIL_SMTP_PORT``: where the inbound SMTP server listens;
  it starts only when the port is set (``0``: an ephemeral port, see
  :func:`nexus_mail.inbound_address`).
- ``NEXUS_MAIL_SMTP_HOSTNAME``: the name it greets with (default ``NEXUS_MAIL_SMTP_HOST``).
- ``NEXUS_MAIL_RESOLVER``: the DNS resolver (``host`` or ``host:port``) for domain checks and
  SPF/DKIM/DMARC lookups; the system's when unset.
- ``NEXUS_MAIL_DNS_TIMEOUT``: seconds a lookup may take (default 5).
- ``NEXUS_MAIL_SECRET_KEYS``: Fernet keys sealing DKIM private keys (see ``_sealed``).
"""

from __future__ import annotations

import os

import msgspec

__all__ = ("MailConfig", "mail_config")


class MailConfig(msgspec.Struct, frozen=True, kw_only=True):
    """The process-wide settings read from the environment."""

    smtp_host: str
    smtp_port: int | None
    smtp_hostname: str
    resolver_host: str | None
    resolver_port: int
    dns_timeout: float


def mail_config() -> MailConfig:
    """Read the configuration now (tests change the environment between apps)."""
    host = os.environ.get("NEXUS_MAIL_SMTP_HOST", "127.0.0.1")
    port = os.environ.get("NEXUS_MAIL_SMTP_PORT", "").strip()
    resolver = os.environ.get("NEXUS_MAIL_RESOLVER", "").strip()
    resolver_host, _, resolver_port = (
        resolver.rpartition(":")
        if ":" in resolver
        else (
            resolver,
            "",
            "53",
        )
    )
    return MailConfig(
        smtp_host=host,
        smtp_port=int(port) if port else None,
        smtp_hostname=os.environ.get("NEXUS_MAIL_SMTP_HOSTNAME", host),
        resolver_host=resolver_host or None,
        resolver_port=int(resolver_port or 53),
        dns_timeout=float(os.environ.get("NEXUS_MAIL_DNS_TIMEOUT", "5")),
    )
