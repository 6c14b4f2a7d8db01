"""Running PostgreSQL's and pgBackRest's programs, as the PostgreSQL user when Nexus is root."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from nexus.dr._settings import DrError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from nexus.dr._settings import DrSettings

__all__ = ("find_pg_bin", "give_to_os_user", "os_user", "run_program")


def os_user(settings: DrSettings) -> str | None:
    """The system user to run programs as: only when root (PostgreSQL refuses root)."""
    if os.geteuid() != 0:
        return None
    return settings.os_user or "postgres"


def give_to_os_user(path: Path, settings: DrSettings) -> None:
    """Make ``path`` the PostgreSQL user's (when running as root)."""
    user = os_user(settings)
    if user is None:
        return
    try:
        entry = pwd.getpwnam(user)
    except KeyError:
        raise DrError(
            f"the system user {user!r} does not exist (NEXUS_DR_OS_USER names the user "
            "PostgreSQL runs as)"
        ) from None
    os.chown(path, entry.pw_uid, entry.pw_gid)


def find_pg_bin(settings: DrSettings) -> Path:
    """The directory of PostgreSQL's programs (``pg_ctl``, ``postgres``).

    Raises:
        DrError: None found.
    """
    if settings.pg_bin is not None:
        candidates = [settings.pg_bin]
    else:
        candidates = []
        pg_config = shutil.which("pg_config")
        if pg_config:
            found = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=False
            ).stdout.strip()
            candidates.append(Path(found))
        versions = sorted(
            Path("/usr/lib/postgresql").glob("*/bin"),
            key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
            reverse=True,
        )
        candidates += versions
    for candidate in candidates:
        if (candidate / "pg_ctl").is_file():
            return candidate
    raise DrError(
        "no PostgreSQL programs found (pg_ctl): set NEXUS_DR_PG_BIN to their directory "
        "or install PostgreSQL's server package"
    )


def _error_lines(output: Sequence[str]) -> str:
    """The ERROR line pgBackRest wrote, with its indented details, on one line."""
    for index, line in enumerate(output):
        if "ERROR:" in line:
            details = [line.split("ERROR:", 1)[1].strip()]
            details += [text.strip() for text in output[index + 1 :] if text.startswith(" ")]
            return " ".join(details)
    return " ".join(line.strip() for line in output[-3:])


def run_program(
    args: Sequence[str],
    settings: DrSettings,
    *,
    what: str,
    progress: Callable[[str], None] | None = None,
    cwd: Path | None = None,
) -> str:
    """Run ``args`` (as the PostgreSQL user when root) and return its standard output.

    Standard error is passed to ``progress`` line by line as it comes (pgBackRest logs its
    steps there when asked with ``--log-level-stderr``).

    Raises:
        DrError: The program is missing or exits non-zero; names ``what`` and its error.
    """
    # Standard output goes to a file: a pipe left unread while standard error streams
    # would fill and stall the program.
    stdout_file = tempfile.TemporaryFile("w+")  # noqa: SIM115 - closed below
    try:
        process = subprocess.Popen(
            list(args),
            stdout=stdout_file,
            stderr=subprocess.PIPE,
            text=True,
            user=os_user(settings),
            cwd=cwd or "/",
        )
    except FileNotFoundError:
        stdout_file.close()
        hint = " (apt-get install pgbackrest)" if args[0] == "pgbackrest" else ""
        raise DrError(f"{args[0]} is not installed{hint}") from None
    assert process.stderr is not None  # noqa: S101 - set by stderr=PIPE
    errors: list[str] = []
    for line in process.stderr:
        errors.append(line.rstrip("\n"))
        # The error itself ends up in the DrError's one line, not twice on stderr.
        if progress is not None and line.strip() and "ERROR:" not in line:
            progress(line.rstrip("\n"))
    process.wait()
    stdout_file.seek(0)
    stdout = stdout_file.read()
    stdout_file.close()
    if process.returncode != 0:
        raise DrError(f"{what} failed (exit {process.returncode}): {_error_lines(errors)}")
    return stdout
