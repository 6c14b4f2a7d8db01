"""WebDAV with a real client: rclone (Debian's ``rclone``) lists, uploads, downloads, moves
and deletes files of a user's drive, served by ``nexus serve``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from drive_helpers import API
from nexus.testing import make_tenant

if TYPE_CHECKING:
    from pathlib import Path

RCLONE = shutil.which("rclone")
pytestmark = pytest.mark.skipif(
    RCLONE is None, reason="rclone is not installed (apt-get install rclone)"
)


def _rclone(served: Any, key: str, *args: str, basic: bool = False) -> str:
    env = {
        **os.environ,
        "RCLONE_CONFIG_NEXUS_TYPE": "webdav",
        "RCLONE_CONFIG_NEXUS_URL": f"{served.base}{API}/dav",
        "RCLONE_CONFIG_NEXUS_VENDOR": "other",
    }
    if basic:  # as desktop clients do: HTTP Basic, the API key as the password
        obscured = subprocess.run(
            [str(RCLONE), "obscure", key], capture_output=True, check=True, timeout=30
        )
        env["RCLONE_CONFIG_NEXUS_USER"] = "me"
        env["RCLONE_CONFIG_NEXUS_PASS"] = obscured.stdout.decode().strip()
    else:
        env["RCLONE_CONFIG_NEXUS_BEARER_TOKEN"] = key
    done = subprocess.run(
        [str(RCLONE), "--config", "/dev/null", "--low-level-retries", "1", "--retries", "1", *args],
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode()


def test_rclone_round_trips_files_over_webdav(served: Any, tmp_path: Path) -> None:
    tenant = make_tenant(served.url)
    local = tmp_path / "report.txt"
    local.write_bytes(b"quarterly numbers\n" * 1000)
    _rclone(served, tenant.key, "mkdir", "nexus:Reports")
    _rclone(served, tenant.key, "copyto", str(local), "nexus:Reports/report.txt")
    listed = json.loads(_rclone(served, tenant.key, "lsjson", "nexus:Reports"))
    assert [(e["Name"], e["Size"]) for e in listed] == [("report.txt", local.stat().st_size)]
    assert (
        _rclone(served, tenant.key, "cat", "nexus:Reports/report.txt").encode()
        == local.read_bytes()
    )
    # The file is Drive's: the API shows it where WebDAV put it.
    with httpx.Client(base_url=served.base, headers=tenant.headers) as api:
        [mine] = api.get(f"{API}/drives").json()
        [reports] = api.get(f"{API}/drives/{mine['id']}/items").json()
        [report] = api.get(f"{API}/items/{reports['id']}/children").json()
        assert report["path"] == "/Reports/report.txt"
        # Move (rename into another folder), then delete (to the trash).
        _rclone(served, tenant.key, "mkdir", "nexus:Archive")
        _rclone(served, tenant.key, "moveto", "nexus:Reports/report.txt", "nexus:Archive/2026.txt")
        assert json.loads(_rclone(served, tenant.key, "lsjson", "nexus:Reports")) == []
        assert api.get(f"{API}/items/{report['id']}").json()["path"] == "/Archive/2026.txt"
        downloaded = tmp_path / "back.txt"
        _rclone(served, tenant.key, "copyto", "nexus:Archive/2026.txt", str(downloaded))
        assert downloaded.read_bytes() == local.read_bytes()
        _rclone(served, tenant.key, "deletefile", "nexus:Archive/2026.txt")
        assert json.loads(_rclone(served, tenant.key, "lsjson", "nexus:Archive")) == []
        assert [i["id"] for i in api.get(f"{API}/trash").json()] == [report["id"]]
    # Another tenant's key sees an empty drive of its own (signing in with Basic this time).
    other = make_tenant(served.url)
    assert json.loads(_rclone(served, other.key, "lsjson", "nexus:", basic=True)) == []


def test_a_desktop_client_mounts_with_basic_credentials(served: Any, tmp_path: Path) -> None:
    """Finder, Explorer and davfs2 ask their user on a Basic challenge, then send the API
    key as the Basic password."""
    tenant = make_tenant(served.url)
    challenged = httpx.request("PROPFIND", f"{served.base}{API}/dav/", headers={"Depth": "1"})
    assert challenged.status_code == 401
    assert 'Basic realm="Nexus"' in challenged.headers["www-authenticate"]
    local = tmp_path / "notes.txt"
    local.write_bytes(b"minutes\n")
    _rclone(served, tenant.key, "copyto", str(local), "nexus:notes.txt", basic=True)
    listed = json.loads(_rclone(served, tenant.key, "lsjson", "nexus:", basic=True))
    assert [(e["Name"], e["Size"]) for e in listed] == [("notes.txt", 8)]
