"""A tus client process for the resumable-upload test (tuspy, the tus project's Python client).

``python drive_tus_client.py <upload endpoint> <api key> <file> <url store> <chunk bytes>``
creates (or, with the URL kept in the store from an earlier run, resumes) the upload of
``file``, prints ``url <upload url>`` and ``at <offset>`` when it starts, then uploads the rest
chunk by chunk and prints ``done``. The test kills it midway and runs it again.
"""

from __future__ import annotations

import sys

from tusclient import client
from tusclient.storage.filestorage import FileStorage


def main() -> None:
    endpoint, key, path, store, chunk = sys.argv[1:6]
    tus = client.TusClient(endpoint, headers={"Authorization": f"Bearer {key}"})
    uploader = tus.uploader(
        file_path=path,
        chunk_size=int(chunk),
        metadata={"filename": "big.bin", "filetype": "application/octet-stream"},
        store_url=True,
        url_storage=FileStorage(store),
    )
    if not uploader.url:
        uploader.set_url(uploader.create_url())
        uploader.offset = 0
    print("url", uploader.url, flush=True)
    print("at", uploader.offset, flush=True)
    uploader.upload()
    print("done", uploader.offset, flush=True)


if __name__ == "__main__":
    main()
