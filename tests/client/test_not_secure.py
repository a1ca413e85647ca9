"""A service address that answers without a trusted secure connection is refused with words a
guardian can act on. Found by trying the app: signing in to a server with its own (self-signed)
certificate, or to a plain web server with https:// assumed, showed "Something went wrong" and a
traceback — the client's error reading failed on the TLS error's text. Both servers are real ones
on loopback: Python's http.server, plain and behind TLS with a certificate made here."""

from __future__ import annotations

import datetime
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from famguard.api import ApiClient, RetryPolicy, TokenManager, make_session
from famguard.api import errors as e
from famguard.domain.errors import ErrorKind, kind_of
from tests.support.web_server import plain_web_server, serving


class _Answers(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def _self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


@contextmanager
def _tls_server(folder: Path) -> Iterator[str]:
    """A real HTTPS server on loopback with a certificate nobody vouches for; yields its address."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*_self_signed(folder))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    with serving(server) as port:
        yield f"https://127.0.0.1:{port}"


def _sign_in(url: str) -> e.ApiError:
    api = ApiClient(url, make_session(), tokens=TokenManager(), retry=RetryPolicy(attempts=3))
    with pytest.raises(e.ApiError) as refused:
        api.sign_in("pat@example.org", "correct horse")
    return refused.value


def test_a_server_with_a_certificate_nobody_vouches_for_is_refused_in_words(tmp_path: Path) -> None:
    with _tls_server(tmp_path) as url:
        refused = _sign_in(url)
    assert isinstance(refused, e.NetworkUnreachable)
    assert kind_of(refused) is not ErrorKind.BUG  # said in words, not "Something went wrong"
    assert "certificate is not one this computer trusts" in str(refused)
    assert "Check the service address" in str(refused)


def test_a_plain_web_server_reached_with_https_is_said_to_answer_without_a_secure_connection(tmp_path: Path) -> None:
    with plain_web_server(tmp_path / "site") as plain:
        refused = _sign_in(plain.replace("http://", "https://"))
    assert isinstance(refused, e.NetworkUnreachable) and kind_of(refused) is not ErrorKind.BUG
    port = plain.rsplit(":", 1)[1]
    assert f"127.0.0.1 answers on port {port}, but not over a secure connection (https)" in str(refused)
