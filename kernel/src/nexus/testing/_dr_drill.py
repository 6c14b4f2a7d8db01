"""A disaster-recovery drill: lose a PostgreSQL cluster while it takes writes, restore it.

A dedicated cluster (``initdb`` in a scratch directory, its own port) archives its WAL with
pgBackRest into a bucket on an S3 server (moto behind TLS); the drill migrates it, makes a
tenant and a dataset, takes a full backup (and verifies it with ``nexus dr verify``), then
writes one row every 50 ms, kills the cluster (SIGKILL) and deletes its PGDATA mid-write,
restores it with ``nexus dr restore --latest``, starts the app on it and measures the RPO
(lost writes) and the RTO (destruction to the first 200 from a tenant route).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncpg

from nexus.dr import DrError, DrSettings, find_pg_bin, give_to_os_user, os_user
from nexus.testing._client import create_test_client
from nexus.testing._s3 import MotoServer, _free_port
from nexus.testing._tenants import make_tenant

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from datetime import datetime

__all__ = ("DrDrillResult", "dr_drill_missing", "run_dr_drill")

_INSERT = "insert into dr_drill_write values ($1, clock_timestamp()) returning written_at"
_WRITES = "create table dr_drill_write (seq bigint primary key, written_at timestamptz not null)"


@dataclass(frozen=True)
class DrDrillResult:
    """What one drill measured.

    Attributes:
        postgres: PostgreSQL's version; pgbackrest: pgBackRest's.
        dataset_rows: Rows the dataset statement wrote for the tenant (all back after).
        database_mb: The database's size before the backup.
        backup_s: The full backup's time (``nexus dr backup``).
        verify_s: ``nexus dr verify``'s time (restore, start, read back).
        archive_timeout_s: The cluster's ``archive_timeout``.
        writes_acknowledged: Writes committed before the loss.
        writes_lost: Of those, the ones missing after the restore.
        rpo_s: From the last write present after the restore to the last acknowledged.
        rto_s: From the destruction to the first 200 from the tenant route.
        restore_s: ``nexus dr restore --latest``'s time, process start to serving.
        pitr_target: The time a second restore (``--target``) stopped at.
        pitr_exact: That restore kept exactly the writes committed before its target.
    """

    postgres: str
    pgbackrest: str
    dataset_rows: int
    database_mb: float
    backup_s: float
    verify_s: float
    archive_timeout_s: int
    writes_acknowledged: int
    writes_lost: int
    rpo_s: float
    rto_s: float
    restore_s: float
    pitr_target: str
    pitr_exact: bool

    def as_dict(self) -> dict[str, Any]:
        """The figures as JSON-ready data."""
        return asdict(self)


def dr_drill_missing() -> str | None:
    """Why the drill cannot run on this machine (a tool missing), or ``None``."""
    if shutil.which("pgbackrest") is None:
        return "pgbackrest is not installed (apt-get install pgbackrest)"
    if not MotoServer.available():
        return "moto[server] is not installed"
    if not MotoServer.tls_available():
        return "socat (the TLS front of the S3 server) is not installed"
    try:
        bin_dir = find_pg_bin(DrSettings())
    except DrError as exc:
        return str(exc)
    if not (bin_dir / "initdb").is_file():
        return f"initdb is missing from {bin_dir}"
    if os.geteuid() == 0 and not _user_exists("postgres"):
        return "running as root with no 'postgres' system user to run PostgreSQL as"
    return None


def _user_exists(name: str) -> bool:
    import pwd  # noqa: PLC0415

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _env(settings: DrSettings) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("NEXUS_DR_")}
    for name in settings.__struct_fields__:
        value = getattr(settings, name)
        if value is not None:
            env[f"NEXUS_DR_{name.upper()}"] = (
                str(value).lower() if isinstance(value, bool) else str(value)
            )
    return env


def _nexus(args: Sequence[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "nexus", *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise DrError(f"nexus {' '.join(args)} failed: {done.stderr.strip()[-2000:]}")
    return done.stdout


class _Writer(threading.Thread):
    """One row every ``interval`` s until the server goes away or ``stop`` is set."""

    def __init__(self, url: str, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.url, self.interval = url, interval
        self.acked: list[tuple[int, float, datetime]] = []  # seq, ack time, written_at
        self.stop = threading.Event()
        self.started = threading.Event()

    def run(self) -> None:
        asyncio.run(self._write())

    async def _write(self) -> None:
        conn = await asyncpg.connect(self.url)
        self.started.set()
        seq = 0
        try:
            while not self.stop.is_set():
                seq += 1
                written = await conn.fetchval(_INSERT, seq)
                self.acked.append((seq, time.time(), written))
                self.stop.wait(self.interval)  # the write rate, not a wait for something
        except (
            OSError,
            asyncpg.PostgresError,
            asyncpg.InterfaceError,
            asyncpg.InternalClientError,
        ):
            pass  # the cluster is gone: the drill's point
        finally:
            with contextlib.suppress(Exception):
                conn.terminate()


def _kill_cluster(pgdata: Path) -> None:
    """SIGKILL the postmaster and every process it started, as a lost host would."""
    postmaster = int((pgdata / "postmaster.pid").read_text().splitlines()[0])
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == postmaster:
                children.append(int(stat.parent.name))
    for pid in [postmaster, *children]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


async def _sql(url: str, statement: str, *args: object) -> Any:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval(statement, *args)
    finally:
        await conn.close()


def _run_as_postgres(args: Sequence[str], settings: DrSettings) -> None:
    done = subprocess.run(
        list(args), capture_output=True, text=True, user=os_user(settings), cwd="/", check=False
    )
    if done.returncode != 0:
        raise DrError(f"{Path(args[0]).name} failed: {(done.stderr or done.stdout).strip()}")


def _first_200(plugins: Sequence[object], url: str, route: str, headers: dict[str, str]) -> float:
    """Start the app on the restored database; the time its tenant route first answers 200."""
    with create_test_client(plugins, database_url=url, run_migrations=False) as client:
        deadline = time.monotonic() + 120
        while client.get(route, headers=headers).status_code != 200:
            if time.monotonic() > deadline:
                raise DrError(f"{route} never answered 200 on the restored database")
            time.sleep(0.1)  # polling the app, bounded by the deadline above
        return time.time()


def run_dr_drill(  # noqa: PLR0915 - one scenario, told in order
    *,
    plugins: Sequence[object],
    fill_sql: str,
    rows: int,
    count_sql: str,
    route: str,
    write_s: float = 25.0,
    archive_timeout_s: int = 10,
    say: Callable[[str], None] = lambda _message: None,
) -> DrDrillResult:
    """Run the drill (module docstring) and return its figures.

    Args:
        plugins: The plugins to migrate (``NEXUS_PLUGINS``) and serve.
        fill_sql: Writes the dataset, as the superuser: ``$1`` the tenant id, ``$2`` rows.
        rows: How many rows ``fill_sql`` writes.
        count_sql: Counts them again after the restore (``$1`` the tenant id).
        route: A tenant route (``GET``) answering 200 once the restored database serves.
        write_s: How long to write (one row per 50 ms) before the loss.
        archive_timeout_s: The cluster's ``archive_timeout``, the bound on the RPO.
        say: Receives progress lines.

    Raises:
        DrError: A step fails (``dr_drill_missing()`` says beforehand what tool is missing).
    """
    bin_dir = find_pg_bin(DrSettings())
    base = Path(tempfile.mkdtemp(prefix="nexus-dr-drill-"))
    base.chmod(0o755)  # the postgres user reaches its subdirectories
    pgdata, run_dir = base / "pgdata", base / "run"
    moto = MotoServer(log=base / "moto.log", tls=True)
    moto.start()
    running: Path | None = None
    try:
        bucket = moto.create_bucket()
        port = _free_port()
        settings = DrSettings(
            stanza="drill",
            config=base / "pgbackrest.conf",
            pgdata=pgdata,
            pg_port=port,
            pg_socket_dir=str(run_dir),
            pg_bin=bin_dir,
            s3_bucket=bucket,
            s3_endpoint=moto.endpoint_url,
            s3_region=moto.region,
            s3_access_key_id=moto.access_key_id,
            s3_secret_access_key=moto.secret_access_key,
            s3_verify_tls=False,
            archive_timeout_s=archive_timeout_s,
            state_dir=base / "state",
        )
        env = _env(settings)
        for directory in (pgdata, run_dir):
            directory.mkdir(mode=0o700)
            give_to_os_user(directory, settings)
        say(f"initdb {pgdata} ({bin_dir})")
        _run_as_postgres(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(pgdata),
                "-U",
                "postgres",
                "--auth=trust",
                "-k",
                "--wal-segsize=1",
            ],
            settings,
        )
        archiving = _nexus(["dr", "configure"], env)
        with (pgdata / "postgresql.conf").open("a") as conf:
            conf.write(
                f"port = {port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{run_dir}'\n{archiving}"
            )
        _run_as_postgres(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(pgdata),
                "-l",
                str(run_dir / "pg.log"),
                "-w",
                "start",
            ],
            settings,
        )
        running = pgdata
        admin = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        url = f"postgresql://postgres@127.0.0.1:{port}/nexus"
        asyncio.run(_sql(admin, "create database nexus"))
        names = ",".join(
            getattr(plugin, "__name__", str(plugin)).removeprefix("nexus_") for plugin in plugins
        )
        say(f"nexus migrate ({names})")
        _nexus(["migrate"], {**env, "NEXUS_DATABASE_URL": url, "NEXUS_PLUGINS": names})
        tenant = make_tenant(url)
        asyncio.run(_sql(url, fill_sql, tenant.id, rows))
        asyncio.run(_sql(url, _WRITES))
        database_mb = asyncio.run(_sql(url, "select pg_database_size('nexus')")) / 1e6
        say(f"dataset: {rows} rows, database {database_mb:.0f} MB; nexus dr backup --type full")
        began = time.monotonic()
        _nexus(["dr", "backup", "--type", "full", "--json"], env)
        backup_s = time.monotonic() - began
        # The verification runs while the cluster takes writes, as a scheduled one would.
        say(f"writing one row per 50 ms for {write_s:.0f} s or more; nexus dr verify meanwhile")
        writer = _Writer(url)
        writer.start()
        writer.started.wait(30)
        began = time.monotonic()
        verified = json.loads(_nexus(["dr", "verify", "--json"], env))
        verify_s = time.monotonic() - began
        if verified["databases"]["nexus"]["rows"] < rows:
            raise DrError(f"verify read back fewer rows than the dataset's: {verified}")
        time.sleep(max(write_s - verify_s, 5.0))  # the workload goes on a while after
        say("destroying the cluster: SIGKILL, PGDATA deleted")
        destroyed = time.time()
        _kill_cluster(pgdata)
        running = None
        shutil.rmtree(pgdata)
        writer.stop.set()
        writer.join(30)
        acked = list(writer.acked)
        if len(acked) < 4:
            raise DrError(f"only {len(acked)} writes were acknowledged before the loss")

        say("nexus dr restore --latest")
        began = time.monotonic()
        _nexus(["dr", "restore", "--latest", "--pgdata", str(pgdata), "--json"], env)
        restore_s = time.monotonic() - began
        running = pgdata
        served = _first_200(plugins, url, route, tenant.headers)
        rto_s = served - destroyed

        present = {
            int(seq)
            for seq in asyncio.run(_sql(url, "select array_agg(seq) from dr_drill_write")) or []
        }
        lost = [entry for entry in acked if entry[0] not in present]
        kept = [entry for entry in acked if entry[0] in present]
        last_kept = kept[-1][1] if kept else destroyed - write_s
        rpo_s = (acked[-1][1] - last_kept) if lost else 0.0
        counted = asyncio.run(_sql(url, count_sql, tenant.id))
        if counted != rows:
            raise DrError(f"the dataset had {rows} rows, {counted} after the restore")

        # Point in time: a second restore stops between two writes halfway through.
        middle = len(kept) // 2
        target = kept[middle + 1][2] - timedelta(milliseconds=20)
        say(f"nexus dr restore --target {target.isoformat()}")
        _run_as_postgres(
            [str(bin_dir / "pg_ctl"), "-D", str(pgdata), "-m", "fast", "-w", "stop"], settings
        )
        running = None
        pgdata.rename(base / "pgdata-latest")
        _nexus(["dr", "restore", "--target", target.isoformat(), "--pgdata", str(pgdata)], env)
        running = pgdata
        newest = asyncio.run(_sql(url, "select max(seq) from dr_drill_write"))
        version = asyncio.run(_sql(admin, "show server_version"))
    finally:
        if running is not None:
            with contextlib.suppress(DrError):
                _run_as_postgres(
                    [str(bin_dir / "pg_ctl"), "-D", str(running), "-m", "immediate", "-w", "stop"],
                    settings,
                )
        moto.stop()
        shutil.rmtree(base, ignore_errors=True)
    release = subprocess.run(["pgbackrest", "version"], capture_output=True, text=True, check=False)
    return DrDrillResult(
        postgres=str(version),
        pgbackrest=release.stdout.strip(),
        dataset_rows=rows,
        database_mb=round(database_mb, 1),
        backup_s=round(backup_s, 2),
        verify_s=round(verify_s, 2),
        archive_timeout_s=archive_timeout_s,
        writes_acknowledged=len(acked),
        writes_lost=len(lost),
        rpo_s=round(rpo_s, 2),
        rto_s=round(rto_s, 2),
        restore_s=round(restore_s, 2),
        pitr_target=target.isoformat(),
        pitr_exact=newest == kept[middle][0],
    )
