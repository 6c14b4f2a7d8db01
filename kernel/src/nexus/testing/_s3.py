"""A real S3-protocol server for tests: ``moto[server]`` on a free loopback port."""

from __future__ import annotations

import importlib.util
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import uuid_utils

if TYPE_CHECKING:
    from types import TracebackType

__all__ = ("MotoServer",)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class MotoServer:
    """``python -m moto.server`` on a free loopback port, stopped when the block ends.

    With ``tls=True`` it answers HTTPS (a self-signed certificate: clients must not verify
    it) through ``socat`` in front of moto: moto's own ``--ssl`` server closes its TLS
    connections without a ``close_notify``, which pgBackRest (OpenSSL 3) takes for an error.

    Example::

        with MotoServer() as s3:
            bucket = s3.create_bucket()
            settings = settings.replace(**s3.settings(bucket))
    """

    region = "us-east-1"

    def __init__(self, *, log: Path | None = None, tls: bool = False) -> None:
        self.port = _free_port()
        self.log = log
        self.tls = tls
        self._moto_port = _free_port() if tls else self.port
        self._process: subprocess.Popen[bytes] | None = None
        self._proxy: subprocess.Popen[bytes] | None = None
        self._scratch: tempfile.TemporaryDirectory[str] | None = None
        # moto takes any credentials, and checks no signature (presigned URLs included).
        self.access_key_id = "nexus-test"
        self.secret_access_key = "nexus-test-secret"  # noqa: S105

    @staticmethod
    def available() -> bool:
        """Whether ``moto[server]`` is installed."""
        return importlib.util.find_spec("moto") is not None

    @staticmethod
    def tls_available() -> bool:
        """Whether ``socat`` (the TLS front of ``tls=True``) is installed."""
        return shutil.which("socat") is not None

    @property
    def endpoint_url(self) -> str:
        """``http://127.0.0.1:<port>`` (``https`` with TLS), for ``NEXUS_S3_ENDPOINT_URL``."""
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

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
            with warnings.catch_warnings():
                # Behind TLS the certificate is self-signed: urllib3 warns of not checking it.
                warnings.simplefilter("ignore")
                client.create_bucket(Bucket=name)
        finally:
            client.close()
        return name

    def _client(self, service: str) -> Any:
        import boto3  # type: ignore[import-untyped]  # noqa: PLC0415 - only with moto

        return boto3.client(
            service,
            endpoint_url=self.endpoint_url,
            verify=False,
            region_name=self.region,
            aws_access_key_id=self.access_key_id,
            aws_secret_access_key=self.secret_access_key,
        )

    def start(self, *, timeout: float = 30.0) -> None:
        """Start the server and wait (bounded) until its port accepts connections."""
        output = self.log.open("ab") if self.log else subprocess.DEVNULL
        self._process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self._moto_port)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        if self.tls:
            self._proxy = self._start_tls_front(output)
        deadline = time.monotonic() + timeout
        while True:
            if self._process.poll() is not None:
                raise RuntimeError(f"moto_server exited with {self._process.returncode}")
            try:
                for port in {self._moto_port, self.port}:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                        pass
                return
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise TimeoutError(
                        f"moto_server did not listen on {self.port} in {timeout} s"
                    ) from None
            time.sleep(0.05)  # poll interval for the port, bounded by the deadline above

    def _start_tls_front(self, output: Any) -> subprocess.Popen[bytes]:
        self._scratch = tempfile.TemporaryDirectory(prefix="nexus-moto-tls-")
        pem = Path(self._scratch.name) / "server.pem"
        pem.write_bytes(_self_signed_pem())
        return subprocess.Popen(
            [
                "socat",
                f"OPENSSL-LISTEN:{self.port},bind=127.0.0.1,reuseaddr,fork,cert={pem},verify=0",
                f"TCP:127.0.0.1:{self._moto_port}",
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
        )

    def stop(self) -> None:
        """Stop the server (its buckets go with it)."""
        if self._proxy is not None:
            self._proxy.terminate()
            self._proxy.wait(10)
            self._proxy = None
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None
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


def _self_signed_pem() -> bytes:
    """A key and a self-signed certificate for 127.0.0.1, in one PEM (socat's ``cert=``)."""
    import datetime  # noqa: PLC0415 - only with TLS
    import ipaddress  # noqa: PLC0415

    from cryptography import x509  # noqa: PLC0415 - a dependency of moto
    from cryptography.hazmat.primitives import hashes, serialization  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric import ec  # noqa: PLC0415
    from cryptography.x509.oid import NameOID  # noqa: PLC0415

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return key_pem + certificate.public_bytes(serialization.Encoding.PEM)
