"""``drive.files.trash``: another plugin (Documents' retention) moves files to the trash."""

from __future__ import annotations

import uuid
from typing import Any

from drive_helpers import adopt, call
from nexus.testing import outbox_events


def test_trash_moves_files_once_and_says_so(client: Any, tenant: Any, drive_db: str) -> None:
    adopted = adopt(client, tenant)
    asked = {"file_ids": [adopted["file_id"], str(uuid.uuid4())], "source": "documents"}
    assert call(client, tenant, "drive.files.trash", asked) == {"trashed": [adopted["file_id"]]}
    [file] = call(client, tenant, "drive.files.get", {"file_ids": [adopted["file_id"]]})["files"]
    assert file["trashed"] is True
    assert call(client, tenant, "drive.files.trash", asked) == {"trashed": []}
    [event] = outbox_events(drive_db, tenant, "drive.file.trashed.v1")
    assert event.data["file_id"] == adopted["file_id"]
    assert event.data["kind"] == "file"


def test_trash_leaves_another_tenants_files(client: Any, tenant: Any, other: Any) -> None:
    theirs = adopt(client, other)
    asked = {"file_ids": [theirs["file_id"]]}
    assert call(client, tenant, "drive.files.trash", asked) == {"trashed": []}
    [file] = call(client, other, "drive.files.get", {"file_ids": [theirs["file_id"]]})["files"]
    assert file["trashed"] is False
