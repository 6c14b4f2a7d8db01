"""A client of Odoo's documented external API (``xmlrpc.client``, stdlib).

``/xmlrpc/2/common`` ``authenticate(db, login, api_key, {})`` answers the user's id; every
read is ``/xmlrpc/2/object`` ``execute_kw(db, uid, api_key, model, "search_read", [domain],
{"fields": …, "order": "id", "limit": …, "offset": …})``, paged. Calls are blocking: the
connector runs them in a worker thread, each retried with backoff (``_retry``).
"""

from __future__ import annotations

import xmlrpc.client
from typing import Annotated, Any

import msgspec

from nexus_integrations._retry import retrying

__all__ = ("OdooClient", "OdooConfig", "OdooError")

_PAGE = 200


class OdooConfig(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """How to reach an Odoo database.

    Attributes:
        url: The Odoo server's base URL (``https://acme.odoo.com``).
        db: The database name.
        login: The user's login (an email).
        api_key: The user's API key (Preferences → Account security); kept encrypted.
    """

    url: Annotated[str, msgspec.Meta(pattern=r"^https?://[^\s]+$", max_length=500)]
    db: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    login: Annotated[str, msgspec.Meta(min_length=1, max_length=320)]
    api_key: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class OdooError(Exception):
    """Odoo refused the credentials or a call (its fault string)."""


class OdooClient:
    """One authenticated session of the external API."""

    def __init__(self, config: OdooConfig) -> None:
        base = config.url.rstrip("/")
        self._config = config
        self._common = xmlrpc.client.ServerProxy(f"{base}/xmlrpc/2/common", allow_none=True)
        self._object = xmlrpc.client.ServerProxy(f"{base}/xmlrpc/2/object", allow_none=True)
        self._uid: int | None = None
        self.calls = 0

    def _call(self, proxy: xmlrpc.client.ServerProxy, method: str, *args: Any) -> Any:
        self.calls += 1
        try:
            return retrying(lambda: getattr(proxy, method)(*args))
        except xmlrpc.client.Fault as fault:
            raise OdooError(str(fault.faultString).strip().splitlines()[-1]) from fault

    def uid(self) -> int:
        """The user's id (authenticating once); OdooError when Odoo refuses the key."""
        if self._uid is None:
            c = self._config
            uid = self._call(self._common, "authenticate", c.db, c.login, c.api_key, {})
            if not uid:
                raise OdooError("Odoo refused the login and API key")
            self._uid = int(uid)
        return self._uid

    def search_read(self, model: str, domain: list[Any], fields: list[str]) -> list[dict[str, Any]]:
        """Every record of ``model`` matching ``domain``, by id, paged."""
        c = self._config
        uid = self.uid()
        records: list[dict[str, Any]] = []
        while True:
            options = {"fields": fields, "order": "id", "limit": _PAGE, "offset": len(records)}
            page = self._call(
                self._object,
                "execute_kw",
                c.db,
                uid,
                c.api_key,
                model,
                "search_read",
                [domain],
                options,
            )
            records.extend(page)
            if len(page) < _PAGE:
                return records
