"""What every command shares: settings, one-line errors, JSON output."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import asyncpg
import msgspec
import rich_click as click

from nexus.plans import PlanError
from nexus.plugins import DuplicatePluginError
from nexus.presets import PresetError
from nexus.settings import Settings, SettingsError

__all__ = ("echo_json", "fail", "friendly_errors", "load_settings")

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, *, code: int = 1) -> None:
    """Print ``message`` on one line to stderr and exit with ``code``."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def load_settings() -> Settings:
    """Read ``NEXUS_*`` settings, turning a bad value into a one-line error."""
    try:
        return Settings.from_env()
    except SettingsError as exc:
        fail(str(exc), code=2)
        raise  # unreachable: fail() exits


def friendly_errors(command: F) -> F:
    """Turn the kernel's expected errors into one line on stderr and a non-zero exit."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (DuplicatePluginError, PlanError, PresetError, SettingsError) as exc:
            fail(str(exc))
        except asyncpg.InvalidCatalogNameError as exc:
            fail(_missing_database(exc))
        except OSError as exc:
            fail(f"{type(exc).__name__}: {exc}")

    return wrapper  # type: ignore[return-value]


def _missing_database(exc: asyncpg.InvalidCatalogNameError) -> str:
    """Name the database the server does not have, and say how to create it.

    PostgreSQL does not create a database on first connection: the one named by
    ``NEXUS_DATABASE_URL`` must exist before ``nexus migrate`` (only the embedded default
    is made for you).
    """
    found = re.search(r'database "(.+)" does not exist', str(exc))
    if found is None:
        return f"{exc} (NEXUS_DATABASE_URL): create it first, then run `nexus migrate`"
    name = found.group(1)
    # SQL folds unquoted names to lower case: quote any other name.
    plain = re.fullmatch(r"[a-z_][a-z0-9_]*", name)
    quoted = name if plain else '"' + name.replace('"', '""') + '"'
    return (
        f'database "{name}" does not exist (NEXUS_DATABASE_URL names it): create it with '
        f"`createdb {name}` or, in psql, `create database {quoted};`, then run `nexus migrate`"
    )


def echo_json(value: Any) -> None:
    """Print ``value`` as JSON on stdout."""
    click.echo(msgspec.json.format(msgspec.json.encode(value), indent=2).decode())
