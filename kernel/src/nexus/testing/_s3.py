"""A real S3-protocol server for tests: ``moto[server]`` on a free loopback port."""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
import time
from typing import TYPE_CHECKING, Any

import uuid_utils

if TYPE_CHECKING:
    from pathlib import Path
    from types import TracebackType

__all__ = ("MotoServer",)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class MotoServer:
    """``python -m moto.server`` on a free loopback port, stopped when the block ends.

    Example::

        with MotoServer() as s3:
            bucket = s3.create_bucket()
            settings = settings.replace(**s3.settings(bucket))
    """

    region = "us-east-1"

    def __init__(self, *, log: Path | None = None) -> None:
        self.port = _free_port()
        self.log = log
        self._process: subprocess.Popen[bytes] | None = None
        # moto takes any credentials, and checks no signature (presigned URLs included).
        self.access_key_id = "nexus-test"
        self.secret_access_key = "nexus-test-secret"  # noqa: S105

    @staticmethod
    def available() -> bool:
        """Whether ``moto[server]`` is installed."""
        return importlib.util.find_spec("moto") is not None

    @property
    def endpoint_url(self) -> str:
        """``http://127.0.0.1:<port>``, for ``NEXUS_S3_ENDPOINT_URL``."""
        return f"http://127.0.0.1:{self.port}"

    def settings(self, bucket: str) -> dict[str, Any]:
        """Kernel settings (for ``Settings.replace``) storing files in ``bucket`` here."""
        return {
            "s3_endpoint_url": self.endpoint_url,
            "s3_bucket": bucket,
            "s3_region": self.region,
            "s3_access_key_id": self.access_key_id,
            "s3_secret_access_key": self.secret_access_key,
        }

    def create_bucket(self, name: str | None = None) -> str:
        """Create a bucket (a fresh name by default) and return its name."""
        name = name or f"nexus-test-{uuid_utils.uuid7().hex[-12:]}"
        client = self._client("s3")
        try:
            client.create_bucket(Bucket=name)
        finally:
            client.close()
        return name

    def _client(self, service: str) -> Any:
        import boto3  # type: ignore[import-untyped]  # noqa: PLC0415 - only with moto

        return boto3.client(
            service,
            endpoint_url=self.endpoint_url,
            region_name=self.region,
            aws_access_key_id=self.access_key_id,
            aws_secret_access_key=self.secret_access_key,
        )

    def start(self, *, timeout: float = 30.0) -> None:
        """Start the server and wait (bounded) until its port accepts connections."""
        output = self.log.open("ab") if self.log else subprocess.DEVNULL
        self._process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while True:
            if self._process.poll() is not None:
                raise RuntimeError(f"moto_server exited with {self._process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise TimeoutError(
                        f"moto_server did not listen on {self.port} in {timeout} s"
                    ) from None
            time.sleep(0.05)  # poll interval for the port, bounded by the deadline above

    def stop(self) -> None:
        """Stop the server (its buckets go with it)."""
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None

    def __enter__(self) -> MotoServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
