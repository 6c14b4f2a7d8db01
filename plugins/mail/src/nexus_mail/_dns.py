"""DNS lookups through the configured resolver (dnspython), for checks, SPF and DKIM.

Every lookup is synchronous (pyspf and dkimpy call them so); async callers run them in a
thread. ``NXDOMAIN`` and an empty answer are both "no records".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_mail._config import mail_config

if TYPE_CHECKING:
    import dns.resolver

__all__ = ("DnsError", "dkim_txt", "mx", "resolver", "spf_lookup", "txt")


class DnsError(RuntimeError):
    """The resolver could not answer (timeout, no server): a temporary failure."""


def resolver() -> dns.resolver.Resolver:
    """A resolver for the configured address, or the system's."""
    import dns.resolver  # noqa: PLC0415 - dnspython takes 0.35 s: imported on the first lookup

    config = mail_config()
    if config.resolver_host is None:
        found = dns.resolver.Resolver()
    else:
        found = dns.resolver.Resolver(configure=False)
        found.nameservers = [config.resolver_host]
        found.port = config.resolver_port
    found.lifetime = config.dns_timeout
    return found


def _answer(name: str, rdtype: str) -> list[Any]:
    import dns.exception  # noqa: PLC0415 - as in resolver()
    import dns.resolver  # noqa: PLC0415

    try:
        return list(resolver().resolve(name, rdtype, search=False))
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return []
    except (dns.exception.Timeout, dns.resolver.NoNameservers) as exc:
        raise DnsError(f"DNS {rdtype} {name}: {exc}") from exc


def txt(name: str) -> list[str]:
    """The TXT records of ``name``, each one's strings joined."""
    return [b"".join(r.strings).decode("utf-8", "replace") for r in _answer(name, "TXT")]


def mx(name: str) -> list[tuple[int, str]]:
    """The MX records of ``name``: (preference, host without the final dot)."""
    return sorted(
        (r.preference, r.exchange.to_text(omit_final_dot=True)) for r in _answer(name, "MX")
    )


def dkim_txt(name: bytes, timeout: int = 5) -> bytes | None:
    """Dkimpy's ``dnsfunc``: the TXT record at ``name`` (``<selector>._domainkey.<domain>``)."""
    del timeout  # the configured lifetime applies
    found = txt(name.decode("ascii", "replace").rstrip("."))
    return found[0].encode() if found else None


def spf_lookup(name: str, qtype: str, tcpfallback: bool = True, timeout: int = 30) -> list[Any]:
    """Pyspf's ``DNSLookup``: its answer shape, through the configured resolver."""
    del tcpfallback, timeout
    import spf  # noqa: PLC0415 - spf imports dns at import; keep it with its user

    try:
        answers = _answer(name, qtype)
    except DnsError as exc:
        raise spf.TempError(str(exc)) from exc
    found: list[Any] = []
    for rdata in answers:
        if qtype in ("A", "AAAA"):
            found.append(((name, qtype), rdata.address))
        elif qtype == "MX":
            found.append(((name, qtype), (rdata.preference, rdata.exchange)))
        elif qtype == "PTR":
            found.append(((name, qtype), rdata.target.to_text(True)))
        elif qtype in ("TXT", "SPF"):
            found.append(((name, qtype), rdata.strings))
    return found
