"""Disaster-recovery settings, read from ``NEXUS_DR_*`` environment variables."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import msgspec

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ("DrError", "DrSettings")

_PREFIX = "NEXUS_DR_"
_PATHS = frozenset({"config", "pgdata", "pg_bin", "repo_path", "state_dir"})


class DrError(RuntimeError):
    """A disaster-recovery step cannot go on; the message says why, on one line."""


class DrSettings(msgspec.Struct, frozen=True, kw_only=True):
    """Where the backups go and which PostgreSQL they are of.

    Each field is read from ``NEXUS_DR_<FIELD NAME IN UPPER CASE>``. The repository is
    either S3 (``s3_bucket`` and ``s3_endpoint``) or a local directory (``repo_path``).

    Attributes:
        stanza: The pgBackRest stanza (one per PostgreSQL cluster).
        config: The pgBackRest configuration file ``nexus dr configure`` writes and every
            command (``archive_command`` included) reads.
        pgdata: The cluster's data directory (``pg1-path``), on this host.
        pg_port: The cluster's port.
        pg_socket_dir: The directory of its Unix socket; TCP on localhost when unset.
        pg_user: The database superuser pgBackRest and the checks connect as.
        os_user: The system user PostgreSQL and pgBackRest run as when Nexus runs as root
            (``postgres``); ignored otherwise.
        pg_bin: PostgreSQL's programs (``pg_ctl``), for ``verify`` and ``restore``; by
            default the directory ``pg_config --bindir`` names, else the newest
            ``/usr/lib/postgresql/<version>/bin``.
        repo_path: A repository on a local or mounted file system.
        repo_prefix: The repository's path inside the bucket.
        s3_bucket: The bucket holding the repository.
        s3_endpoint: The S3 endpoint, ``https://host[:port]`` (pgBackRest speaks HTTPS only).
        s3_region: The bucket's region.
        s3_access_key_id: The access key; ``s3_secret_access_key`` goes with it.
        s3_secret_access_key: The secret key.
        s3_uri_style: ``path`` (MinIO, most non-AWS servers) or ``host`` (AWS).
        s3_verify_tls: Check the endpoint's certificate (off only for a test server).
        archive_timeout_s: ``archive_timeout``: the longest a committed write waits before
            its WAL segment is archived, the bound on the RPO when the host is lost.
        retention_full: Full backups kept (older ones and their WAL are expired).
        process_max: Parallel processes for backup and restore.
        state_dir: pgBackRest's lock, log and spool directories go under it; its defaults
            (``/tmp/pgbackrest``, ``/var/log/pgbackrest``, ``/var/spool/pgbackrest``) if unset.
    """

    stanza: str = "nexus"
    config: Path = Path("/etc/pgbackrest/pgbackrest.conf")
    pgdata: Path | None = None
    pg_port: int = 5432
    pg_socket_dir: str | None = None
    pg_user: str = "postgres"
    os_user: str | None = None
    pg_bin: Path | None = None
    repo_path: Path | None = None
    repo_prefix: str = "/nexus"
    s3_bucket: str | None = None
    s3_endpoint: str | None = None
    s3_region: str = "us-east-1"
    s3_access_key_id: str | None = None
    s3_secret_access_key: str | None = None
    s3_uri_style: Literal["path", "host"] = "path"
    s3_verify_tls: bool = True
    archive_timeout_s: int = 60
    retention_full: int = 2
    process_max: int = 2
    state_dir: Path | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> DrSettings:
        """Build settings from ``NEXUS_DR_*`` variables (``os.environ`` by default).

        Raises:
            DrError: naming the variable whose value does not fit.
        """
        environ = os.environ if environ is None else environ
        fields = set(cls.__struct_fields__)
        raw: dict[str, object] = {}
        for key, value in environ.items():
            name = key[len(_PREFIX) :].lower()
            if not key.startswith(_PREFIX) or name not in fields or value == "":
                continue
            raw[name] = Path(value) if name in _PATHS else value
        try:
            return msgspec.convert(raw, cls, strict=False)
        except msgspec.ValidationError as exc:
            message = str(exc)
            for name in fields:
                message = message.replace(f"`$.{name}`", _PREFIX + name.upper())
            raise DrError(f"invalid setting: {message}") from None

    def replace(self, **changes: object) -> DrSettings:
        """Return a copy with ``changes`` applied."""
        return msgspec.structs.replace(self, **changes)
