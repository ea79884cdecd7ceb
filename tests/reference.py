"""The trusted oracle: the official schemas checked by ``jsonschema``, independent of ocppkit.

One validator per schema file, compiled once: ``Draft4Validator`` for draft-04 files,
``Draft6Validator`` for draft-06, with a format checker that checks ``date-time`` (RFC 3339,
via ``rfc3339-validator``) and a ``multipleOf`` in exact decimal arithmetic, so that 0.3 is a
multiple of 0.1 as ocppkit defines it. Also: the ocppkit :class:`~ocppkit.Violation` each
jsonschema error stands for, and date-time instants for comparing round trips.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema.validators
from jsonschema.exceptions import ValidationError as SchemaError
from rfc3339_validator import validate_rfc3339

from ocppkit import Violation

SPECS = Path(__file__).resolve().parents[1] / "specs"

_FORMAT_CHECKER = jsonschema.FormatChecker(formats=())


@_FORMAT_CHECKER.checks("date-time")
def _is_datetime(instance: object) -> bool:
    # jsonschema's own check is validate_rfc3339(instance.upper()); that library matches with
    # `$`, which also admits one trailing "\n": not RFC 3339, so it is refused here.
    if not isinstance(instance, str):
        return True
    return not instance.endswith("\n") and bool(validate_rfc3339(instance.upper()))


# Only date-time is checked: `format: uri` (1.6) stays unchecked, as in ocppkit, whatever
# optional format libraries happen to be installed.
assert not _FORMAT_CHECKER.conforms("2026-01-01T00:00:00", "date-time"), "rfc3339-validator missing?"


def _exact(value: float | int) -> Fraction:
    """The decimal a JSON number spells, exactly (an int directly: repr has a digit limit)."""
    return Fraction(value) if isinstance(value, int) else Fraction(Decimal(repr(value)))


def _multiple_of(
    validator: Any, step: float | int, instance: object, schema: dict[str, Any]
) -> Iterator[SchemaError]:
    """``Decimal(repr(x)) % Decimal(repr(step)) == 0``, computed exactly (no 28-digit context)."""
    if not validator.is_type(instance, "number"):
        return
    assert isinstance(instance, int | float)
    if _exact(instance) % _exact(step) != 0:
        yield SchemaError(f"{instance!r} is not a multiple of {step!r} (decimal arithmetic)")


Draft4 = jsonschema.validators.extend(jsonschema.Draft4Validator, {"multipleOf": _multiple_of})
Draft6 = jsonschema.validators.extend(jsonschema.Draft6Validator, {"multipleOf": _multiple_of})


@cache
def schema(schema_file: str) -> dict[str, Any]:
    """The schema document ``schema_file`` (relative to ``specs/``), as parsed JSON."""
    with (SPECS / schema_file).open(encoding="utf-8-sig") as f:
        loaded: dict[str, Any] = json.load(f)
    return loaded


@cache
def validator(schema_file: str) -> Any:
    """The compiled reference validator of one schema file."""
    doc = schema(schema_file)
    draft = doc.get("$schema", "")
    cls = Draft4 if "draft-04" in draft else Draft6
    assert "draft-04" in draft or "draft-06" in draft, draft
    cls.check_schema(doc)
    return cls(doc, format_checker=_FORMAT_CHECKER)


_PER_KEYWORD = {
    "required": Violation.OCCURRENCE,
    "minItems": Violation.OCCURRENCE,
    "maxItems": Violation.OCCURRENCE,
    "additionalProperties": Violation.STRUCTURE,
    "type": Violation.TYPE,
    "enum": Violation.PROPERTY,
    "maxLength": Violation.PROPERTY,
    "minimum": Violation.PROPERTY,
    "maximum": Violation.PROPERTY,
    "multipleOf": Violation.PROPERTY,
    "format": Violation.PROPERTY,
}


def violation_of(error: SchemaError) -> Violation:
    """The ocppkit violation that ``error`` corresponds to (a non-object payload is FORMAT)."""
    if error.validator == "type" and not error.absolute_path:
        return Violation.FORMAT
    return _PER_KEYWORD[str(error.validator)]


def _path(parts: Any) -> str:
    out = ""
    for seg in parts:
        out += f"[{seg}]" if isinstance(seg, int) else (f".{seg}" if out else str(seg))
    return out


def located(error: SchemaError) -> list[tuple[Violation, str]]:
    """``(violation, ocppkit-style path)`` for ``error``; a missing or unknown property is
    located at the property itself (jsonschema puts it at the enclosing object)."""
    where = list(error.absolute_path)
    violation = violation_of(error)
    if error.validator == "required" and isinstance(error.instance, dict):
        return [(violation, _path([*where, k])) for k in error.validator_value if k not in error.instance]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = error.schema.get("properties", {})
        return [(violation, _path([*where, k])) for k in error.instance if k not in known]
    return [(violation, _path(where))]


def errors(schema_file: str, payload: object) -> list[tuple[Violation, str]]:
    """Every violation the reference finds in ``payload``; empty when it is valid."""
    found: list[tuple[Violation, str]] = []
    for error in validator(schema_file).iter_errors(payload):
        found.extend(located(error))
    return found


_DT = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[Tt](\d\d):(\d\d):(\d\d)(\.\d+)?(?:[Zz]|([+-])(\d\d):(\d\d))", re.ASCII
)


def instant(text: str) -> Fraction:
    """Seconds since 0001-01-01 UTC, exactly, of an RFC 3339 date-time (any year, any fraction)."""
    m = _DT.fullmatch(text)
    assert m is not None, f"not an RFC 3339 date-time: {text!r}"
    y, mo, d, h, mi, s = (int(g) for g in m.groups()[:6])
    seconds = Fraction(date(y, mo, d).toordinal() * 86400 + h * 3600 + mi * 60 + s)
    if m[7]:
        seconds += Fraction(m[7][1:]) / 10 ** (len(m[7]) - 1)
    if m[8]:
        offset = int(m[9]) * 3600 + int(m[10]) * 60
        seconds -= offset if m[8] == "+" else -offset
    return seconds
