"""Certificate authorities made at test time, for TLS tests on loopback (security profiles 2 and 3).

Every key is EC P-256: making one takes well under a millisecond, where RSA-2048 takes tens.
Nothing comes from or goes to the system trust store: each context trusts exactly the CA it is
given, and every context is TLS 1.2 or above, as OCPP 2.x requires.

The fixtures are module-scoped; a test module takes them with ``pytest_plugins = ("certs",)`` and
reaches the helpers through them (``tls_ca.client_context()``, ``tls_server_certificate.server_context()``),
importing this module for types only: imported before pytest loads it as a plugin, it could not
be assertion-rewritten, and pytest would warn.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = [
    "CertificateAuthority",
    "Issued",
    "client_context",
    "server_context",
    "tls_ca",
    "tls_server_certificate",
    "tls_untrusted_ca",
]

MINIMUM_TLS = ssl.TLSVersion.TLSv1_2
"""OCPP 2.0.1 part 2 (security profiles 2 and 3): TLS 1.2 or above."""

_VALIDITY = dt.timedelta(days=1)
_CLOCK_SKEW = dt.timedelta(minutes=5)


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ocppkit tests"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _san(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


@dataclass(frozen=True, slots=True)
class Issued:
    """A leaf certificate and its private key, as PEM files (``ssl`` loads a chain from files only)."""

    common_name: str
    cert_file: Path
    key_file: Path

    def server_context(self, *, client_ca: CertificateAuthority | None = None) -> ssl.SSLContext:
        """A CSMS's TLS context with this certificate: see :func:`server_context`."""
        return server_context(self, client_ca=client_ca)


@dataclass(frozen=True, slots=True)
class CertificateAuthority:
    """A self-signed root that issues server certificates and station (client) certificates."""

    name: str
    directory: Path
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    @classmethod
    def create(cls, name: str, directory: Path) -> CertificateAuthority:
        """A new root CA called ``name``; its leaves' files go to ``directory``."""
        key = _key()
        now = dt.datetime.now(dt.UTC)
        ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
        certificate = (
            x509.CertificateBuilder()
            .subject_name(_name(name))
            .issuer_name(_name(name))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - _CLOCK_SKEW)
            .not_valid_after(now + _VALIDITY)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(ski, critical=False)
            .sign(key, hashes.SHA256())
        )
        directory.mkdir(parents=True, exist_ok=True)
        return cls(name, directory, key, certificate)

    @property
    def cert_pem(self) -> str:
        """The root certificate in PEM, for ``SSLContext.load_verify_locations(cadata=...)``."""
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")

    def issue(self, common_name: str, *, hosts: Sequence[str] = (), client: bool = False) -> Issued:
        """A leaf certificate with subject CN ``common_name``, written to this CA's directory.

        ``hosts`` (DNS names or IP addresses) become subject alternative names, which is what a
        client checks a server's name against. ``client=True`` makes a TLS client certificate (a
        station's, security profile 3); otherwise a TLS server certificate.
        """
        key = _key()
        now = dt.datetime.now(dt.UTC)
        usage = ExtendedKeyUsageOID.CLIENT_AUTH if client else ExtendedKeyUsageOID.SERVER_AUTH
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name))
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - _CLOCK_SKEW)
            .not_valid_after(now + _VALIDITY)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False
            )
        )
        if hosts:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([_san(h) for h in hosts]), critical=False
            )
        certificate = builder.sign(self.key, hashes.SHA256())
        stem = f"{'client' if client else 'server'}-{common_name}-{certificate.serial_number:x}"
        cert_file = self.directory / f"{stem}.crt"
        key_file = self.directory / f"{stem}.key"
        cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(_key_pem(key))
        key_file.chmod(0o600)
        return Issued(common_name, cert_file, key_file)

    def client_context(
        self, certificate: Issued | None = None, *, maximum: ssl.TLSVersion = ssl.TLSVersion.MAXIMUM_SUPPORTED
    ) -> ssl.SSLContext:
        """A station's TLS context trusting only this CA: see :func:`client_context`."""
        return client_context(self, certificate, maximum=maximum)


def server_context(certificate: Issued, *, client_ca: CertificateAuthority | None = None) -> ssl.SSLContext:
    """A CSMS's TLS context: profile 2, or profile 3 (client certificates required) with ``client_ca``."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = MINIMUM_TLS
    context.load_cert_chain(certificate.cert_file, certificate.key_file)
    if client_ca is not None:
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(cadata=client_ca.cert_pem)
    return context


def client_context(
    trust: CertificateAuthority,
    certificate: Issued | None = None,
    *,
    maximum: ssl.TLSVersion = ssl.TLSVersion.MAXIMUM_SUPPORTED,
) -> ssl.SSLContext:
    """A station's TLS context trusting only ``trust``; with ``certificate`` for profile 3.

    Host names are checked (``PROTOCOL_TLS_CLIENT``'s default). ``maximum`` caps the version offered.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = MINIMUM_TLS
    context.maximum_version = maximum
    context.load_verify_locations(cadata=trust.cert_pem)
    if certificate is not None:
        context.load_cert_chain(certificate.cert_file, certificate.key_file)
    return context


@pytest.fixture(scope="module")
def tls_ca(tmp_path_factory: pytest.TempPathFactory) -> CertificateAuthority:
    """The CSMS's CA: it signs the server certificate and the stations' certificates."""
    return CertificateAuthority.create("ocppkit test CA", tmp_path_factory.mktemp("ca"))


@pytest.fixture(scope="module")
def tls_untrusted_ca(tmp_path_factory: pytest.TempPathFactory) -> CertificateAuthority:
    """Another CA, trusted by no one in the tests: its certificates are valid but foreign."""
    return CertificateAuthority.create("ocppkit rogue CA", tmp_path_factory.mktemp("rogue-ca"))


@pytest.fixture(scope="module")
def tls_server_certificate(tls_ca: CertificateAuthority) -> Issued:
    """The CSMS's certificate: CN ``localhost``, valid for ``localhost`` and ``127.0.0.1``."""
    return tls_ca.issue("localhost", hosts=("localhost", "127.0.0.1"))
