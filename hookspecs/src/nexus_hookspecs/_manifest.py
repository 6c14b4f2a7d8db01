"""What a plugin says about itself: the manifest and its parts."""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from nexus_hookspecs._events import EventType

__all__ = ("Feature", "Manifest", "Permission", "ProfileFact")

#: A fact of the tenant's business profile a plugin setting can be filled from.
ProfileFact = Literal["country", "currency", "timezone", "locale", "fiscal_year_start"]


class Feature(msgspec.Struct, frozen=True, kw_only=True):
    """A fine-grained toggle inside a plugin, e.g. ``crm.deals``.

    Attributes:
        key: The part after the plugin name (``deals`` for ``crm.deals``).
        title: A short human name shown to tenant admins.
        default: Whether the feature is on when nothing else decides.
        description: One or two sentences on what switching it changes.
    """

    key: str
    title: str
    default: bool = True
    description: str = ""


class Permission(msgspec.Struct, frozen=True, kw_only=True):
    """A permission the plugin checks, e.g. ``crm.deals:write``.

    Attributes:
        key: The full permission name, starting with the plugin name.
        description: What holding it allows.
        roles: The built-in roles granted it by default. Admins hold every permission;
            add ``"member"`` for what every member of a tenant may do.
    """

    key: str
    description: str = ""
    roles: tuple[str, ...] = ("tenant_admin",)


class Manifest(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the kernel needs to know about a plugin before loading it.

    Attributes:
        name: Unique plugin name: lower case letters, digits and ``_``; it is the URL prefix
            (``/api/v1/<name>/``), the Piccolo app name and the feature key.
        version: The plugin's version (PEP 440).
        title: A short human name.
        summary: One sentence on what the plugin does.
        requires: Names of plugins that must be loaded (and enabled) for this one to work.
        hookspecs: The range of ``nexus-hookspecs`` versions the plugin was built for, as a
            PEP 440 specifier (``">=0.1,<0.2"``).
        features: Fine-grained toggles with their defaults.
        permissions: Permissions the plugin's routes check.
        settings: A msgspec Struct type describing per-tenant settings (presets fill it).
        events: Event types the plugin publishes: :class:`~nexus_hookspecs.EventType` items
            (type, when it is emitted, payload Struct), which the events catalogue
            publishes; a bare type name (``"crm.contact.created.v1"``) is accepted too.
        tenant_tables: Names of the database tables the plugin owns per tenant; the kernel
            enforces row-level security on each.
        example_payloads: Example request bodies keyed by route path, used by contract tests.
        profile_settings: Settings fields the tenant's business profile fills in, field →
            profile fact (``country``, ``currency``, ``timezone``, ``locale`` or
            ``fiscal_year_start``), so ``{"base_currency": "currency"}`` keeps the books in
            the company's currency. A fact beats the preset's value; the profile's own
            ``settings`` beat the fact.
        seed: A msgspec Struct type describing the plugin's ``[seed.<plugin>]`` data (a
            preset's or business profile's seed). The kernel converts the seed into it and
            hands it to ``nexus_tenant_enable`` as ``seed``; a preset or profile with seed
            data for a plugin that declares no seed type, or data that does not fit it (an
            unknown key, a wrong value), is refused naming the field — seed data is never
            silently ignored.

    Example::

        Manifest(name="hello", version="1.0.0", title="Hello", hookspecs=">=0.1,<0.2")
    """

    name: str
    version: str
    title: str
    summary: str = ""
    requires: tuple[str, ...] = ()
    hookspecs: str = ">=0.1"
    features: tuple[Feature, ...] = ()
    permissions: tuple[Permission, ...] = ()
    settings: type[msgspec.Struct] | None = None
    events: tuple[str | EventType, ...] = ()
    tenant_tables: tuple[str, ...] = ()
    example_payloads: dict[str, Any] = msgspec.field(default_factory=dict)
    profile_settings: dict[str, ProfileFact] = msgspec.field(default_factory=dict)
    seed: type[msgspec.Struct] | None = None

    def event_types(self) -> tuple[EventType, ...]:
        """Return the declared events as :class:`~nexus_hookspecs.EventType` items."""
        return tuple(
            event if isinstance(event, EventType) else EventType(type=event)
            for event in self.events
        )

    def event_names(self) -> tuple[str, ...]:
        """Return the declared event type names (``crm.contact.created.v1``, …)."""
        return tuple(event if isinstance(event, str) else event.type for event in self.events)

    def feature_keys(self) -> tuple[str, ...]:
        """Return the full keys of the plugin and its features (``crm``, ``crm.deals``, …)."""
        return (self.name, *(f"{self.name}.{feature.key}" for feature in self.features))
