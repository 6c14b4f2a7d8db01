"""Step 2: a profile and the installed presets and plugins → what the tenant gets."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import msgspec

from nexus.features import FeatureState, evaluate
from nexus.presets import PresetError, close_requires
from nexus.provisioning._profile import FieldError, ProfileError

if TYPE_CHECKING:
    from nexus.features import FeatureCatalog
    from nexus.plugins import PluginRegistry
    from nexus.presets import PresetCatalog, ResolvedPreset
    from nexus.provisioning._profile import BusinessProfile

__all__ = ("Plan", "make_plan", "pick_preset")


class Plan(msgspec.Struct, frozen=True, kw_only=True):
    """What provisioning gives a tenant.

    Attributes:
        preset: The preset the tenant starts from (its ``preset``).
        plugins: Plugins switched on, closed under ``requires``.
        features: Every feature key in effect.
        overrides: The profile's feature switches, kept as the tenant's overrides.
        settings: Per-plugin settings: the preset's, overlaid by the profile's.
        seed: Per-plugin seed data: the preset's, overlaid by the profile's.
    """

    preset: str
    plugins: list[str]
    features: list[str]
    overrides: dict[str, bool]
    settings: dict[str, dict[str, Any]]
    seed: dict[str, dict[str, Any]]


def pick_preset(profile: BusinessProfile, presets: PresetCatalog) -> str:
    """The preset named by the profile, else the one of its industry, else ``base``.

    Raises:
        ProfileError: naming ``preset`` or ``industry`` when nothing fits.
    """
    if profile.preset is not None:
        if profile.preset not in presets:
            known = ", ".join(presets.names()) or "none"
            raise ProfileError([FieldError("preset", f"unknown preset (known: {known})")])
        return profile.preset
    if profile.industry is None:
        return "base"
    if profile.industry in presets:
        return profile.industry
    matching = sorted(p.name for p in presets if p.industry == profile.industry)
    if not matching:
        industries = sorted({p.industry or "general" for p in presets})
        message = f"no preset for this industry (known: {', '.join(industries)})"
        raise ProfileError([FieldError("industry", message)])
    return matching[0]


def make_plan(
    profile: BusinessProfile,
    *,
    presets: PresetCatalog,
    registry: PluginRegistry,
    catalog: FeatureCatalog,
) -> tuple[Plan, ResolvedPreset]:
    """Resolve the profile's preset and overlay the profile's switches and settings.

    Returns:
        The plan, and the resolved preset with the profile's settings and seed merged in
        (what the seed step hands to each plugin).

    Raises:
        ProfileError: naming each unknown feature or plugin, each setting that does not fit
            a plugin's settings schema, and a preset that cannot be resolved.
    """
    name = pick_preset(profile, presets)
    try:
        preset = presets.resolve(name, registry=registry)
    except PresetError as exc:
        raise ProfileError([FieldError("preset", str(exc))]) from None
    errors = [
        FieldError(f"features.{key}", "no such feature among the installed plugins")
        for key in profile.features
        if catalog.get(key) is None
    ]
    settings = _merged(_merged(preset.settings, profile_facts(profile, registry)), profile.settings)
    errors += _settings_errors(profile, settings, registry)
    errors += seed_errors(_merged(preset.seed, profile.seed), registry)
    if profile.cluster is not None and profile.placement != "dedicated":
        errors.append(FieldError("cluster", "a cluster is chosen only with placement: dedicated"))
    if errors:
        raise ProfileError(errors)
    switched_on = {k for k, on in profile.features.items() if on and catalog.specs[k].is_plugin}
    plugins = close_requires(set(preset.plugins) | switched_on, registry)
    overrides = dict(profile.features)
    for plugin in plugins - set(preset.plugins) - switched_on:
        overrides[plugin] = True  # required by a plugin the profile switches on
    errors = _required_but_off(overrides, plugins, catalog, registry)
    if errors:
        raise ProfileError(errors)
    seed = _merged(preset.seed, profile.seed)
    resolved = msgspec.structs.replace(preset, settings=settings, seed=seed)
    states = {
        key: FeatureState.ENABLED if on else FeatureState.DISABLED for key, on in overrides.items()
    }
    effective = evaluate(catalog, resolved, states)
    plan = Plan(
        preset=name,
        plugins=sorted(k for k in effective.enabled if catalog.specs[k].is_plugin),
        features=sorted(effective.enabled),
        overrides=dict(sorted(overrides.items())),
        settings={k: v for k, v in sorted(settings.items()) if k in effective.enabled},
        seed={k: v for k, v in sorted(seed.items()) if k in effective.enabled},
    )
    return plan, resolved


def profile_facts(profile: BusinessProfile, registry: PluginRegistry) -> dict[str, dict[str, Any]]:
    """The settings each plugin fills from the profile (``Manifest.profile_settings``)."""
    facts: dict[str, dict[str, Any]] = {}
    for record in registry.loaded:
        if record.manifest and record.manifest.profile_settings:
            # An optional fact the profile leaves out (``employees``) fills nothing.
            facts[record.name] = {
                field: getattr(profile, fact)
                for field, fact in record.manifest.profile_settings.items()
                if getattr(profile, fact) is not None
            }
    return facts


def _required_but_off(
    overrides: dict[str, bool],
    plugins: set[str],
    catalog: FeatureCatalog,
    registry: PluginRegistry,
) -> list[FieldError]:
    """Plugins the profile switches off although a plugin staying on requires them."""
    off = {key for key, on in overrides.items() if not on and catalog.specs[key].is_plugin}
    staying = plugins - off
    errors = []
    for plugin in sorted(off):
        needed = sorted(
            record.name
            for record in registry.loaded
            if record.name in staying and record.manifest and plugin in record.manifest.requires
        )
        if needed:
            message = f"switched off, but {', '.join(needed)} require(s) it"
            errors.append(FieldError(f"features.{plugin}", message))
    return errors


def _settings_errors(
    profile: BusinessProfile, settings: dict[str, dict[str, Any]], registry: PluginRegistry
) -> list[FieldError]:
    errors = []
    for plugin in profile.settings:
        values = settings[plugin]
        record = registry.get(plugin)
        if record is None or record.manifest is None:
            errors.append(FieldError(f"settings.{plugin}", "no such plugin is installed"))
            continue
        schema = record.manifest.settings
        if schema is None:
            errors.append(FieldError(f"settings.{plugin}", "this plugin has no settings"))
            continue
        try:
            msgspec.convert(values, schema, strict=False)
        except msgspec.ValidationError as exc:
            message = str(exc).replace("`$.", f"`settings.{plugin}.")
            errors.append(FieldError(f"settings.{plugin}", message))
    return errors


def seed_errors(seed: dict[str, dict[str, Any]], registry: PluginRegistry) -> list[FieldError]:
    """Each plugin's seed data that it does not declare or that does not fit its seed type.

    Seed data is never silently ignored: a plugin without a manifest ``seed`` type takes
    none, and the data must convert into the type (an unknown key, a malformed value: the
    message names the field, ``seed.finance.tax_rates[0].rate``).
    """
    errors = []
    for plugin, values in seed.items():
        record = registry.get(plugin)
        if record is None or record.manifest is None:
            errors.append(FieldError(f"seed.{plugin}", "no such plugin is installed"))
            continue
        schema = record.manifest.seed
        if schema is None:
            errors.append(FieldError(f"seed.{plugin}", "this plugin takes no seed data"))
            continue
        try:
            msgspec.convert(values, schema, strict=False)
        except msgspec.ValidationError as exc:
            message = str(exc).replace("`$.", f"`seed.{plugin}.").replace("`$`", f"`seed.{plugin}`")
            errors.append(FieldError(f"seed.{plugin}", message))
    return errors


def _merged(
    base: dict[str, dict[str, Any]], top: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    merged = copy.deepcopy(base)
    for plugin, values in top.items():
        merged.setdefault(plugin, {}).update(copy.deepcopy(values))
    return merged
