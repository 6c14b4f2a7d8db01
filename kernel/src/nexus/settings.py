"""Kernel settings, read from ``NEXUS_*`` environment variables."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import msgspec

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ("Settings", "SettingsError")

_PREFIX = "NEXUS_"
_LIST_FIELDS = frozenset({"plugins", "cors_origins"})


class SettingsError(ValueError):
    """A ``NEXUS_*`` variable holds a value the kernel cannot use."""


# ``host`` or ``host:port`` of a DNS server.
_Resolver = Annotated[str, msgspec.Meta(pattern=r"^[^\s:]+(:[0-9]{1,5})?$")]


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the kernel can be configured with.

    Each field is read from the environment variable ``NEXUS_<FIELD NAME IN UPPER CASE>``;
    lists are comma-separated. Nothing is required: with nothing set, Nexus runs on the
    embedded default (embedded PostgreSQL under ``data_dir``).

    Attributes:
        database_url: PostgreSQL URL used for migrations and, through ``db_api_role``, by the
            API. When unset, the embedded PostgreSQL under ``data_dir`` is started.
        data_dir: Where the embedded default keeps its data (database, files).
        plugins: Allowlist of plugin names to load; ``None`` loads every installed plugin.
        plugin_allowlist: Path of a file pinning the distributions (and versions) allowed
            to provide plugins, one requirement a line (``acme-loyalty==1.2.0``).
        trace_hooks: Log every hook call with its arguments and duration.
        db_owner_role: The role that owns every table (migrations run as it).
        db_api_role: The role the API runs queries as: owns no table, no BYPASSRLS.
        db_pool_min: Smallest number of pooled connections per worker.
        db_pool_max: Largest number of pooled connections per worker.
        statement_timeout_ms: Longest a single SQL statement may run for the API.
        log_level: ``debug``, ``info``, ``warning`` or ``error``.
        log_format: ``json`` (one object per line) or ``console`` (for people).
        access_log: Log one line per HTTP request.
        host: Address ``nexus serve`` binds to.
        port: Port ``nexus serve`` listens on.
        workers: Worker processes for ``nexus serve``.
        cors_origins: Origins allowed by CORS; empty disables CORS.
        jwt_issuer: The ``iss`` of issued tokens, required on presented ones.
        jwt_audience: The ``aud`` of issued tokens, required on presented ones.
        jwt_ttl_s: Lifetime of issued tokens in seconds.
        jwt_private_key: PEM RSA key to sign tokens with; by default ``nexus migrate``
            creates one and keeps it in the database.
        auth_cache_ttl_s: How long a verified credential is remembered by a process;
            revocations and suspensions reach other processes within this time, for API
            keys and for every token exchanged from them or from a password alike (a
            revoked key, a disabled user, changed roles, a suspended tenant).
        signin_failures_per_account: Failed password sign-ins of one account (tenant and
            email) before it is locked out (``limits`` notation, e.g. ``10/15minutes``).
        signin_failures_per_address: Failed password sign-ins from one client address,
            whatever the account, before the address is locked out.
        signin_lockout_s: How long a locked-out account or address gets 429 (with
            ``Retry-After``) on every sign-in, with the right password too.
        invitation_ttl_h: How long an invitation link (a user created without a password)
            stays valid, in hours.
        password_reset_ttl_m: How long a password-reset link stays valid, in minutes.
        password_resets_per_account: Password resets one account (tenant and email) may
            ask for (``limits`` notation); beyond, the request gets 429.
        password_resets_per_address: Password resets one client address may ask for.
        invalid_credentials_per_address: Invalid API keys or tokens one client address may
            present (``300/minute``); beyond, its unknown credentials get 429 until the
            window ends (credentials already verified keep working).
        max_body_bytes: Largest request body accepted (413 beyond).
        max_header_bytes: Longest request header (name and value) accepted; all headers
            together may take four times this (431 beyond, before anything reads them).
        rate_limit_tenant: Requests per tenant (``limits`` notation, e.g. ``6000/minute``).
        rate_limit_key: Requests per API key or user.
        plans_path: Plan files or directories of them (comma-separated) read instead of
            the installed plan packs (entry point group ``nexus.plans``): an operator's
            own price list (docs/plans.md).
        usage_flush_s: Seconds between writes of the usage meter's counters (API calls,
            AI tokens) to the database; a process loses at most this much of them if it
            is killed (docs/plans.md).
        redis_url: Redis for rate-limit counters, the cache and fan-out; in-process (fanned
            out by PostgreSQL NOTIFY) when unset.
        idempotency_ttl_s: How long an ``Idempotency-Key`` and its response are kept.
        kafka_bootstrap: Kafka (or Redpanda) bootstrap servers, ``host:port[,host:port]``;
            events go through the PostgreSQL-backed log when unset.
        kafka_idempotent: Use Kafka's idempotent producer in the relay (turn off only for a
            broker that refuses it; the consumers' inbox deduplicates either way).
        event_batch: Most events the relay publishes, or a consumer takes, at once.
        event_worker: Run the event relay and consumers inside the API process, as
            ``nexus up`` does; leave off where ``nexus worker`` runs them. ``nexus serve``
            sets it for its processes (on in one at most, see ``--with-worker``).
        idempotency_lease_s: How long the first request with an ``Idempotency-Key`` may
            run before its key counts as abandoned (say, by a crashed worker) and a retry
            may run the request again.
        cache_ttl_s: How long a cached entry lives when the caller names no TTL; also the
            bound on how stale an entry can get if an invalidation is lost.
        cache_max_entries: Most entries the in-process cache keeps per worker (least
            recently used go first); Redis keeps its own limits.
        s3_endpoint_url: S3 (or MinIO) endpoint; files go to ``data_dir/blobs`` unless this
            or ``s3_bucket`` is set.
        s3_bucket: The bucket holding every tenant's files, each under its tenant id.
        s3_region: The bucket's region.
        s3_access_key_id: S3 access key; the default AWS credential chain when unset.
        s3_secret_access_key: S3 secret key, with ``s3_access_key_id``.
        blob_max_bytes: Largest object the file store accepts.
        public_url: The address clients reach the kernel at (``https://nexus.example``);
            makes the signed file URLs of the local file store absolute.
        sso_resolver: The DNS resolver (``host`` or ``host:port``) that checks the TXT
            records verifying a tenant's email domains for single sign-on; the system's
            when unset.
    """

    database_url: str | None = None
    data_dir: Path = Path(".nexus")
    plugins: tuple[str, ...] | None = None
    plugin_allowlist: str | None = None
    trace_hooks: bool = False
    db_owner_role: str = "nexus_owner"
    db_api_role: str = "nexus_api"
    db_pool_min: int = 1
    db_pool_max: int = 10
    statement_timeout_ms: int = 30_000
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["json", "console"] = "json"
    access_log: bool = False
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    cors_origins: tuple[str, ...] = ()
    jwt_issuer: str = "nexus"
    jwt_audience: str = "nexus-api"
    jwt_ttl_s: int = 900
    jwt_private_key: str | None = None
    auth_cache_ttl_s: float = 5.0
    signin_failures_per_account: str = "10/15minutes"
    signin_failures_per_address: str = "100/15minutes"
    signin_lockout_s: int = 900
    invalid_credentials_per_address: str = "300/minute"
    invitation_ttl_h: int = 72
    password_reset_ttl_m: int = 60
    password_resets_per_account: str = "5/hour"
    password_resets_per_address: str = "50/hour"
    max_body_bytes: int = 10 * 1024 * 1024
    max_header_bytes: int = 8 * 1024
    rate_limit_tenant: str = "6000/minute"
    rate_limit_key: str = "1200/minute"
    plans_path: str | None = None
    usage_flush_s: float = 10.0
    redis_url: str | None = None
    idempotency_ttl_s: int = 24 * 3600
    idempotency_lease_s: int = 300
    kafka_bootstrap: str | None = None
    kafka_idempotent: bool = True
    event_batch: int = 500
    event_worker: bool = False
    cache_ttl_s: float = 3600.0
    cache_max_entries: int = 10_000
    s3_endpoint_url: str | None = None
    s3_bucket: str | None = None
    s3_region: str = "us-east-1"
    s3_access_key_id: str | None = None
    s3_secret_access_key: str | None = None
    blob_max_bytes: int = 100 * 1024 * 1024
    public_url: str | None = None
    sso_resolver: _Resolver | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``NEXUS_*`` variables (``os.environ`` by default).

        Raises:
            SettingsError: naming the variable whose value does not fit.
        """
        environ = os.environ if environ is None else environ
        fields = set(cls.__struct_fields__)
        raw: dict[str, object] = {}
        for key, value in environ.items():
            if not key.startswith(_PREFIX):
                continue
            name = key[len(_PREFIX) :].lower()
            if name not in fields:
                continue
            if name == "data_dir":
                raw[name] = Path(value)
            elif name in _LIST_FIELDS:
                raw[name] = tuple(item.strip() for item in value.split(",") if item.strip())
            elif value != "" or name == "database_url":
                raw[name] = value or None
        try:
            return msgspec.convert(raw, cls, strict=False)
        except msgspec.ValidationError as exc:
            # msgspec says "at `$.port`"; name the variable instead.
            message = str(exc)
            for name in fields:
                message = message.replace(f"`$.{name}`", _PREFIX + name.upper())
            raise SettingsError(f"invalid setting: {message}") from None

    def replace(self, **changes: object) -> Settings:
        """Return a copy with ``changes`` applied."""
        return msgspec.structs.replace(self, **changes)
