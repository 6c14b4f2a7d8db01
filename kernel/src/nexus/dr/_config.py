"""The pgBackRest configuration for a stanza, and the postgresql.conf lines that archive to it."""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from nexus.dr._settings import DrError
from nexus.dr._system import give_to_os_user

if TYPE_CHECKING:
    from pathlib import Path

    from nexus.dr._settings import DrSettings

__all__ = ("Configured", "postgresql_lines", "render_config", "write_config")


@dataclass(frozen=True)
class Configured:
    """What ``nexus dr configure`` wrote and what PostgreSQL needs.

    Attributes:
        config: The pgBackRest configuration file written.
        stanza: The stanza it defines.
        repo: The repository, in words (``s3://bucket/prefix at endpoint`` or a path).
        postgresql_conf: The lines for ``postgresql.conf`` (archiving to the repository).
    """

    config: Path
    stanza: str
    repo: str
    postgresql_conf: tuple[str, ...]


def _repo_options(settings: DrSettings) -> tuple[list[str], str]:
    if settings.repo_path is not None and settings.s3_bucket is not None:
        raise DrError("set NEXUS_DR_REPO_PATH or NEXUS_DR_S3_BUCKET, not both")
    if settings.repo_path is not None:
        path = settings.repo_path.expanduser().resolve()
        return ["repo1-type=posix", f"repo1-path={path}"], str(path)
    if settings.s3_bucket is None:
        raise DrError(
            "no backup repository: set NEXUS_DR_S3_BUCKET and NEXUS_DR_S3_ENDPOINT "
            "(with NEXUS_DR_S3_ACCESS_KEY_ID and NEXUS_DR_S3_SECRET_ACCESS_KEY), "
            "or NEXUS_DR_REPO_PATH"
        )
    if not settings.s3_endpoint:
        raise DrError("NEXUS_DR_S3_ENDPOINT is required with NEXUS_DR_S3_BUCKET")
    endpoint = urlsplit(settings.s3_endpoint)
    if endpoint.scheme != "https" or not endpoint.hostname:
        raise DrError(
            f"NEXUS_DR_S3_ENDPOINT must be https://host[:port] (pgBackRest speaks only "
            f"HTTPS to S3), not {settings.s3_endpoint!r}"
        )
    if not (settings.s3_access_key_id and settings.s3_secret_access_key):
        raise DrError("NEXUS_DR_S3_ACCESS_KEY_ID and NEXUS_DR_S3_SECRET_ACCESS_KEY are required")
    lines = [
        "repo1-type=s3",
        f"repo1-path={settings.repo_prefix}",
        f"repo1-s3-bucket={settings.s3_bucket}",
        f"repo1-s3-endpoint={endpoint.hostname}",
        f"repo1-s3-region={settings.s3_region}",
        f"repo1-s3-key={settings.s3_access_key_id}",
        f"repo1-s3-key-secret={settings.s3_secret_access_key}",
        f"repo1-s3-uri-style={settings.s3_uri_style}",
        f"repo1-storage-verify-tls={'y' if settings.s3_verify_tls else 'n'}",
    ]
    if endpoint.port:
        lines.append(f"repo1-storage-port={endpoint.port}")
    where = f"s3://{settings.s3_bucket}{settings.repo_prefix} at {settings.s3_endpoint}"
    return lines, where


def render_config(settings: DrSettings) -> tuple[str, str]:
    """The configuration file's text for ``settings``, and the repository in words.

    Raises:
        DrError: The settings name no repository, or an unusable one, or no PGDATA.
    """
    if settings.pgdata is None:
        raise DrError("NEXUS_DR_PGDATA is required: the data directory of the cluster to back up")
    repo, where = _repo_options(settings)
    glob = [
        *repo,
        f"repo1-retention-full={settings.retention_full}",
        # Small files travel in bundles: one request for many relations, not one each.
        "repo1-bundle=y",
        f"process-max={settings.process_max}",
        # How long a backup waits for the WAL it needs to be archived (a backlog after a
        # bulk load takes longer than pgBackRest's default minute).
        "archive-timeout=600",
        "compress-type=lz4",
        "start-fast=y",
        # archive-push runs under PostgreSQL: its console output lands in the server log.
        "log-level-console=warn",
        "log-level-file=off",
    ]
    if settings.state_dir is not None:
        state = settings.state_dir.expanduser().resolve()
        glob += [f"lock-path={state}/lock", f"log-path={state}/log", f"spool-path={state}/spool"]
    stanza = [f"pg1-path={settings.pgdata.expanduser().resolve()}", f"pg1-port={settings.pg_port}"]
    stanza.append(f"pg1-user={settings.pg_user}")
    if settings.pg_socket_dir:
        stanza.append(f"pg1-socket-path={settings.pg_socket_dir}")
    text = (
        "# Written by `nexus dr configure` from NEXUS_DR_* settings; it holds the repository's\n"
        "# keys: readable by the PostgreSQL user only.\n"
        "[global]\n" + "\n".join(glob) + f"\n\n[{settings.stanza}]\n" + "\n".join(stanza) + "\n"
    )
    return text, where


def postgresql_lines(settings: DrSettings) -> tuple[str, ...]:
    """The ``postgresql.conf`` lines that archive every WAL segment into the repository."""
    config = shlex.quote(str(settings.config.expanduser().resolve()))
    command = f"pgbackrest --config={config} --stanza={settings.stanza} archive-push %p"
    quoted = command.replace("'", "''")
    return (
        "wal_level = replica",
        "archive_mode = on",
        f"archive_command = '{quoted}'",
        f"archive_timeout = {settings.archive_timeout_s}",
    )


def write_config(settings: DrSettings) -> Configured:
    """Write the pgBackRest configuration (mode 0600, owned by the PostgreSQL user).

    Raises:
        DrError: As :func:`render_config`.
    """
    text, where = render_config(settings)
    path = settings.config.expanduser().resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    if settings.state_dir is not None:
        for name in ("lock", "log", "spool"):
            directory = settings.state_dir.expanduser().resolve() / name
            directory.mkdir(parents=True, exist_ok=True)
            give_to_os_user(directory, settings)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(text)
    os.chmod(path, 0o600)  # an existing file keeps its mode through O_CREAT
    give_to_os_user(path, settings)
    return Configured(
        config=path, stanza=settings.stanza, repo=where, postgresql_conf=postgresql_lines(settings)
    )
