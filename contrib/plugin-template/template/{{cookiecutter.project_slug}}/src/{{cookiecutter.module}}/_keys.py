"""Permission and feature keys of {{ cookiecutter.title }}, as constants."""

from __future__ import annotations

__all__ = ("ITEMS_READ", "ITEMS_WRITE")

ITEMS_READ = "{{ cookiecutter.plugin_name }}.items:read"
"""List and show items (``tenant_admin`` and ``member`` hold it). Every route names the
permission it needs, reads included; the kernel refuses a route that names none unless it
is public (``route_opt(access="public")``)."""

ITEMS_WRITE = "{{ cookiecutter.plugin_name }}.items:write"
"""Create, change and delete items (``tenant_admin`` and ``member`` hold it)."""
