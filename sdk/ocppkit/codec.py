"""Typed decode/encode of OCPP payloads, validated against the official schemas.

The work is done by code generated per message (``ocppkit.v16._codec`` etc.): straight-line
type and bound tests and direct construction, no reflection at run time. JSON text is parsed
and written by msgspec.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import msgspec

from ocppkit.base import Message
from ocppkit.errors import ValidationError, Violation

__all__ = ["Codec", "decode", "decode_value", "encode", "encode_value", "parse_json"]

M = TypeVar("M", bound=Message)

_json_decode = msgspec.json.Decoder().decode
_json_encode = msgspec.json.Encoder().encode


@dataclass(frozen=True, slots=True)
class Codec:
    """How one generated message class travels: attached to it as ``__ocppkit_codec__``."""

    version: str
    action: str
    role: str
    """``request`` or ``response``."""
    from_json: Callable[[Any], Any]
    """Validate a parsed JSON value and build the message."""
    to_json: Callable[[Any], dict[str, Any]]
    """Validate a message and give the JSON value to write."""
    codes: Mapping[Violation, str]
    """The CALLERROR code this version sends for each violation."""


def _codec_of(cls: type[Any]) -> Codec:
    codec = getattr(cls, "__ocppkit_codec__", None)
    if not isinstance(codec, Codec):
        raise TypeError(f"{cls.__qualname__} is not a generated OCPP message class")
    return codec


def _finish(exc: ValidationError, codec: Codec) -> ValidationError:
    exc.version = codec.version
    exc.code = codec.codes[exc.violation]
    return exc


def parse_json(data: bytes | str) -> Any:
    """JSON text → Python value; bad JSON raises a FORMAT :class:`ValidationError` (no code yet)."""
    try:
        return _json_decode(data)
    except msgspec.DecodeError as exc:
        raise ValidationError(Violation.FORMAT, f"not valid JSON: {exc}") from None


def decode_value(cls: type[M], value: Any) -> M:
    """Validate an already parsed JSON value against ``cls``'s schema and build an instance."""
    codec = _codec_of(cls)
    try:
        result: M = codec.from_json(value)
    except ValidationError as exc:
        if exc.violation is Violation.TYPE and not exc.path:
            exc.violation = Violation.FORMAT
            exc.detail = exc.detail.replace("an object", "a JSON object", 1)
        raise _finish(exc, codec) from None
    return result


def decode(cls: type[M], data: bytes | str) -> M:
    """JSON payload (``bytes`` or ``str``) → validated instance of the generated class ``cls``.

    Raises :class:`ValidationError` whose ``code`` is the error code of ``cls``'s OCPP version.
    """
    codec = _codec_of(cls)
    try:
        value = parse_json(data)
    except ValidationError as exc:
        raise _finish(exc, codec) from None
    return decode_value(cls, value)


def encode_value(message: Message) -> dict[str, Any]:
    """Validate ``message`` and give the JSON object (a ``dict``) that represents it."""
    codec = _codec_of(type(message))
    try:
        return codec.to_json(message)
    except ValidationError as exc:
        raise _finish(exc, codec) from None


def encode(message: Message) -> bytes:
    """Validate ``message`` and give its compact JSON as ``bytes``."""
    return _json_encode(encode_value(message))
