"""Nexus Finance: A double-entry ledger: accounts, journals, invoices, bills, payments and reports."""

from __future__ import annotations

from nexus_hookspecs import Manifest, hookimpl

__all__ = ("nexus_manifest",)


@hookimpl
def nexus_manifest() -> Manifest:
    """Describe the plugin."""
    return Manifest(name="finance", version="0.1.0", title="Finance", hookspecs=">=0.1,<0.2")
