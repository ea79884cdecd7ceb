"""Security profiles 2 and 3 on real TLS over loopback, with certificates made at test time.

Profile 2: the CSMS has a server certificate, the station trusts its CA and sends HTTP Basic auth.
Profile 3: mutual TLS; the station's certificate subject CN must be its identity. TLS 1.2 or above
only, on both sides (OCPP 2.x). The certificates come from ``certs.py`` (EC P-256, module-scoped).
"""

from __future__ import annotations

import asyncio
import ssl
import warnings
from collections.abc import Coroutine
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

from ocppkit import v201
from ocppkit.client import Backoff, HandshakeRefused, StationClient
from ocppkit.connection import CallContext, StationConnection
from ocppkit.server import CsmsServer, StationInfo, passwords

if TYPE_CHECKING:
    from certs import CertificateAuthority, Issued

pytest_plugins = ("certs",)

T = TypeVar("T")
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
PASSWORD = "s3cret-s3cret-s3cret"

TLS_VERSIONS = pytest.mark.parametrize(
    ("maximum", "negotiated"),
    [(ssl.TLSVersion.TLSv1_2, "TLSv1.2"), (ssl.TLSVersion.MAXIMUM_SUPPORTED, "TLSv1.3")],
    ids=["tls1.2", "tls1.3"],
)

# What a station sees when the CSMS aborts the TLS handshake: with TLS 1.2 the handshake itself
# fails (reset or alert); with TLS 1.3 the client's side of the handshake is already done when the
# server rejects its certificate, so the connection just ends before the HTTP response
# (HandshakeRefused, from websockets' InvalidMessage).
REFUSED_TLS = (ssl.SSLError, ConnectionResetError, HandshakeRefused)


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(asyncio.wait_for(coro, 20))


class Csms(v201.CsmsHandlers):
    async def on_boot_notification(
        self, request: v201.BootNotificationRequest, context: CallContext
    ) -> v201.BootNotificationResponse:
        return v201.BootNotificationResponse(
            current_time=NOW, interval=300, status=v201.RegistrationStatusEnumType.ACCEPTED
        )


class _Server(CsmsServer):
    """A CSMS that records who connected, and who got as far as the HTTP handshake (a __dict__ subclass)."""

    stations: list[StationInfo]
    reached_http: list[str]


def _server(context: ssl.SSLContext, **kwargs: object) -> _Server:
    stations: list[StationInfo] = []
    reached_http: list[str] = []

    def factory(info: StationInfo) -> object:
        stations.append(info)
        return Csms()

    def accept(info: StationInfo) -> bool:
        reached_http.append(info.identity)
        return True

    server = _Server(handlers=factory, ssl=context, accept=accept, versions=("2.0.1",), **kwargs)  # type: ignore[arg-type]
    server.stations, server.reached_http = stations, reached_http
    return server


def _client(
    server: CsmsServer, identity: str, context: ssl.SSLContext | None, **kwargs: object
) -> StationClient:
    return StationClient(
        f"wss://127.0.0.1:{server.port}/ocpp",
        identity,
        lambda version: v201.StationHandlers(),
        ssl=context,
        **kwargs,  # type: ignore[arg-type]
    )


def _tls_version(client: StationClient) -> str | None:
    """The negotiated protocol, e.g. ``TLSv1.3`` (through the client's private WebSocket: no public accessor)."""
    assert client._ws is not None
    ssl_object = client._ws.transport.get_extra_info("ssl_object")
    assert isinstance(ssl_object, ssl.SSLObject)
    return ssl_object.version()


async def _boot(connection: StationConnection) -> None:
    response = await connection.call(
        v201.BootNotificationRequest(
            charging_station=v201.ChargingStationType(model="M", vendor_name="V"),
            reason=v201.BootReasonEnumType.POWER_UP,
        )
    )
    assert response.status is v201.RegistrationStatusEnumType.ACCEPTED
    assert response.current_time == NOW


# Security profile 2: TLS with a server certificate, HTTP Basic auth.


@TLS_VERSIONS
def test_profile_2_right_password_connects_and_boots(
    tls_ca: CertificateAuthority, tls_server_certificate: Issued, maximum: ssl.TLSVersion, negotiated: str
) -> None:
    async def main() -> None:
        server = _server(tls_server_certificate.server_context(), check_password=passwords({"CP2": PASSWORD}))
        async with server:
            client = _client(server, "CP2", tls_ca.client_context(maximum=maximum), password=PASSWORD)
            connection = await client.connect()
            await _boot(connection)
            assert _tls_version(client) == negotiated
            assert [(s.identity, s.version, s.certificate_cn) for s in server.stations] == [
                ("CP2", "2.0.1", None)
            ]
            await client.close()

    run(main())


@pytest.mark.parametrize("password", ["wrong-wrong-wrong-wrong", None])
def test_profile_2_wrong_or_no_password_is_refused_with_401(
    tls_ca: CertificateAuthority, tls_server_certificate: Issued, password: str | None
) -> None:
    async def main() -> None:
        server = _server(tls_server_certificate.server_context(), check_password=passwords({"CP2": PASSWORD}))
        async with server:
            with pytest.raises(HandshakeRefused) as info:
                await _client(server, "CP2", tls_ca.client_context(), password=password).connect()
            assert info.value.status == 401
            assert server.stations == []

    run(main())


