"""A client of Zoho CRM's REST API (v7, or v2) over httpx, with OAuth 2.0 per data center.

Zoho keeps each account in one data center; its accounts server (``accounts.zoho.com``,
``.eu``, ``.in``, ``.com.au``, ``.jp``, ``zohocloud.ca``, ``.sa``, ``.com.cn``) hands out
the tokens, and the token answer names the ``api_domain`` to call. Records are read with
``GET /crm/{version}/{module}?fields=…&per_page=200&page=…`` (``page_token`` past 2,000)
and ``If-Modified-Since`` (304 when nothing changed), deleted ones with ``GET
/crm/{version}/{module}/deleted?type=all``, authorized ``Zoho-oauthtoken``.
Records are written with ``POST`` (insert) and ``PUT`` (update)
``/crm/{version}/{module}``, 100 a call. Rate limits are honoured: a 429 is retried after
``Retry-After`` or ``X-RATELIMIT-RESET``, and when ``X-RATELIMIT-REMAINING`` reaches 0 the
next call waits for the reset (capped at 30 s).
"""

from __future__ import annotations

import functools
import time
from typing import Annotated, Any, Literal

import httpx
import msgspec

from nexus_integrations._oauth import OAuthApp, refresh
from nexus_integrations._retry import RateLimited, retrying

__all__ = ("ACCOUNTS", "ZohoClient", "ZohoConfig")

ACCOUNTS = {
    "com": "https://accounts.zoho.com",
    "eu": "https://accounts.zoho.eu",
    "in": "https://accounts.zoho.in",
    "com.au": "https://accounts.zoho.com.au",
    "jp": "https://accounts.zoho.jp",
    "ca": "https://accounts.zohocloud.ca",
    "sa": "https://accounts.zoho.sa",
    "com.cn": "https://accounts.zoho.com.cn",
}
"""The accounts server of each Zoho data center."""

SCOPES = ("ZohoCRM.modules.ALL",)
_PAGE = 200
_WRITE_BATCH = 100
_MAX_WAIT = 30.0

Url = Annotated[str, msgspec.Meta(pattern=r"^https?://[^\s]+$", max_length=500)]


