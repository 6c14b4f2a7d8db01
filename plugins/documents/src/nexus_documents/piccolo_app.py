"""The ``documents`` Piccolo app: its tables and migrations."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from nexus_documents.tables import (
    Approval,
    ApproverRole,
    Decision,
    Document,
    DocumentType,
    Link,
    Workflow,
)

__all__ = ("APP_CONFIG",)

APP_CONFIG = AppConfig(
    app_name="documents",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[DocumentType, Document, Link, ApproverRole, Workflow, Approval, Decision],
)
