"""The error a channel raises when a send fails."""

from __future__ import annotations

__all__ = ("SendError",)


class SendError(Exception):
    """A provider refused or could not be reached.

    Attributes:
        permanent: Retrying the same request cannot succeed.
    """

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent
