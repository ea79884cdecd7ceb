"""Helpers that the generated codecs call. Not public API.

The generated code does the common case inline (one type test and one bound test per value);
these functions run on the rare paths: building a precise [`ValidationError`][ocppkit.errors.ValidationError], parsing
and formatting date-times, and decimal ``multipleOf``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any, Final, TypeVar

import msgspec

from ocppkit.errors import ValidationError, Violation

__all__ = [
    "JSON_NULL",
    "Fallback",
    "JsonNull",
    "absent_or_null",
    "bad_array",
    "bad_bool",
    "bad_enum",
    "bad_int",
    "bad_number",
    "bad_str",
    "check_json",
    "checked_multiple",
    "extra_properties",
    "format_datetime",
    "int_from_json",
    "leftover",
    "list_of",
    "loose_datetime",
    "loose_json",
    "missing",
    "multiple_of",
    "not_multiple",
    "not_object",
    "out_of_range",
    "parse_datetime",
    "wire_datetime",
    "wrong_class",
]

T = TypeVar("T")
R = TypeVar("R")

_JSON_TYPES: Final = {
    dict: "an object",
    list: "an array",
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "a boolean",
    type(None): "null",
}


class JsonNull:
    """The JSON ``null`` inside a field whose schema allows any JSON (2.x ``DataTransfer.data``).

    Everywhere else ``None`` means "absent"; where ``null`` is a legal value it is
    `JSON_NULL`, so that absent and ``null`` both survive a round trip.
    """

    __slots__ = ()
    _instance: JsonNull | None = None

    def __new__(cls) -> JsonNull:
        if cls._instance is None:
            cls._instance = object.__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "JSON_NULL"

    def __bool__(self) -> bool:
        return False


JSON_NULL: Final = JsonNull()


def _kind(value: object) -> str:
    for cls in type(value).__mro__:
        name = _JSON_TYPES.get(cls)
        if name is not None:
            return name
    return f"a Python {type(value).__name__}"


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def not_object(value: object) -> ValidationError:
    return ValidationError(Violation.TYPE, f"expected an object, got {_kind(value)}")


def absent_or_null(data: Mapping[str, Any], key: str) -> ValidationError:
    """A required property that ``data.get`` found to be ``None``: missing, or ``null``."""
    if key in data:
        return ValidationError(Violation.TYPE, "null is not allowed")
    return ValidationError(Violation.OCCURRENCE, "required property is missing")


def missing() -> ValidationError:
    """A required attribute left ``None`` on a message being encoded."""
    return ValidationError(Violation.OCCURRENCE, "required property is missing (None)")


def wrong_class(value: object, expected: type) -> ValidationError:
    return ValidationError(
        Violation.TYPE, f"expected {expected.__qualname__}, got {type(value).__qualname__}"
    )


def check_json(value: object) -> object:
    """A value for a field that admits any JSON: it must be made of JSON types only."""
    if value is None or type(value) in (str, int, float, bool):
        return value
    if isinstance(value, list):
        for item in value:
            check_json(item)
        return value
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValidationError(Violation.TYPE, f"object key {key!r} is not a string")
            check_json(item)
        return value
    if isinstance(value, str | int | float):
        return value
    raise ValidationError(Violation.TYPE, f"{_kind(value)} is not JSON")


def leftover(
    data: Mapping[str, Any], known: frozenset[str], nullable: frozenset[str] = frozenset()
) -> ValidationError:
    """Keys that the generated decoder did not count: unknown properties, or ``null`` values
    (except in ``nullable`` fields, whose schema admits any JSON)."""
    for key in data:
        if key not in known:
            return ValidationError(Violation.STRUCTURE, "property is not defined by the schema", [key])
    for key, value in data.items():
        if value is None and key not in nullable:
            return ValidationError(Violation.TYPE, "null is not allowed", [key])
    return ValidationError(Violation.STRUCTURE, "unexpected properties")  # pragma: no cover


def bad_str(value: object, max_length: int | None) -> ValidationError:
    if not isinstance(value, str):
        return ValidationError(Violation.TYPE, f"expected a string, got {_kind(value)}")
    return ValidationError(
        Violation.PROPERTY, f"string of {len(value)} characters exceeds maxLength {max_length}"
    )


def bad_int(value: object) -> ValidationError:
    return ValidationError(Violation.TYPE, f"expected an integer, got {_kind(value)} {_show(value)}")


def int_from_json(value: object, integral_floats: bool) -> int:
    """An integer field's value that is not an ``int``: draft-06 admits ``5.0``; draft-04 does not."""
    if integral_floats and type(value) is float and value.is_integer():
        return int(value)
    raise bad_int(value)


