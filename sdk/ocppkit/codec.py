"""Typed decode/encode of OCPP payloads, validated against the official schemas.

The work is done by code generated per message (``ocppkit.v16._codec`` etc.): straight-line
type and bound tests and direct construction, no reflection at run time. JSON text is parsed
and written by msgspec.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal, TypeVar

import msgspec

from ocppkit._rt import Fallback
from ocppkit.base import Message
from ocppkit.errors import ValidationError, Violation
from ocppkit.validation import Report, ValidationMode, log_report

__all__ = ["Codec", "decode", "decode_value", "encode", "encode_frame", "encode_value", "parse_json"]

M = TypeVar("M", bound=Message)

_json_decode = msgspec.json.Decoder().decode
_json_encode = msgspec.json.Encoder().encode
_STRICT = ValidationMode.STRICT
_CALLRESULT = 3


class Codec:
    """How one generated message class travels: attached to it as ``__ocppkit_codec__``.

    Two paths, one meaning. The fast path decodes JSON bytes with msgspec into a generated
    "wire mirror" Struct (exact wire names, types, lengths, bounds, enums, unknown keys
    forbidden: a strict subset of the schema) and copies it into the dataclass. Anything it
    rejects goes to the generated pure-Python decoder, the authority, which either accepts it
    (what msgspec cannot express: ``5.0`` as a draft-6 integer, decimal ``multipleOf``) or
    raises the precise [`ValidationError`][ocppkit.errors.ValidationError]. Encoding mirrors this: ``to_wire`` checks the
    message's values where they are (types, lengths, bounds, enums, items, classes of nested
    objects; the authority's rules, except that an enum field also takes a member of another
    enum whose value it allows, written as that value) while it builds the mirror that msgspec
    writes; on any doubt it raises `Fallback` and the pure-Python encoder
    runs, which accepts the value or explains why not.

    `attach` also puts the two fast paths on the class itself (``__ocppkit_decode__``,
    ``__ocppkit_wire__``): one attribute lookup fewer per message than through the codec.
    """

    __slots__ = (
        "action",
        "codes",
        "fast_decode",
        "frame",
        "frame_decode",
        "from_json",
        "from_wire",
        "fuse",
        "loose",
        "owner",
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
        to_wire: Callable[..., Any],
        loose: Callable[[Any], Any],
        unchecked: Callable[[Any], dict[str, Any]],
        fuse: Callable[[Callable[[Any], Any]], Callable[[Any], Any]],
        frame: int,
    ) -> None:
        self.version = version
        self.action = action
        self.role = role
        """``request`` or ``response``."""
        self.frame = frame
        """The OCPP-J message type of the frame that carries it: 2 (CALL), 3 (CALLRESULT) or 6 (SEND)."""
        self.from_json = from_json
        """Validate a parsed JSON value and build the message (the authority)."""
        self.to_json = to_json
        """Validate a message and give the JSON value to write (the authority)."""
        self.codes = codes
        """The CALLERROR code this version sends for each violation."""
        self.wire = wire
        self.from_wire = from_wire
        """Wire mirror → message."""
        self.to_wire = to_wire
        """Message → wire mirror, its values checked on the way; raises on anything in doubt.
        Given a unique id as well, the items of the whole frame: ``(2, id, action, mirror)``."""
        self.fuse = fuse
        """The mirror's JSON decoder → a JSON bytes → message function (``from_wire`` inlined)."""
        self.loose = loose
        """Parsed JSON → message without validation (lenient and off modes)."""
        self.unchecked = unchecked
        """Message → JSON value without validation (lenient and off modes)."""
        self.fast_decode: Callable[[Any], Any] = self._first_decode
        """JSON bytes → message through the wire mirror; raises on anything it cannot vouch for.
        (msgspec's typed decoder is made on first use.)"""
        self.frame_decode: Callable[[Any], Any] = self._first_frame_decode
        """A whole CALL (or SEND) frame's JSON → the message it carries, in one pass through the
        wire mirror; raises on anything it cannot vouch for, frame or payload. Requests only.
        (Made on first use.)"""
        self.owner: type[Any] | None = None
        """The message class, once `attach` has made this its codec."""

    def attach(self, cls: type[Any]) -> None:
        """Make this the codec of the generated message class ``cls``."""
        self.owner = cls
        cls.__ocppkit_codec__ = self
        # Plain functions: read through the class, ``__ocppkit_decode__`` stays unbound;
        # read through an instance, ``__ocppkit_wire__`` gets the message as its argument.
        cls.__ocppkit_decode__ = self._first_decode
        cls.__ocppkit_wire__ = self.to_wire

    def _first_decode(self, data: Any) -> Any:
        try:
            fast = self.fuse(msgspec.json.Decoder(self.wire).decode)
        except TypeError:  # a mirror whose constraints msgspec refuses: the authority decodes
            fast = _no_fast_path
        self.fast_decode = fast
        if self.owner is not None:
            self.owner.__ocppkit_decode__ = fast
        return fast(data)

    def _first_frame_decode(self, data: Any) -> Any:
        try:
            items = msgspec.json.Decoder(tuple[Literal[self.frame], str, str, self.wire]).decode  # type: ignore[name-defined]

            def payload(data: Any) -> Any:
                return items(data)[3]

            fast = self.fuse(payload)
        except TypeError:
            fast = _no_fast_path
        self.frame_decode = fast
        return fast(data)


