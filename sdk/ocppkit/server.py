"""A CSMS endpoint over WebSocket: every OCPP version on one port, negotiated by subprotocol.

``ws://host:port/<anything>/<identity>``: the station identity is the last path segment.
Security profiles: 1 (HTTP Basic auth), 2 (TLS + Basic auth), 3 (TLS with client
certificates whose subject CN must equal the identity).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
import ssl
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.http11 import Request, Response
from websockets.typing import Subprotocol

from ocppkit.connection import CsmsConnection, MessageIds
from ocppkit.transport import (
    SUBPROTOCOLS,
    LinkSettings,
    ServerFeed,
    Trace,
    pump,
    subprotocol_of,
    text_sender,
    version_module,
)
from ocppkit.validation import ValidationPolicy

__all__ = ["CsmsServer", "StationInfo", "passwords"]

_log = logging.getLogger("ocppkit.server")

CheckPassword = Callable[[str, str], bool | Awaitable[bool]]


def passwords(table: Mapping[str, str]) -> CheckPassword:
    """A password check over an ``identity → password`` table, in constant time."""

    def check(identity: str, password: str) -> bool:
        expected = table.get(identity)
        # Compare even when the identity is unknown, so that timing tells nothing.
        ok = hmac.compare_digest((expected or "\0" * 32).encode(), password.encode())
        return ok and expected is not None

    return check


@dataclass(frozen=True, slots=True)
class StationInfo:
    """Who connected: given to the handler factory and the accept hook."""

    identity: str
    version: str
    subprotocol: str
    remote: Any
    certificate_cn: str | None = None


HandlersFactory = Callable[[StationInfo], object]


def _identity_of(path: str) -> str:
    return unquote(path.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1])


def _basic_auth(headers: Headers) -> tuple[str, str] | None:
    value = headers.get("Authorization", "")
    if not value.lower().startswith("basic "):
        return None
    try:
        user, _, password = base64.b64decode(value[6:].strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return user, password


def _peer_cn(connection: ServerConnection) -> str | None:
    ssl_object = connection.transport.get_extra_info("ssl_object")
    if ssl_object is None:
        return None
    cert = ssl_object.getpeercert()
    if not cert:
        return None
    for rdn in cert.get("subject", ()):
        for key, value in rdn:
            if key == "commonName":
                return str(value)
    return None


@dataclass(slots=True)
class CsmsServer:
    """One CSMS endpoint for OCPP 1.6, 2.0.1 and 2.1.

    ``handlers(info)`` returns the handler object for a new connection: an instance of the
    negotiated version's ``CsmsHandlers`` subclass (``info.version`` says which).
    """

    handlers: HandlersFactory
    versions: tuple[str, ...] = ("2.1", "2.0.1", "1.6")
    """The versions served; a client's preference order decides among them."""
    check_password: CheckPassword | None = None
    """Security profiles 1 and 2: HTTP Basic auth, user name = identity. ``None``: no password."""
    ssl: ssl.SSLContext | None = None
    """Profiles 2 and 3. For 3, require client certificates (``verify_mode = CERT_REQUIRED``)."""
    accept: Callable[[StationInfo], bool | Awaitable[bool]] | None = None
    """Refuse unknown stations: ``False`` answers HTTP 404."""
    link: LinkSettings = field(default_factory=LinkSettings)
    call_timeout: float = 30.0
    policy: ValidationPolicy = field(default_factory=ValidationPolicy)
    trace: Trace | None = None
    """Called with every frame sent and received (identity, ``"in"``/``"out"``, frame)."""
    on_disconnect: Callable[[StationInfo], object] | None = None
    """Called when a station's connection has ended (a coroutine function is awaited)."""
    connections: dict[str, CsmsConnection] = field(default_factory=dict)
    """The live connections by station identity: call any station through them."""
    _ids: dict[str, MessageIds] = field(default_factory=dict)
    _server: Server | None = None

    @property
    def port(self) -> int:
        assert self._server is not None, "not started"
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> CsmsServer:
        offered = [Subprotocol(subprotocol_of(v)) for v in self.versions]
        self._server = await serve(
            self._serve,
            host,
            port,
            subprotocols=offered,
            select_subprotocol=self._select,
            process_request=self._check,
            create_connection=ServerFeed,
            ssl=self.ssl,
            **self.link.websocket_options(),
            server_header=None,
        )
        return self

    async def __aenter__(self) -> CsmsServer:
        if self._server is None:
            await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Stop accepting, close every connection (1001 going away) and wait for them."""
        if self._server is None:
            return
        self._server.close(close_connections=True)
        await self._server.wait_closed()
        self._server = None

    def _select(self, connection: ServerConnection, offered: Any) -> Subprotocol | None:
        served = {subprotocol_of(v) for v in self.versions}
        for sub in offered:
            if sub in served:
                return Subprotocol(sub)
        return None  # OCPP-J: answer without a subprotocol, then close

    async def _check(self, connection: ServerConnection, request: Request) -> Response | None:
        identity = _identity_of(request.path)
        if not identity or ":" in identity or len(identity) > 48:
            return connection.respond(HTTPStatus.NOT_FOUND, "Unknown charging station\n")
        if self.check_password is not None:
            credentials = _basic_auth(request.headers)
            ok = False
            if credentials is not None and hmac.compare_digest(credentials[0].encode(), identity.encode()):
                result = self.check_password(identity, credentials[1])
                ok = bool(await result) if isinstance(result, Awaitable) else bool(result)
            if not ok:
                response = connection.respond(HTTPStatus.UNAUTHORIZED, "Unauthorized\n")
                response.headers["WWW-Authenticate"] = 'Basic realm="OCPP", charset="UTF-8"'
                return response
        cn = _peer_cn(connection)
        required = self.ssl is not None and self.ssl.verify_mode == ssl.CERT_REQUIRED
        if (cn is not None or required) and cn != identity:
            # Security profile 3: a client certificate, when given, must name this station.
            return connection.respond(HTTPStatus.UNAUTHORIZED, "Certificate does not match the identity\n")
        if self.accept is not None:
            info = StationInfo(identity, "", "", connection.remote_address, cn)
            result = self.accept(info)
            known = bool(await result) if isinstance(result, Awaitable) else bool(result)
            if not known:
                return connection.respond(HTTPStatus.NOT_FOUND, "Unknown charging station\n")
        return None

    async def _serve(self, ws: ServerConnection) -> None:
        identity = _identity_of(ws.request.path if ws.request else "")
        if ws.subprotocol is None or ws.subprotocol not in SUBPROTOCOLS:
            await ws.close(1002, "no common OCPP version")
            return
        module = version_module(ws.subprotocol)
        info = StationInfo(identity, module.OCPP_VERSION, ws.subprotocol, ws.remote_address, _peer_cn(ws))
        connection = CsmsConnection(
            version=module,
            handlers=self.handlers(info),
            send=text_sender(ws),
            identity=identity,
            message_ids=self._ids.setdefault(identity, MessageIds()),
            call_timeout=self.call_timeout,
            policy=self.policy,
            trace=self.trace,
        )
        previous = self.connections.get(identity)
        self.connections[identity] = connection
        if previous is not None:
            _log.info("%s reconnected; the previous connection is replaced", identity)
        _log.info("%s connected with %s", identity, ws.subprotocol)
        try:
            await pump(ws, connection)
        finally:
            if self.connections.get(identity) is connection:
                del self.connections[identity]
            _log.info("%s disconnected", identity)
            if self.on_disconnect is not None:
                try:
                    result = self.on_disconnect(info)
                    if isinstance(result, Awaitable):
                        await result
                except Exception:
                    _log.exception("on_disconnect hook failed for %s", identity)
