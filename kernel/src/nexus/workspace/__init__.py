"""The workspace: every tenant user's web app at ``/app``, generated from the API.

Lists, details and forms for every plugin resource come from the OpenAPI document; a
plugin refines them with ``nexus_ui`` declarations (menu, columns, sections, lines,
kanban, actions, dashboard cards). Like the console it uses only the public REST API from
the browser, with the project's own assets (no framework, no CDN, no build step); see
``docs/workspace.md``.
"""

from __future__ import annotations

from nexus.workspace._routes import WORKSPACE_CSP, workspace_routes

__all__ = ("WORKSPACE_CSP", "workspace_routes")
