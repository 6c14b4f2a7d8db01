"""What every command shares: settings, one-line errors, JSON output."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import msgspec
import rich_click as click

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
        except (DuplicatePluginError, PresetError, SettingsError) as exc:
            fail(str(exc))
        except OSError as exc:
            fail(f"{type(exc).__name__}: {exc}")

    return wrapper  # type: ignore[return-value]


def echo_json(value: Any) -> None:
    """Print ``value`` as JSON on stdout."""
    click.echo(msgspec.json.format(msgspec.json.encode(value), indent=2).decode())