@pytest.mark.parametrize("trust", ["another CA", "the system store"])
def test_profile_2_a_station_that_does_not_trust_the_ca_cannot_connect(
    tls_untrusted_ca: CertificateAuthority, tls_server_certificate: Issued, trust: str
) -> None:
    async def main() -> None:
        server = _server(tls_server_certificate.server_context(), check_password=passwords({"CP2": PASSWORD}))
        if trust == "another CA":
            context = tls_untrusted_ca.client_context()
        else:
            context = ssl.create_default_context()
            context.minimum_version = ssl.TLSVersion.TLSv1_2
        async with server:
            with pytest.raises(ssl.SSLCertVerificationError):
                await _client(server, "CP2", context, password=PASSWORD).connect()
            assert server.reached_http == [] and server.stations == []

    run(main())


def test_tls_below_1_2_is_refused(tls_ca: CertificateAuthority, tls_server_certificate: Issued) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # TLSVersion.TLSv1_1 is deprecated
        old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        old.minimum_version = old.maximum_version = ssl.TLSVersion.TLSv1_1
        old.set_ciphers("DEFAULT:@SECLEVEL=0")
        old.load_verify_locations(cadata=tls_ca.cert_pem)
        lax = tls_server_certificate.server_context()
        lax.minimum_version = ssl.TLSVersion.TLSv1_1
        lax.set_ciphers("DEFAULT:@SECLEVEL=0")

    async def main() -> None:
        # The control: this OpenSSL can speak TLS 1.1 at all, so the refusal below is the server's.
        server = _server(lax)
        async with server:
            client = _client(server, "OLD", old)
            try:
                await client.connect()
            except ssl.SSLError as exc:
                pytest.skip(f"this OpenSSL cannot speak TLS 1.1 at all: {exc}")
            assert _tls_version(client) == "TLSv1.1"
            await client.close()
        server = _server(tls_server_certificate.server_context())
        async with server:
            with pytest.raises((ssl.SSLError, ConnectionResetError)):
                await _client(server, "OLD", old).connect()
            assert server.reached_http == []

    run(main())


# Security profile 3: mutual TLS, the certificate's subject CN is the station identity.


@TLS_VERSIONS
def test_profile_3_a_certificate_for_the_identity_connects_and_boots(
    tls_ca: CertificateAuthority, tls_server_certificate: Issued, maximum: ssl.TLSVersion, negotiated: str
) -> None:
    async def main() -> None:
        context = tls_server_certificate.server_context(client_ca=tls_ca)
        assert context.verify_mode == ssl.CERT_REQUIRED
        server = _server(context)
        async with server:
            station = tls_ca.issue("CP3", client=True)
            client = _client(server, "CP3", tls_ca.client_context(station, maximum=maximum))
            connection = await client.connect()
            await _boot(connection)
            assert _tls_version(client) == negotiated
            assert [(s.identity, s.certificate_cn) for s in server.stations] == [("CP3", "CP3")]
            assert set(server.connections) == {"CP3"}
            await client.close()

    run(main())


def test_profile_3_a_valid_certificate_for_another_identity_is_refused_with_401(
    tls_ca: CertificateAuthority, tls_server_certificate: Issued
) -> None:
    async def main() -> None:
        server = _server(tls_server_certificate.server_context(client_ca=tls_ca))
        async with server:
            someone_else = tls_ca.issue("CP-OTHER", client=True)
            with pytest.raises(HandshakeRefused) as info:
                await _client(server, "CP3", tls_ca.client_context(someone_else)).connect()
            assert info.value.status == 401
            assert server.stations == [] and server.connections == {}
            # The same certificate under its own identity is fine.
            await _client(server, "CP-OTHER", tls_ca.client_context(someone_else)).connect()
            assert set(server.connections) == {"CP-OTHER"}

    run(main())


@pytest.mark.parametrize(
    "maximum", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.MAXIMUM_SUPPORTED], ids=["tls1.2", "tls1.3"]
)
@pytest.mark.parametrize("certificate", ["none", "from another CA"])
def test_profile_3_without_a_trusted_client_certificate_the_tls_handshake_fails(
    tls_ca: CertificateAuthority,
    tls_untrusted_ca: CertificateAuthority,
    tls_server_certificate: Issued,
    certificate: str,
    maximum: ssl.TLSVersion,
) -> None:
    async def main() -> None:
        station = tls_untrusted_ca.issue("CP3", client=True) if certificate != "none" else None
        server = _server(tls_server_certificate.server_context(client_ca=tls_ca))
        async with server:
            with pytest.raises(REFUSED_TLS):
                await _client(server, "CP3", tls_ca.client_context(station, maximum=maximum)).connect()
            # Refused by TLS: the request never reached the HTTP checks.
            assert server.reached_http == [] and server.stations == []

    run(main())


def test_profile_3_run_keeps_retrying_when_the_certificate_is_refused(
    tls_ca: CertificateAuthority, tls_server_certificate: Issued
) -> None:
    async def main() -> None:
        server = _server(tls_server_certificate.server_context(client_ca=tls_ca))
        async with server:
            client = _client(
                server, "CP3", tls_ca.client_context(), backoff=Backoff(wait_minimum=0.01, random_range=0)
            )
            task = asyncio.ensure_future(client.run())
            for _ in range(50):  # long enough for a dozen attempts at a 10 ms back-off
                if task.done():
                    break
                await asyncio.sleep(0.01)
            if task.done():
                task.result()  # raises what ended run()
            assert not task.done()  # still retrying, as for any other refusal
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    run(main())


def test_profile_2_a_wss_url_without_a_context_uses_the_system_store(tls_server_certificate: Issued) -> None:
    async def main() -> None:
        server = _server(tls_server_certificate.server_context())
        async with server:
            # Our test CA is in no system store: verification fails, as for any untrusted CSMS.
            with pytest.raises(ssl.SSLCertVerificationError):
                await _client(server, "CP2", None).connect()

    run(main())
