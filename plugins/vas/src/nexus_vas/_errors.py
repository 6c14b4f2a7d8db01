"""The error a provider client raises when a call fails."""

from __future__ import annotations

__all__ = ("ProviderError",)


class ProviderError(Exception):
    """A provider refused a call or could not be reached.

    Attributes:
        permanent: The provider certainly did not act on it (a refusal: bad credentials, a
            bad number): a purchase it was for has failed. Otherwise (a timeout, a 5xx) the
            outcome is unknown until the provider's status API says.
    """

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent
