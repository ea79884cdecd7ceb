"""Typed decode/encode of OCPP payloads, validated against the official schemas.

The work is done by code generated per message (``ocppkit.v16._codec`` etc.): straight-line
type and bound tests and direct construction, no reflection at run time. JSON text is parsed
and written by msgspec.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import msgspec

from ocppkit.base import Message
from ocppkit.errors import ValidationError, Violation
from ocppkit.validation import Report, ValidationMode, log_report

__all__ = ["Codec", "decode", "decode_value", "encode", "encode_value", "parse_json"]

M = TypeVar("M", bound=Message)

_json_decode = msgspec.json.Decoder().decode
_json_encode = msgspec.json.Encoder().encode


class Codec:
    """How one generated message class travels: attached to it as ``__ocppkit_codec__``.

    Two paths, one meaning. The fast path decodes JSON bytes with msgspec into a generated
    "wire mirror" Struct (exact wire names, types, lengths, bounds, enums, unknown keys
    forbidden: a strict subset of the schema) and copies it into the dataclass. Anything it
    rejects goes to the generated pure-Python decoder, the authority, which either accepts it
    (what msgspec cannot express: ``5.0`` as a draft-6 integer, decimal ``multipleOf``) or
    raises the precise :class:`ValidationError`. Encoding mirrors this: build the mirror, write
    it, and check the bytes with the mirror's decoder; on any doubt the pure-Python encoder runs.
    """

    __slots__ = (
        "_check",
        "_decode",
        "action",
        "codes",
        "from_json",
        "from_wire",
        "loose",
        "role",
        "to_json",
        "to_wire",
        "unchecked",
        "version",
        "wire",
    )

    def __init__(
        self,
        *,
        version: str,
        action: str,
        role: str,
        from_json: Callable[[Any], Any],
        to_json: Callable[[Any], dict[str, Any]],
        codes: Mapping[Violation, str],
        wire: type[msgspec.Struct],
        from_wire: Callable[[Any], Any],
        to_wire: Callable[[Any], msgspec.Struct],
        loose: Callable[[Any], Any],
        unchecked: Callable[[Any], dict[str, Any]],
    ) -> None:
        self.version = version
        self.action = action
        self.role = role
        """``request`` or ``response``."""
        self.from_json = from_json
        """Validate a parsed JSON value and build the message (the authority)."""
        self.to_json = to_json
        """Validate a message and give the JSON value to write (the authority)."""
        self.codes = codes
        """The CALLERROR code this version sends for each violation."""
        self.wire = wire
        self.from_wire = from_wire
        self.to_wire = to_wire
        self.loose = loose
        """Parsed JSON → message without validation (lenient and off modes)."""
        self.unchecked = unchecked
        """Message → JSON value without validation (lenient and off modes)."""
        self._decode: Callable[[Any], Any] = self._first_decode
        """JSON bytes → wire mirror (msgspec's typed decoder, made on first use)."""

    def _first_decode(self, data: Any) -> Any:
        self._decode = msgspec.json.Decoder(self.wire).decode
        return self._decode(data)

    def fast_decode(self, data: Any) -> Any:
        """JSON bytes → message through the wire mirror; raises on anything it cannot vouch for."""
        return self.from_wire(self._decode(data))

    def fast_encode(self, message: Any) -> bytes:
        """Message → JSON bytes through the wire mirror, checked by decoding them again."""
        data: bytes = _json_encode(self.to_wire(message))
        self._decode(data)
        return data


_FAST_FAILURES = (msgspec.DecodeError, msgspec.EncodeError, ValidationError, AttributeError, TypeError)
"""What makes a fast path hand over to the authority (which then decides, and explains)."""


def _codec_of(cls: type[Any]) -> Codec:
    codec = getattr(cls, "__ocppkit_codec__", None)
    if not isinstance(codec, Codec):
        raise TypeError(f"{getattr(cls, '__qualname__', cls)!r} is not a generated OCPP message class")
    return codec


def _finish(exc: ValidationError, codec: Codec) -> ValidationError:
    exc.version = codec.version
    exc.code = codec.codes[exc.violation]
    return exc


def parse_json(data: bytes | bytearray | memoryview | str | msgspec.Raw) -> Any:
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


def decode(
    cls: type[M],
    data: bytes | bytearray | memoryview | str | msgspec.Raw,
    *,
    mode: ValidationMode = ValidationMode.STRICT,
    report: Report | None = None,
) -> M:
    """JSON payload (``bytes``, ``str`` or a ``msgspec.Raw`` slice of a frame) → validated
    instance of the generated class ``cls``.

    Raises :class:`ValidationError` whose ``code`` is the error code of ``cls``'s OCPP version.
    In ``LENIENT`` mode a violation is passed to ``report`` (default: a logged warning) and the
    payload is accepted as it is; ``OFF`` accepts it silently. Input that is not a JSON object
    is refused in every mode.
    """
    try:
        codec: Codec = cls.__ocppkit_codec__
        result: M = codec.from_wire(codec._decode(data))
        return result
    except _FAST_FAILURES:
        codec = _codec_of(cls)
    try:
        value = parse_json(data)
    except ValidationError as exc:
        raise _finish(exc, codec) from None
    if mode is ValidationMode.STRICT:
        return decode_value(cls, value)
    try:
        return decode_value(cls, value)
    except ValidationError as exc:
        if exc.violation is Violation.FORMAT:
            raise
        if mode is ValidationMode.LENIENT:
            (report or log_report)(exc)
    loose: M = codec.loose(value)
    return loose


def encode_value(message: Message) -> dict[str, Any]:
    """Validate ``message`` and give the JSON object (a ``dict``) that represents it."""
    codec = _codec_of(type(message))
    try:
        return codec.to_json(message)
    except ValidationError as exc:
        raise _finish(exc, codec) from None


def encode(
    message: Message, *, mode: ValidationMode = ValidationMode.STRICT, report: Report | None = None
) -> bytes:
    """Validate ``message`` and give its compact JSON as ``bytes``.

    In ``LENIENT`` mode a violation is reported (see :func:`decode`) and the message is written
    as it is; ``OFF`` writes it unchecked. A value with no JSON form (a naive ``datetime``, a
    ``set``) raises in every mode.
    """
    if mode is not ValidationMode.STRICT:
        return _encode_unchecked(message, mode, report)
    try:
        codec: Codec = message.__ocppkit_codec__
        data: bytes = _json_encode(codec.to_wire(message))
        codec._decode(data)  # the wire mirror's checks, at C speed
        return data
    except _FAST_FAILURES:
        _codec_of(type(message))
    return _json_encode(encode_value(message))


def _encode_unchecked(message: Message, mode: ValidationMode, report: Report | None) -> bytes:
    codec = _codec_of(type(message))
    if mode is ValidationMode.LENIENT:
        try:
            return encode(message)
        except ValidationError as exc:
            (report or log_report)(exc)
    try:
        return _json_encode(codec.unchecked(message))
    except ValidationError as exc:
        raise _finish(exc, codec) from None
    except (msgspec.EncodeError, TypeError, AttributeError) as exc:
        raise _finish(ValidationError(Violation.TYPE, f"no JSON form: {exc}"), codec) from None
