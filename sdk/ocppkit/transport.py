"""What the websockets server and client share: versions by subprotocol, and link settings."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from importlib import import_module
from types import ModuleType
from typing import Any, Final, Protocol

from websockets.exceptions import ConnectionClosed

__all__ = ["SUBPROTOCOLS", "LinkSettings", "pump", "text_sender", "version_module"]

SUBPROTOCOLS: Final = {"ocpp2.1": "v21", "ocpp2.0.1": "v201", "ocpp1.6": "v16"}
"""WebSocket subprotocol → ocppkit version package."""

_BY_VERSION: Final = {"2.1": "ocpp2.1", "2.0.1": "ocpp2.0.1", "1.6": "ocpp1.6"}


def version_module(version_or_subprotocol: str) -> ModuleType:
    """``"2.0.1"`` or ``"ocpp2.0.1"`` → ``ocppkit.v201``."""
    sub = _BY_VERSION.get(version_or_subprotocol, version_or_subprotocol)
    if sub not in SUBPROTOCOLS:
        raise ValueError(f"unknown OCPP version {version_or_subprotocol!r}; known: {', '.join(_BY_VERSION)}")
    return import_module(f"ocppkit.{SUBPROTOCOLS[sub]}")


class _Sends(Protocol):
    async def send(self, message: bytes, *, text: bool | None = None) -> None: ...


def text_sender(ws: _Sends) -> Callable[[bytes], Awaitable[None]]:
    """Send OCPP-J frames as WebSocket *text* frames (OCPP-J requires text; the bytes are UTF-8)."""

    async def send(data: bytes) -> None:
        await ws.send(data, text=True)

    return send


class _Receives(Protocol):
    def __aiter__(self) -> AsyncIterator[str | bytes]: ...


class _Fed(Protocol):
    async def receive(self, data: bytes | str) -> None: ...
    def connection_lost(self) -> None: ...


async def pump(ws: _Receives, connection: _Fed) -> None:
    """Feed every message of ``ws`` to ``connection`` until the link closes, then tell it so."""
    try:
        async for message in ws:
            await connection.receive(message)
    except ConnectionClosed:
        pass
    finally:
        connection.connection_lost()


def subprotocol_of(version: str) -> str:
    return _BY_VERSION.get(version, version)


@dataclass(frozen=True, slots=True)
class LinkSettings:
    """WebSocket settings; the defaults suit a charger on a metered mobile link.

    websockets' own defaults ping every 20 s from each side, which alone costs 30-60 MB a
    month: more than OCA's 25 MB budget for a charger. OCPP has its own liveness (Heartbeat,
    and 2.x's WebSocketPingInterval, which the CSMS may set), so ocppkit does not ping unless
    asked. permessage-deflate is on: OCPP's repetitive JSON compresses well.
    """

    ping_interval: float | None = None
    """Seconds between WebSocket pings from this side; ``None``: none."""
    ping_timeout: float | None = 30.0
    compression: bool = True
    """permessage-deflate (RFC 7692); OCPP 2.x requires a CSMS to support it."""
    max_message_size: int = 256 * 1024
    """Larger incoming messages close the connection (1009)."""
    open_timeout: float = 10.0
    close_timeout: float = 5.0

    def websocket_options(self) -> dict[str, Any]:
        """These settings as keyword arguments of websockets' ``serve`` and ``connect``."""
        return {
            "compression": "deflate" if self.compression else None,
            "ping_interval": self.ping_interval,
            "ping_timeout": self.ping_timeout,
            "max_size": self.max_message_size,
            "open_timeout": self.open_timeout,
            "close_timeout": self.close_timeout,
        }
