"""Nexus CRM: Companies, contacts, pipelines, deals and activities."""

from __future__ import annotations

from nexus_hookspecs import Manifest, hookimpl

__all__ = ("nexus_manifest",)


@hookimpl
def nexus_manifest() -> Manifest:
    """Describe the plugin."""
    return Manifest(name="crm", version="0.1.0", title="CRM", hookspecs=">=0.1,<0.2")
