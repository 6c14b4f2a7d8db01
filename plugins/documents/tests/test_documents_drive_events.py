"""Documents follow their Drive files through Drive's events."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from documents_fakes import FILES
from documents_helpers import document, drive_file, get, publish
from nexus.testing import EventWorkerHarness

CONSUMER = "documents"


def _file_event(client: Any, tenant: Any, verb: str, data: dict[str, Any]) -> None:
    publish(client, tenant, "drive", f"drive.file.{verb}.v1", data)


def test_new_versions_the_trash_and_deletion_reach_the_document(client: Any, tenant: Any) -> None:
    file_id = drive_file(client, tenant, "plan.pdf")
    doc = document(client, tenant, drive_file_id=file_id)
    named = {"file_id": file_id, "name": "plan.pdf", "path": "/My Drive/plan.pdf", "kind": "file"}
    with EventWorkerHarness(client) as worker:
        _file_event(
            client,
            tenant,
            "updated",
            {
                "file_id": file_id,
                "version_id": str(UUID(int=1)),
                "name": "plan.pdf",
                "path": "/My Drive/Plans/plan.pdf",
                "size": 2048,
                "content_type": "application/pdf",
                "drive_id": str(UUID(int=2)),
            },
        )
        _file_event(client, tenant, "trashed", {**named, "drive_id": str(UUID(int=2))})
        worker.wait_handled(CONSUMER, 2)
    shown = get(client, tenant, f"/documents/{doc['id']}")["file"]
    assert (shown["path"], shown["size"], shown["trashed"]) == (
        "/My Drive/Plans/plan.pdf",
        2048,
        True,
    )

    with EventWorkerHarness(client) as worker:
        _file_event(client, tenant, "restored", {**named, "drive_id": str(UUID(int=2))})
        worker.wait_handled(CONSUMER, 1)
    assert get(client, tenant, f"/documents/{doc['id']}")["file"]["trashed"] is False

    with EventWorkerHarness(client) as worker:
        _file_event(client, tenant, "deleted", {"file_id": file_id})
        worker.wait_handled(CONSUMER, 1)
    assert get(client, tenant, f"/documents/{doc['id']}")["file"] is None


def test_a_folder_in_the_trash_is_asked_of_drive(client: Any, tenant: Any) -> None:
    inside, outside = drive_file(client, tenant, "a.pdf"), drive_file(client, tenant, "b.pdf")
    first = document(client, tenant, drive_file_id=inside)
    second = document(client, tenant, drive_file_id=outside)
    FILES[tenant.id][UUID(inside)].trashed = True  # trashed with its folder
    folder = {
        "file_id": str(UUID(int=3)),
        "name": "Plans",
        "path": "/My Drive/Plans",
        "kind": "folder",
        "drive_id": str(UUID(int=2)),
    }
    with EventWorkerHarness(client) as worker:
        _file_event(client, tenant, "trashed", folder)
        worker.wait_handled(CONSUMER, 1)
    assert get(client, tenant, f"/documents/{first['id']}")["file"]["trashed"] is True
    assert get(client, tenant, f"/documents/{second['id']}")["file"]["trashed"] is False

    del FILES[tenant.id][UUID(inside)]  # purged with the folder
    with EventWorkerHarness(client) as worker:
        _file_event(client, tenant, "deleted", {"file_id": folder["file_id"]})
        worker.wait_handled(CONSUMER, 1)
    assert get(client, tenant, f"/documents/{first['id']}")["file"] is None
    assert get(client, tenant, f"/documents/{second['id']}")["file"]["id"] == outside