def bad_number(value: object) -> ValidationError:
    if type(value) is float:
        return ValidationError(Violation.PROPERTY, f"{value!r} is not a JSON number")
    return ValidationError(Violation.TYPE, f"expected a number, got {_kind(value)} {_show(value)}")


def bad_bool(value: object) -> ValidationError:
    return ValidationError(Violation.TYPE, f"expected a boolean, got {_kind(value)}")


def out_of_range(value: float, minimum: float | None, maximum: float | None) -> ValidationError:
    if minimum is not None and value < minimum:
        return ValidationError(Violation.PROPERTY, f"{value!r} is less than the minimum {minimum!r}")
    return ValidationError(Violation.PROPERTY, f"{value!r} is greater than the maximum {maximum!r}")


def multiple_of(value: float, step: Decimal) -> bool:
    """``value`` is a multiple of ``step`` in exact decimal arithmetic (0.3 is a multiple of 0.1),
    at any magnitude (a JSON integer may have a thousand digits)."""
    try:
        return Fraction(repr(value)) % Fraction(step) == 0
    except (ValueError, ZeroDivisionError):
        return False


def checked_multiple(value: float, step: Decimal) -> float:
    """``value`` when it is a multiple of ``step`` (decimal arithmetic), else a PROPERTY error."""
    if multiple_of(value, step):
        return value
    raise not_multiple(value, step)


def not_multiple(value: float, step: Decimal) -> ValidationError:
    return ValidationError(Violation.PROPERTY, f"{value!r} is not a multiple of {step}")


def bad_enum(value: object, enum: type[StrEnum]) -> ValidationError:
    if not isinstance(value, str):
        return ValidationError(Violation.TYPE, f"expected a string, got {_kind(value)}")
    allowed = ", ".join(m.value for m in enum)
    if len(allowed) > 120:
        allowed = allowed[:117] + "..."
    return ValidationError(Violation.PROPERTY, f"{_show(value)} is not one of {enum.__name__}: {allowed}")


def bad_array(value: object, min_items: int | None, max_items: int | None) -> ValidationError:
    if not isinstance(value, list):
        return ValidationError(Violation.TYPE, f"expected an array, got {_kind(value)}")
    if min_items is not None and len(value) < min_items:
        return ValidationError(Violation.OCCURRENCE, f"{len(value)} items, at least {min_items} required")
    return ValidationError(Violation.OCCURRENCE, f"{len(value)} items, at most {max_items} allowed")


