"""The operator's allowlist file: which plugin distributions, at which versions, may load.

``NEXUS_PLUGIN_ALLOWLIST`` names a text file with one requirement per line, in the
notation pip uses (PEP 508 without extras or markers)::

    # distributions allowed to provide plugins, and their versions
    nexus-crm>=0.1,<1
    acme-loyalty==1.2.0
    nexus-finance            # any version

Blank lines and ``#`` comments are ignored. A plugin whose distribution is not listed, or
whose installed version falls outside the listed specifier, is not imported: it is listed as
``excluded`` with the reason, and logged.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from nexus.settings import SettingsError

if TYPE_CHECKING:
    from packaging.specifiers import SpecifierSet

__all__ = ("Allowlist", "AllowlistError")

_VARIABLE = "NEXUS_PLUGIN_ALLOWLIST"


class AllowlistError(SettingsError):
    """The allowlist file is missing or holds a line that is not a requirement."""


class Allowlist:
    """Allowed distributions and version specifiers, read from an allowlist file.

    Example::

        allowlist = Allowlist.parse("acme-loyalty==1.2.0", source="allow.txt")
        assert allowlist.refusal("acme-loyalty", "1.2.0") is None
    """

    def __init__(self, allowed: dict[str, SpecifierSet], *, source: str) -> None:
        self.allowed = allowed
        self.source = source

    @classmethod
    def read(cls, path: str | Path) -> Allowlist:
        """Read the file at ``path``.

        Raises:
            AllowlistError: naming the file, and the line when one is malformed.
        """
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise AllowlistError(f"{_VARIABLE}: cannot read {path}: {exc.strerror}") from None
        return cls.parse(text, source=str(path))

    @classmethod
    def parse(cls, text: str, *, source: str) -> Allowlist:
        """Parse the file's ``text``; ``source`` names it in messages."""
        allowed: dict[str, SpecifierSet] = {}
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            try:
                requirement = Requirement(line)
            except InvalidRequirement as exc:
                raise AllowlistError(
                    f"{_VARIABLE}: {source}, line {number}: {line!r} is not a requirement "
                    f"like 'acme-loyalty==1.2.0' ({str(exc).splitlines()[0]})"
                ) from None
            if requirement.extras or requirement.marker or requirement.url:
                raise AllowlistError(
                    f"{_VARIABLE}: {source}, line {number}: only a name and a version "
                    f"specifier are allowed, not {line!r}"
                )
            name = canonicalize_name(requirement.name)
            if name in allowed:
                raise AllowlistError(
                    f"{_VARIABLE}: {source}, line {number}: {requirement.name} is listed twice"
                )
            allowed[name] = requirement.specifier
        return cls(allowed, source=source)

    def refusal(self, distribution: str | None, version: str | None) -> str | None:
        """Say why ``distribution`` at ``version`` may not load, or ``None`` when it may."""
        if distribution is None:
            return f"not installed from a distribution, so not in the allowlist {self.source}"
        specifier = self.allowed.get(canonicalize_name(distribution))
        if specifier is None:
            return f"distribution {distribution} is not in the allowlist {self.source}"
        if not str(specifier):
            return None
        try:
            allowed = version is not None and specifier.contains(Version(version), True)
        except InvalidVersion:
            allowed = False
        if not allowed:
            return (
                f"{distribution} {version} is installed, but the allowlist {self.source} "
                f"allows {distribution}{specifier}"
            )
        return None
