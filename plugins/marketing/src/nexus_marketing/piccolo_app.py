"""The ``marketing`` Piccolo app: its tables and migrations."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from nexus_marketing.tables import (
    Batch,
    Campaign,
    Click,
    Consent,
    Contact,
    Form,
    FormSubmission,
    List,
    ListMember,
    Recipient,
    Segment,
)

__all__ = ("APP_CONFIG",)

APP_CONFIG = AppConfig(
    app_name="marketing",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[
        Contact,
        Consent,
        List,
        ListMember,
        Segment,
        Campaign,
        Batch,
        Recipient,
        Click,
        Form,
        FormSubmission,
    ],
)
