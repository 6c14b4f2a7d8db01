"""A 200 MB file uploaded with a real tus client (tuspy) in resumable parts to ``nexus serve``:
the client is killed midway and a new one resumes from the server's ``Upload-Offset``; the
server process's peak memory stays flat (printed: run with ``-s`` to see the figures).

It takes 8–15 s (200 MB written, assembled and read back on one machine) plus starting the
server: marked ``slow``, so ``pytest -m "not slow" plugins/drive`` leaves it out; ``uv run
tox`` runs it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from drive_helpers import API
from nexus.testing import make_tenant

SIZE = 200 * 1024 * 1024
CHUNK = 16 * 1024 * 1024
KILL_AFTER = 80 * 1024 * 1024
CLIENT = str(Path(__file__).with_name("drive_tus_client.py"))
TUS = {"Tus-Resumable": "1.0.0"}


def _big_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("wb") as file:
        for _ in range(SIZE // (1024 * 1024)):
            block = os.urandom(1024 * 1024)
            digest.update(block)
            file.write(block)
    return digest.hexdigest()


def _client(served: Any, key: str, path: Path, store: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            CLIENT,
            f"{served.base}{API}/uploads",
            key,
            str(path),
            str(store),
            str(CHUNK),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )


def _line(process: subprocess.Popen[str], word: str) -> str:
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    assert line.startswith(word + " "), line
    return line.split(" ", 1)[1]


@pytest.mark.slow
def test_200_mb_resumable_upload_killed_and_resumed_with_flat_memory(
    served: Any, tmp_path: Path
) -> None:
    started = time.monotonic()
    tenant = make_tenant(served.url)
    source = tmp_path / "big.bin"
    expected = _big_file(source)
    store = tmp_path / "tus-urls.json"
    api = httpx.Client(base_url=served.base, headers=tenant.headers, timeout=60)
    api.get(f"{API}/drives").raise_for_status()  # the server has served Drive once
    rss_before, peak_before = served.rss_kib(), served.peak_rss_kib()

    first = _client(served, tenant.key, source, store)
    url = _line(first, "url")
    assert _line(first, "at") == "0"
    # Let it send some 80 MB, then kill it in the middle of a chunk.
    deadline = time.monotonic() + 120
    offset = 0
    while offset < KILL_AFTER:
        assert first.poll() is None, "the client finished before it could be killed"
        assert time.monotonic() < deadline, f"stuck at {offset}"
        offset = int(api.head(url, headers=TUS).headers["Upload-Offset"])
    first.kill()
    first.wait(timeout=30)
    held = int(api.head(url, headers=TUS).headers["Upload-Offset"])
    assert KILL_AFTER <= held < SIZE

    second = _client(served, tenant.key, source, store)
    assert _line(second, "url") == url  # the same upload, found again by tuspy's URL store
    resumed_at = int(_line(second, "at"))
    assert (
        resumed_at == int(api.head(url, headers=TUS).headers["Upload-Offset"]) or resumed_at >= held
    )
    assert _line(second, "done") == str(SIZE)
    assert second.wait(timeout=60) == 0
    uploaded_s = time.monotonic() - started

    [mine] = api.get(f"{API}/drives").json()
    [item] = api.get(f"{API}/drives/{mine['id']}/items").json()
    assert (item["name"], item["size"]) == ("big.bin", SIZE)
    digest = hashlib.sha256()
    with api.stream("GET", f"{API}/items/{item['id']}/content") as response:
        assert response.status_code == 200
        for chunk in response.iter_bytes():
            digest.update(chunk)
    assert digest.hexdigest() == expected
    api.close()

    rss_after, peak_after = served.rss_kib(), served.peak_rss_kib()
    print(
        f"\ntus 200 MB: killed at {held} bytes, resumed at {resumed_at}; "
        f"server RSS {rss_before // 1024} MiB -> {rss_after // 1024} MiB, "
        f"peak (VmHWM) {peak_before // 1024} MiB -> {peak_after // 1024} MiB; "
        f"upload {uploaded_s:.1f} s, with download and check {time.monotonic() - started:.1f} s"
    )
    # Flat: the peak grows by far less than one file (nor by the 16 MB chunks piling up).
    assert peak_after - peak_before < 48 * 1024