def list_of(fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """``[fn(x) for x in items]``, with the failing index put into the error's path."""
    try:
        return [fn(x) for x in items]
    except ValidationError:
        for i, x in enumerate(items):
            try:
                fn(x)
            except ValidationError as exc:
                raise exc.at(i) from None
        raise


_RFC3339: Final = re.compile(r"\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(?:\.\d+)?(?:[Zz]|[+-]\d\d:\d\d)", re.ASCII)


def parse_datetime(value: object) -> datetime:
    """An RFC 3339 ``date-time`` (as JSON Schema's format means it) → aware ``datetime``.

    The offset is kept; fractions beyond microseconds are truncated.
    """
    if type(value) is not str:
        raise ValidationError(Violation.TYPE, f"expected a date-time string, got {_kind(value)}")
    # The common form, "2026-11-24T10:15:30[.123]Z", skips the regular expression: these
    # positions rule out the other ISO 8601 forms fromisoformat would accept (week dates,
    # basic format, space separator, comma fractions).
    if (
        len(value) > 19
        and value[-1] == "Z"
        and value[10] == "T"
        and value[19] in ".Z"
        and value[-2] != "."  # "30.Z": fromisoformat takes a fraction without digits; RFC 3339 does not
        and value[4] == "-"
        and value[7] == "-"
        and value[13] == ":"
        and value[16] == ":"
        and value.isascii()
    ):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    elif _RFC3339.fullmatch(value) is not None:
        try:
            return datetime.fromisoformat(value.upper())
        except ValueError:
            pass
    raise ValidationError(Violation.PROPERTY, f"{_show(value)} is not an RFC 3339 date-time")


def loose_datetime(value: Any) -> Any:
    """Lenient modes: a date-time if the value is one, else the value as it came."""
    try:
        return parse_datetime(value)
    except ValidationError:
        return value


def loose_json(value: Any) -> Any:
    """Lenient modes, encoding a date-time field: canonical form when the value is an aware
    ``datetime``; anything else (a string kept by a lenient decode) as it is."""
    if isinstance(value, datetime) and value.utcoffset() is not None:
        return format_datetime(value)
    if isinstance(value, datetime):
        raise ValidationError(Violation.PROPERTY, "naive datetime: OCPP date-times need a time zone")
    return value


def now() -> datetime:
    """The current UTC time to the millisecond: OCPP 2.x asks for at most three fraction digits."""
    t = datetime.now(UTC)
    return t.replace(microsecond=t.microsecond // 1000 * 1000)


def format_datetime(value: object) -> str:
    """Canonical output: UTC with ``Z``; milliseconds when the value has them, microseconds when
    it needs them, no fraction when it has none. ``2026-11-24T10:15:30.123Z``. (An instant that
    UTC cannot hold in years 1-9999 keeps its own offset.)"""
    if not isinstance(value, datetime):
        raise ValidationError(Violation.TYPE, f"expected a datetime, got {_kind(value)}")
    offset = value.utcoffset()
    if offset is None:
        raise ValidationError(Violation.PROPERTY, "naive datetime: OCPP date-times need a time zone")
    micro = value.microsecond
    spec = "seconds" if micro == 0 else ("milliseconds" if micro % 1000 == 0 else "microseconds")
    if offset:
        try:
            value = value.astimezone(UTC)
        except OverflowError:  # the instant in UTC falls outside years 1-9999: keep its own offset
            return value.isoformat(timespec=spec)
    return value.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


_encode_json = msgspec.json.Encoder().encode


def wire_datetime(value: object) -> object:
    """`format_datetime` for a wire mirror being encoded by msgspec, the same text, faster: a UTC
    ``datetime`` whose canonical form msgspec writes itself (no fraction, or six digits) is
    returned as it is; one with whole milliseconds gets msgspec's text cut to three digits."""
    if type(value) is datetime and value.tzinfo is UTC:
        micro = value.microsecond
        if micro == 0 or micro % 1000:
            return value
        return _encode_json(value)[1:-5].decode() + "Z"  # "...30.123000Z" → "...30.123Z"
    return format_datetime(value)


def extra_properties(extra: Mapping[str, Any], known: frozenset[str]) -> Mapping[str, Any]:
    """Vendor keys of an open object (``customData``) being encoded: JSON, and not a listed property."""
    for key, value in extra.items():
        if not isinstance(key, str):
            raise ValidationError(Violation.TYPE, f"extra key {key!r} is not a string")
        if key in known:
            raise ValidationError(Violation.STRUCTURE, "extra key repeats a listed property", [key])
        try:
            check_json(value)
        except ValidationError as exc:
            raise exc.at(key) from None
    return extra


class Fallback(Exception):
    """A generated fast path met a value it does not vouch for: the pure-Python authority then
    decides (it accepts the value, or raises the precise [`ValidationError`][ocppkit.errors.ValidationError])."""