class ZohoConfig(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A Zoho CRM connection.

    Attributes:
        client_id: The OAuth client's id (Zoho API console, server-based application).
        client_secret: Its secret; kept encrypted.
        redirect_uri: The client's authorized redirect URI.
        data_center: Where the Zoho account lives (``com``, ``eu``, ``in``, ``com.au``,
            ``jp``, ``ca``, ``sa``, ``com.cn``): its accounts server issues the tokens.
        api_version: ``v7`` (current) or ``v2``.
        conflict_policy: A contact changed on both sides: ``nexus_wins`` or ``remote_wins``.
        accounts_url: Overrides the data center's accounts server (tests, proxies).
        refresh_token: Set by ``/oauth/complete`` (or given); kept encrypted.
    """

    client_id: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    client_secret: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    redirect_uri: Url
    data_center: Literal["com", "eu", "in", "com.au", "jp", "ca", "sa", "com.cn"] = "com"
    api_version: Literal["v7", "v2"] = "v7"
    conflict_policy: Literal["nexus_wins", "remote_wins"] = "nexus_wins"
    accounts_url: Url | None = None
    refresh_token: str | None = None

    def oauth_app(self) -> OAuthApp:
        """The OAuth application at the data center's accounts server."""
        accounts = (self.accounts_url or ACCOUNTS[self.data_center]).rstrip("/")
        return OAuthApp(
            client_id=self.client_id,
            client_secret=self.client_secret,
            authorize_url=f"{accounts}/oauth/v2/auth",
            token_url=f"{accounts}/oauth/v2/token",
            scopes=SCOPES,
            redirect_uri=self.redirect_uri,
            extra=(("access_type", "offline"), ("prompt", "consent")),
        )


def _reset_wait(headers: httpx.Headers) -> float:
    """Seconds until ``X-RATELIMIT-RESET`` (epoch milliseconds, or seconds from now)."""
    raw = headers.get("X-RATELIMIT-RESET") or ""
    if not raw.isdigit():
        return 1.0
    value = int(raw)
    wait = value / 1000 - time.time() if value > 10**12 else float(value)
    return max(0.0, min(wait, _MAX_WAIT))


class ZohoClient:
    """An authorized session of Zoho CRM's API."""

    def __init__(self, config: ZohoConfig) -> None:
        if not config.refresh_token:
            raise PermissionError("the Zoho connection is not authorized yet (/oauth/start)")
        token = refresh(config.oauth_app(), config.refresh_token)
        self._base = f"{str(token['api_domain']).rstrip('/')}/crm/{config.api_version}"
        self._http = httpx.Client(
            headers={"Authorization": f"Zoho-oauthtoken {token['access_token']}"}, timeout=30
        )
        self._wait_until = 0.0
        self.calls = 0

    def close(self) -> None:
        """Close the HTTP session."""
        self._http.close()

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        since: str | None = None,
        body: Any = None,
    ) -> httpx.Response:
        pause = self._wait_until - time.time()
        if pause > 0:
            time.sleep(pause)
        self.calls += 1
        headers = {"If-Modified-Since": since} if since else {}
        response = self._http.request(
            method, f"{self._base}/{path}", params=params, headers=headers, json=body
        )
        if response.headers.get("X-RATELIMIT-REMAINING") == "0":
            self._wait_until = time.time() + _reset_wait(response.headers)
        if response.status_code == 429:
            after = response.headers.get("Retry-After")
            raise RateLimited(429, after or str(round(_reset_wait(response.headers))))
        if response.status_code != 304:
            response.raise_for_status()
        return response

    def _get(self, path: str, params: dict[str, Any], since: str | None) -> httpx.Response:
        return self._call("GET", path, params=params, since=since)

    def save(self, module: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Insert (no ``id``: ``POST``) or update (``PUT``) records, 100 a call.

        Answers Zoho's answer for each record, in order: ``status`` ``success`` with
        ``details.id`` and ``details.Modified_Time``, or ``error`` with its ``code``.
        """
        answers: list[dict[str, Any]] = []
        for start in range(0, len(records), _WRITE_BATCH):
            batch = records[start : start + _WRITE_BATCH]
            method = "PUT" if "id" in batch[0] else "POST"
            body = {"data": batch, "trigger": []}  # no workflow rules fired by a sync
            call = functools.partial(self._call, method, module, body=body)
            answers.extend(retrying(call).json().get("data") or [])
        return answers

    def records(self, module: str, fields: list[str], since: str | None) -> list[dict[str, Any]]:
        """The module's records modified since ``since`` (all when None), paged."""
        params = {"fields": ",".join(fields), "per_page": _PAGE, "page": 1}
        return self._pages(module, params, since)

    def deleted(self, module: str, since: str | None) -> list[dict[str, Any]]:
        """The module's records deleted since ``since`` (``GET {module}/deleted?type=all``).

        Each has ``id``, ``display_name``, ``type`` (``recycle`` or ``permanent``) and
        ``deleted_time``.
        """
        return self._pages(
            f"{module}/deleted", {"type": "all", "per_page": _PAGE, "page": 1}, since
        )

    def _pages(self, path: str, params: dict[str, Any], since: str | None) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        while True:
            response = retrying(functools.partial(self._get, path, dict(params), since))
            if response.status_code in (204, 304):
                return found
            answer = response.json()
            found.extend(answer.get("data") or [])
            info = answer.get("info") or {}
            if not info.get("more_records"):
                return found
            if info.get("next_page_token"):
                params = {k: v for k, v in params.items() if k != "page"}
                params["page_token"] = info["next_page_token"]
            else:
                params["page"] = int(params.get("page", 1)) + 1