def _no_fast_path(data: Any) -> Any:
    raise Fallback


_FAST_FAILURES = (
    Fallback,
    msgspec.DecodeError,
    msgspec.EncodeError,
    ValidationError,
    AttributeError,
    TypeError,
    RecursionError,
)
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
    """JSON text → Python value; bad JSON raises a FORMAT [`ValidationError`][ocppkit.errors.ValidationError] (no code yet)."""
    try:
        return _json_decode(data)
    except msgspec.DecodeError as exc:
        raise ValidationError(Violation.FORMAT, f"not valid JSON: {exc}") from None
    except RecursionError:
        raise ValidationError(Violation.FORMAT, "JSON nested too deep to read") from None


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


# ``mode`` and ``report`` of decode, encode and encode_frame are meant to be passed by keyword;
# they are not keyword-only because CPython 3.11 does not specialise calls to functions with
# keyword-only parameters, which costs these per-message calls some 30-50 ns each (3% of a
# BootNotification's decode).


def decode(
    cls: type[M],
    data: bytes | bytearray | memoryview | str | msgspec.Raw,
    mode: ValidationMode = _STRICT,
    report: Report | None = None,
) -> M:
    """JSON payload (``bytes``, ``str`` or a ``msgspec.Raw`` slice of a frame) → validated
    instance of the generated class ``cls``.

    Raises [`ValidationError`][ocppkit.errors.ValidationError] whose ``code`` is the error code of ``cls``'s OCPP version.
    In ``LENIENT`` mode a violation is passed to ``report`` (default: a logged warning) and the
    payload is accepted as it is; ``OFF`` accepts it silently. Input that is not a JSON object
    is refused in every mode.
    """
    try:
        fast: Any = cls
        result: M = fast.__ocppkit_decode__(data)
        return result
    except _FAST_FAILURES:
        codec = _codec_of(cls)
    try:
        value = parse_json(data)
    except ValidationError as exc:
        raise _finish(exc, codec) from None
    if mode is _STRICT:
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


def encode(message: Message, mode: ValidationMode = _STRICT, report: Report | None = None) -> bytes:
    """Validate ``message`` and give its compact JSON as ``bytes``.

    In ``LENIENT`` mode a violation is reported (see [`decode`][ocppkit.codec.decode]) and the message is written
    as it is; ``OFF`` writes it unchecked. A value with no JSON form (a naive ``datetime``, a
    ``set``) raises in every mode.
    """
    if mode is not _STRICT:
        return _encode_unchecked(message, mode, report)
    try:
        fast: Any = message
        data: bytes = _json_encode(fast.__ocppkit_wire__())
        return data
    except _FAST_FAILURES:
        _codec_of(type(message))
    return _json_encode(encode_value(message))


def encode_frame(
    message: Message, unique_id: str, mode: ValidationMode = _STRICT, report: Report | None = None
) -> bytes:
    """Validate ``message`` and give the whole OCPP-J frame that carries it as compact JSON
    ``bytes``, written in one pass: ``[2, unique_id, action, payload]`` for a request,
    ``[6, unique_id, action, payload]`` for an OCPP 2.1 SEND message, ``[3, unique_id, payload]``
    for a response. The payload is what [`encode`][ocppkit.codec.encode] gives, under the same ``mode``/``report``.
    """
    if mode is _STRICT:
        try:
            fast: Any = message
            data: bytes = _json_encode(fast.__ocppkit_wire__(unique_id))  # the frame's items
            return data
        except _FAST_FAILURES:
            codec = _codec_of(type(message))
        payload = msgspec.Raw(_json_encode(encode_value(message)))
    else:
        codec = _codec_of(type(message))
        payload = msgspec.Raw(_encode_unchecked(message, mode, report))
    if codec.frame == _CALLRESULT:
        return _json_encode([_CALLRESULT, unique_id, payload])
    return _json_encode([codec.frame, unique_id, codec.action, payload])


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
