"""Sender checks of inbound mail: SPF (pyspf), DKIM (dkimpy) and DMARC alignment.

Lookups go through the configured resolver (:mod:`nexus_mail._dns`). DMARC alignment is
relaxed: a domain aligns with the From domain when one is the other or a subdomain of it
(the organisational domain taken as the From domain's last two labels).
"""

from __future__ import annotations

from nexus_mail import _dkim, _dns
from nexus_mail._events import AuthResults

__all__ = ("authenticate", "dmarc_policy")


def _organisational(domain: str) -> str:
    return ".".join(domain.lower().split(".")[-2:])


def _aligned(domain: str | None, from_domain: str) -> bool:
    return domain is not None and _organisational(domain) == _organisational(from_domain)


def dmarc_policy(domain: str) -> str | None:
    """The ``p=`` of the DMARC record of ``domain`` (or of its organisational domain)."""
    for name in dict.fromkeys((domain, _organisational(domain))):
        for record in _dns.txt(f"_dmarc.{name}"):
            if record.replace(" ", "").lower().startswith("v=dmarc1"):
                tags = dict(part.strip().split("=", 1) for part in record.split(";") if "=" in part)
                return tags.get("p", "none").strip().lower()
    return None


def authenticate(
    message: bytes, *, client_ip: str, mail_from: str, helo: str, from_domain: str
) -> tuple[AuthResults, str | None]:
    """Check SPF, DKIM and DMARC of one message; also answer the From domain's DMARC policy.

    Blocking (DNS): run it in a thread.
    """
    # pyspf imports dnspython (0.35 s) at import: imported with the first message checked,
    # and pointed at the configured resolver through its module-level DNSLookup.
    import spf  # noqa: PLC0415

    spf.DNSLookup = _dns.spf_lookup
    sender = mail_from or f"postmaster@{helo}"
    try:
        spf_result, _explanation = spf.check2(i=client_ip, s=sender, h=helo, querytime=10)
    except Exception:  # noqa: BLE001 - pyspf raises its own errors for broken records
        spf_result = "temperror"
    try:
        dkim_ok, dkim_domain = _dkim.verify(message, _dns.dkim_txt)
    except _dns.DnsError:
        dkim_ok, dkim_domain = False, None
    dkim_result = "pass" if dkim_ok else ("fail" if dkim_domain else "none")
    try:
        policy = dmarc_policy(from_domain) if from_domain else None
    except _dns.DnsError:
        policy = None
    spf_domain = sender.rpartition("@")[2]
    if policy is None:
        dmarc = "none"
    elif (spf_result == "pass" and _aligned(spf_domain, from_domain)) or (
        dkim_ok and _aligned(dkim_domain, from_domain)
    ):
        dmarc = "pass"
    else:
        dmarc = "fail"
    return AuthResults(spf=spf_result, dkim=dkim_result, dmarc=dmarc), policy
