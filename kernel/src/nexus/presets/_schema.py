"""What a preset file holds, what resolving one gives, and how problems are reported."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

__all__ = (
    "NAME_PATTERN",
    "Preset",
    "PresetError",
    "Problem",
    "ResolvedPreset",
    "UnknownPresetError",
)

NAME_PATTERN = r"^[a-z][a-z0-9-]{0,62}$"
"""A preset name: a slug of lower case letters, digits and ``-``, starting with a letter."""


class Preset(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One preset exactly as its TOML file states it (``extends`` not applied).

    Attributes:
        name: The preset's slug, unique across every installed pack.
        title: A short human name.
        description: One or two sentences for operators; inherited when left out.
        industry: The industry it suits (``general``, ``retail``, …); inherited when left out.
        extends: The name of the preset this one starts from.
        plugins: Plugins the preset switches on, on top of those it inherits.
        features: Feature keys (``plugin`` or ``plugin.feature``) switched on or off.
        settings: Per-plugin settings, plugin name → field → value.
        seed: Per-plugin seed data, plugin name → free-form table.
    """

    name: Annotated[str, msgspec.Meta(pattern=NAME_PATTERN)]
    title: str
    description: str | None = None
    industry: str | None = None
    extends: str | None = None
    plugins: tuple[str, ...] = ()
    features: dict[str, bool] = msgspec.field(default_factory=dict)
    settings: dict[str, dict[str, Any]] = msgspec.field(default_factory=dict)
    seed: dict[str, dict[str, Any]] = msgspec.field(default_factory=dict)


class ResolvedPreset(msgspec.Struct, frozen=True, kw_only=True):
    """A preset with its ``extends`` chain applied: what a tenant created from it gets.

    Each resolve builds fresh dictionaries, so changing them changes nothing in the catalog.

    Attributes:
        name: The preset's name.
        title: Its own title.
        description: Its description, or the nearest ancestor's.
        industry: Its industry, or the nearest ancestor's (``general`` when none sets one).
        plugins: Plugins switched on: every plugin listed along the chain, less those a
            ``<plugin> = false`` feature switches off, closed under ``requires`` when
            resolved with a plugin registry.
        features: Feature keys switched on or off, the nearest preset's value winning.
        settings: Plugin → field → value, merged field by field, the nearest preset winning.
        seed: Plugin → key → value, merged key by key, the nearest preset winning.
        chain: Preset names from the root of the chain to this one (``("base", "retail")``).
    """

    name: str
    title: str
    description: str
    industry: str
    plugins: frozenset[str]
    features: dict[str, bool]
    settings: dict[str, dict[str, Any]]
    seed: dict[str, dict[str, Any]]
    chain: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready view with the plugins sorted (``nexus presets show --json``)."""
        view: dict[str, Any] = msgspec.to_builtins(self)
        view["plugins"] = sorted(self.plugins)
        return view


class Problem(msgspec.Struct, frozen=True, kw_only=True):
    """One thing wrong with a preset, told in one line.

    Attributes:
        message: What is wrong.
        preset: The preset it concerns, when known.
        source: The file it comes from, when known.
        level: ``error`` fails validation; ``warning`` is worth knowing but works.
    """

    message: str
    preset: str | None = None
    source: str | None = None
    level: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        parts = [part for part in (self.source, self.preset) if part]
        if self.level == "warning":
            parts.append("warning")
        return ": ".join([*parts, self.message])


class PresetError(ValueError):
    """A preset cannot be loaded or resolved; ``problems`` says why, one line each."""

    def __init__(self, problems: Problem | tuple[Problem, ...] | list[Problem]) -> None:
        self.problems = (problems,) if isinstance(problems, Problem) else tuple(problems)
        super().__init__("; ".join(str(problem) for problem in self.problems))


class UnknownPresetError(PresetError, LookupError):
    """No preset of that name is in the catalog."""
