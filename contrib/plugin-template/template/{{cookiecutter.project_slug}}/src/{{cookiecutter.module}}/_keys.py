"""Permission and feature keys of {{ cookiecutter.title }}, as constants."""

from __future__ import annotations

__all__ = ("ITEMS_WRITE",)

ITEMS_WRITE = "{{ cookiecutter.plugin_name }}.items:write"
"""Create, change and delete items (``tenant_admin`` and ``member`` hold it)."""
