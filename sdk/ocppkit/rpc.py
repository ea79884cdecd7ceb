"""OCPP-J framing without I/O: parse what arrives, build what leaves, per OCPP version.

Frames: CALL ``[2, id, action, payload]``, CALLRESULT ``[3, id, payload]``, CALLERROR
``[4, id, code, description, details]``, and in OCPP 2.1 also CALLRESULTERROR
``[5, id, code, description, details]`` and SEND ``[6, id, action, payload]``. Payloads stay
raw JSON bytes (``msgspec.Raw``) until the typed decode of the message class reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Final

import msgspec

__all__ = [
    "MAX_DESCRIPTION",
    "MAX_MESSAGE_ID",
    "BadFrame",
    "CallErrorFrame",
    "CallFrame",
    "IgnoredFrame",
    "MessageType",
    "ResultFrame",
    "SendFrame",
    "build_call",
    "build_error",
    "build_result",
    "parse_frame",
]

MAX_MESSAGE_ID: Final = 36
MAX_DESCRIPTION: Final = 255
"""2.x bounds ErrorDescription to 255 characters; ocppkit keeps to it in every version."""


class MessageType(IntEnum):
    CALL = 2
    CALLRESULT = 3
    CALLERROR = 4
    CALLRESULTERROR = 5
    SEND = 6


@dataclass(frozen=True, slots=True)
class CallFrame:
    unique_id: str
    action: str
    payload: msgspec.Raw


@dataclass(frozen=True, slots=True)
class SendFrame:
    unique_id: str
    action: str
    payload: msgspec.Raw


@dataclass(frozen=True, slots=True)
class ResultFrame:
    unique_id: str
    payload: msgspec.Raw


@dataclass(frozen=True, slots=True)
class CallErrorFrame:
    """A CALLERROR, or in 2.1 a CALLRESULTERROR (``result_error``)."""

    unique_id: str
    code: str
    description: str
    details: dict[str, Any] = field(default_factory=dict)
    result_error: bool = False


@dataclass(frozen=True, slots=True)
class BadFrame:
    """A frame that cannot be used; ``reply`` is what the version prescribes to send back."""

    reason: str
    reply: bytes | None


@dataclass(frozen=True, slots=True)
class IgnoredFrame:
    """A frame the version says to ignore (an unknown message type in 1.6 and 2.1)."""

    reason: str


Frame = CallFrame | SendFrame | ResultFrame | CallErrorFrame | BadFrame | IgnoredFrame


class _Four(msgspec.Struct, array_like=True, gc=False, forbid_unknown_fields=True):
    kind: int
    unique_id: str
    action: str
    payload: msgspec.Raw


class _Three(msgspec.Struct, array_like=True, gc=False, forbid_unknown_fields=True):
    kind: int
    unique_id: str
    payload: msgspec.Raw


class _Five(msgspec.Struct, array_like=True, gc=False, forbid_unknown_fields=True):
    kind: int
    unique_id: str
    code: str
    description: str
    details: dict[str, Any]


_four = msgspec.json.Decoder(_Four).decode
_three = msgspec.json.Decoder(_Three).decode
_five = msgspec.json.Decoder(_Five).decode
_any = msgspec.json.Decoder().decode
_encode = msgspec.json.Encoder().encode

_KNOWN: Final = {
    "1.6": frozenset({2, 3, 4}),
    "2.0.1": frozenset({2, 3, 4}),
    "2.1": frozenset({2, 3, 4, 5, 6}),
}


def _framework_error(version: str, unique_id: str, description: str) -> bytes | None:
    """The reply to a frame that is not a valid RPC message (id readable or "-1")."""
    if version == "1.6":
        if unique_id == "-1":
            return None  # 1.6 has no way to answer a message whose id cannot be read
        return build_error(unique_id, "FormationViolation", description)
    return build_error(unique_id, "RpcFrameworkError", description)


def parse_frame(data: bytes | str, version: str) -> Frame:
    """One WebSocket message → a frame, or what to answer when it is not a usable one.

    Never raises on any input: JSON nested too deep to parse, text that is not valid Unicode and
    frames with extra elements are bad frames like any other.
    """
    try:
        return _parse_frame(data, version)
    except (RecursionError, UnicodeError, ValueError) as exc:
        reason = "nested too deep" if isinstance(exc, RecursionError) else "not valid JSON text"
        return BadFrame(reason, _framework_error(version, "-1", f"message is {reason}"))


def _parse_frame(data: bytes | str, version: str) -> Frame:  # noqa: C901, PLR0911
    known = _KNOWN[version]
    try:
        four = _four(data)
        if four.kind == MessageType.CALL and len(four.unique_id) <= MAX_MESSAGE_ID:
            return CallFrame(four.unique_id, four.action, four.payload)
        if four.kind == MessageType.SEND and 6 in known and len(four.unique_id) <= MAX_MESSAGE_ID:
            return SendFrame(four.unique_id, four.action, four.payload)
    except msgspec.DecodeError:
        pass
    try:
        three = _three(data)
        if three.kind == MessageType.CALLRESULT:
            return ResultFrame(three.unique_id, three.payload)
    except msgspec.DecodeError:
        pass
    try:
        five = _five(data)
        if five.kind == MessageType.CALLERROR or (five.kind == MessageType.CALLRESULTERROR and 5 in known):
            return CallErrorFrame(
                five.unique_id,
                five.code,
                five.description,
                five.details,
                five.kind == MessageType.CALLRESULTERROR,
            )
    except msgspec.DecodeError:
        pass
    # Not a well-formed frame: find what can be said about it.
    try:
        value = _any(data)
    except msgspec.DecodeError:
        return BadFrame("not JSON", _framework_error(version, "-1", "message is not valid JSON"))
    if not isinstance(value, list) or not value or type(value[0]) is not int:
        return BadFrame(
            "not an OCPP-J frame", _framework_error(version, "-1", "message is not an OCPP-J array")
        )
    kind = value[0]
    unique_id = (
        value[1] if len(value) > 1 and type(value[1]) is str and len(value[1]) <= MAX_MESSAGE_ID else "-1"
    )
    if kind not in known:
        if version == "2.0.1":
            return BadFrame(
                f"message type {kind}",
                build_error(unique_id, "MessageTypeNotSupported", f"message type {kind} is not supported"),
            )
        return IgnoredFrame(f"message type {kind} is not part of OCPP {version}")
    if kind in (MessageType.CALL, MessageType.SEND):
        reply = _framework_error(version, unique_id, f"malformed {MessageType(kind).name} frame")
        return BadFrame(f"malformed {MessageType(kind).name}", reply if kind == MessageType.CALL else None)
    # A malformed CALLRESULT or CALLERROR: nothing to answer; the outstanding call times out.
    return BadFrame(f"malformed {MessageType(kind).name}", None)


def build_call(unique_id: str, action: str, payload: bytes, *, send: bool = False) -> bytes:
    kind = MessageType.SEND if send else MessageType.CALL
    return _encode([kind, unique_id, action, msgspec.Raw(payload)])


def build_result(unique_id: str, payload: bytes) -> bytes:
    return _encode([MessageType.CALLRESULT, unique_id, msgspec.Raw(payload)])


def build_error(
    unique_id: str,
    code: str,
    description: str,
    details: dict[str, Any] | None = None,
    *,
    result_error: bool = False,
) -> bytes:
    """A CALLERROR (or CALLRESULTERROR); the description is cut to 255 characters."""
    if len(description) > MAX_DESCRIPTION:
        description = description[: MAX_DESCRIPTION - 3] + "..."
    kind = MessageType.CALLRESULTERROR if result_error else MessageType.CALLERROR
    return _encode([kind, unique_id, code, description, details or {}])
