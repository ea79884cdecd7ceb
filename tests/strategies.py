"""Hypothesis strategies built from the generator's IR: realistic valid payloads, and mutations.

:class:`Model` turns one version's IR into strategies for every message body: int32 integers
and ints or floats within the schema's bounds (``k * step`` for ``multipleOf``), date-times in
canonical and foreign spellings (any year, 0-6 fraction digits), strings up to ``maxLength``
(non-ASCII included), enum values, vendor keys inside open objects (``customData``), arrays
within their item bounds.
:func:`mutations` breaks a valid payload in one place and says how ocppkit must report it.
"""

from __future__ import annotations

import copy
import importlib
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from codegen.ir import Array, EnumRef, Message, ObjectRef, ObjectType, Prim, Problems, Scalar, Spec, TypeRef
from codegen.pipeline import specs_of
from ocppkit import Violation

SPECS = Path(__file__).resolve().parents[1] / "specs"
INT32 = (-(2**31), 2**31 - 1)
ARRAY_CAP = 3
"""Most items drawn for an array, whatever its ``maxItems`` (1 for arrays inside arrays)."""

Json = Any
JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(*INT32)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(codec="utf-8"), max_size=8)
)
JSON_VALUES: st.SearchStrategy[Json] = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


def _fmt_offset(sign: str, minutes: int) -> str:
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


@st.composite
def datetimes(draw: st.DrawFn) -> str:
    """RFC 3339 date-times as peers send them: ``Z``/``z`` or ``±hh:mm``, 0 to 6 fraction digits;
    mostly 1970-2100, sometimes any year, or its ends (0001-01-01T00:00:00+01:00 is valid too)."""
    era = draw(st.integers(0, 9))
    if era == 0:
        at = draw(st.sampled_from((datetime.min, datetime.max)))
    elif era == 1:
        at = draw(st.datetimes())
    else:
        at = draw(st.datetimes(datetime(1970, 1, 1), datetime(2100, 12, 31, 23, 59, 59, 999999)))
    digits = draw(st.sampled_from((0, 3, 6, 1, 2, 4, 5)))
    fraction = "" if digits == 0 else f".{at.microsecond:06d}"[: digits + 1]
    zone = draw(
        st.sampled_from(("Z", "z", "+00:00", "-00:00"))
        | st.builds(_fmt_offset, st.sampled_from("+-"), st.integers(0, 23 * 60 + 59))
    )
    sep = draw(st.sampled_from("TTTt"))
    return f"{at.year:04d}" + at.strftime(f"-%m-%d{sep}%H:%M:%S") + fraction + zone


def _bounds(scalar: Scalar) -> tuple[Decimal | None, Decimal | None]:
    lo = Decimal(scalar.minimum) if scalar.minimum is not None else None
    hi = Decimal(scalar.maximum) if scalar.maximum is not None else None
    return lo, hi


def _int_range(lo: Decimal | None, hi: Decimal | None) -> tuple[int, int]:
    return (
        INT32[0] if lo is None else max(INT32[0], math.ceil(lo)),
        INT32[1] if hi is None else min(INT32[1], math.floor(hi)),
    )


def _decimal_to_json(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def numbers(scalar: Scalar) -> st.SearchStrategy[int | float]:
    """JSON numbers within bounds: ints, short decimals, any floats; multiples of the step."""
    lo, hi = _bounds(scalar)
    if scalar.multiple_of is not None:
        step = Decimal(scalar.multiple_of)
        k_lo = -(10**9) if lo is None else math.ceil(lo / step)
        k_hi = 10**9 if hi is None else math.floor(hi / step)
        # k * step has at most ~11 significant digits: its float's repr is that decimal exactly.
        return st.integers(k_lo, k_hi).map(lambda k: _decimal_to_json(k * step))
    ints = st.integers(*_int_range(lo, hi))
    flo = -1e9 if lo is None else float(lo)
    fhi = 1e9 if hi is None else float(hi)
    short = st.decimals(flo, fhi, places=2, allow_nan=False).map(float)
    return ints | short | st.floats(flo, fhi, allow_nan=False, allow_infinity=False)


def strings(max_length: int | None) -> st.SearchStrategy[str]:
    """Short text of any Unicode (no surrogates), and strings of exactly the maximum length."""
    chars = st.characters(codec="utf-8")
    if max_length is None:
        return st.text(chars, max_size=20)
    full = st.builds(lambda c, n: c * n, chars, st.sampled_from(sorted({max_length, max(0, max_length - 1)})))
    return st.text(chars, max_size=min(max_length, 20)) | full


def scalars(t: Scalar, draft: int) -> st.SearchStrategy[Json]:
    """Valid values of one scalar field."""
    if t.prim is Prim.INTEGER:
        ints = st.integers(*_int_range(*_bounds(t)))
        # Draft 6 counts 5.0 as an integer; draft 4 does not.
        return ints | ints.map(float) if draft >= 6 else ints
    if t.prim is Prim.STRING:
        return strings(t.max_length)
    if t.prim is Prim.NUMBER:
        return numbers(t)
    if t.prim is Prim.BOOLEAN:
        return st.booleans()
    return datetimes() if t.prim is Prim.DATETIME else JSON_VALUES


class Model:
    """One OCPP version's IR, with a strategy per object type (built once)."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.objects = {o.name: o for o in spec.objects} | {m.body.name: m.body for m in spec.messages}
        self.enums = {e.name: tuple(m.value for m in e.members) for e in spec.enums}
        self._cache: dict[tuple[str, bool], st.SearchStrategy[dict[str, Json]]] = {}

    def payloads(self, obj: ObjectType, nested: bool = False) -> st.SearchStrategy[dict[str, Json]]:
        """Valid JSON objects for ``obj``: required fields always, optional ones sometimes.

        ``nested``: inside an array; arrays in there get at most one item, so that the size of
        deep payloads (2.1 charging profiles: arrays five levels deep) stays in bounds.
        """
        key = (obj.name, nested)
        if key not in self._cache:
            fields = {f: self.values(f.type, obj.draft, nested) for f in obj.fields}
            base: st.SearchStrategy[dict[str, Json]] = st.fixed_dictionaries(
                {str(f.wire): s for f, s in fields.items() if f.required},
                optional={str(f.wire): s for f, s in fields.items() if not f.required},
            )
            if obj.open:
                known = {f.wire for f in obj.fields}
                vendor = st.dictionaries(
                    st.text(min_size=1, max_size=10).filter(lambda k: k not in known), JSON_VALUES, max_size=3
                )
                base = st.builds(lambda b, v: {**v, **b}, base, vendor)
            self._cache[key] = base
        return self._cache[key]

    def values(self, t: TypeRef, draft: int, nested: bool) -> st.SearchStrategy[Json]:
        if isinstance(t, EnumRef):
            return st.sampled_from(self.enums[t.name])
        if isinstance(t, ObjectRef):
            return self.payloads(self.objects[t.name], nested)
        if isinstance(t, Array):
            top = min(t.max_items or ARRAY_CAP, 1 if nested else ARRAY_CAP)
            return st.lists(self.values(t.items, draft, True), min_size=t.min_items or 0, max_size=top)
        return scalars(t, draft)


@dataclass(frozen=True)
class Case:
    """One schema file: its IR message, its ocppkit class and its version's model."""

    version: str
    module: str
    message: Message
    cls: type[Any]
    model: Model

    @property
    def id(self) -> str:
        return f"{self.version}/{self.message.body.name}"

    def __repr__(self) -> str:
        return f"<Case {self.id}>"


@cache
def cases() -> tuple[Case, ...]:
    """Every schema file of every version (387), from the IR."""
    problems = Problems()
    out: list[Case] = []
    for spec in specs_of(SPECS, problems):
        model = Model(spec)
        actions = importlib.import_module(f"ocppkit.{spec.module}").ACTIONS
        for msg in spec.messages:
            cls = getattr(actions[msg.action], msg.role)
            out.append(Case(spec.version, spec.module, msg, cls, model))
    assert not problems.errors, problems.errors
    return tuple(out)


# --- mutations ---------------------------------------------------------------------------

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Mutation:
    """A payload broken in one place, and how ocppkit must report it."""

    kind: str
    payload: dict[str, Json]
    violation: Violation
    path: str

    def __str__(self) -> str:
        return f"{self.kind} at {self.path or '<top>'} -> {self.violation.value}"


def _objects(
    model: Model, obj: ObjectType, value: Json, path: Path_
) -> Iterator[tuple[Path_, ObjectType, dict[str, Json]]]:
    """Every object inside ``value`` with its path and type (``value`` first)."""
    yield path, obj, value
    for f in obj.fields:
        t, v = f.type, value.get(f.wire)
        if isinstance(t, ObjectRef) and v is not None:
            yield from _objects(model, model.objects[t.name], v, (*path, f.wire))
        elif isinstance(t, Array) and isinstance(t.items, ObjectRef) and v is not None:
            for i, item in enumerate(v):
                yield from _objects(model, model.objects[t.items.name], item, (*path, f.wire, i))


def _show(path: Path_) -> str:
    out = ""
    for seg in path:
        out += f"[{seg}]" if isinstance(seg, int) else (f".{seg}" if out else seg)
    return out


def _wrong_types(t: TypeRef) -> tuple[Json, ...]:
    if isinstance(t, Array):
        return ({}, "x", 1)
    if isinstance(t, ObjectRef):
        return ("x", [], 1)
    if isinstance(t, EnumRef):
        return (1, False)
    return {
        Prim.STRING: (12, True, ["a"], {"a": "b"}),
        Prim.DATETIME: (0, True),
        Prim.INTEGER: ("1", 1.5, True),
        Prim.NUMBER: ("1.5", True, [1]),
        Prim.BOOLEAN: ("true", 1, 0),
    }[t.prim]


def _off_by_one(value: str, members: tuple[str, ...], at: int) -> str:
    """``value`` with one letter replaced, so that it is no member (members differ by case)."""
    letters = [i for i, c in enumerate(value) if c.isalpha()]
    i = letters[at % len(letters)]
    for c in "xqzXQZ":
        candidate = value[:i] + c + value[i + 1 :]
        if candidate != value and candidate not in members:
            return candidate
    raise AssertionError(value)  # pragma: no cover


@dataclass(frozen=True)
class _Edit:
    """Sets (or with ``value`` ``DROP``, removes) ``key`` of one object; ``item``: as ``[value]``."""

    kind: str
    key: str
    value: st.SearchStrategy[Json]
    violation: Violation
    item: bool = False


DROP = object()


def _scalar_edits(leaf: Scalar, key: str, item: bool) -> Iterator[_Edit]:
    if leaf.max_length is not None:
        yield _Edit("too long", key, st.just("é" * (leaf.max_length + 1)), Violation.PROPERTY, item)
    if leaf.prim is Prim.DATETIME:
        yield _Edit("naive date-time", key, st.just("2026-01-01T00:00:00"), Violation.PROPERTY, item)
        # ISO 8601 or Python forms that RFC 3339 does not allow (fromisoformat and msgspec take some)
        almost = st.sampled_from(
            ("2026-01-01T00:00:00.Z", "2026-01-01 00:00:00Z", "2026-01-01T00:00:00+0100", "2026-01-01T00:00Z")
        )
        yield _Edit("not RFC 3339", key, almost, Violation.PROPERTY, item)
    off = []
    if leaf.minimum is not None:
        off.append(_decimal_to_json(Decimal(leaf.minimum) - 1))
    if leaf.maximum is not None:
        off.append(_decimal_to_json(Decimal(leaf.maximum) + 1))
    if off:
        yield _Edit("out of range", key, st.sampled_from(off), Violation.PROPERTY, item)
    if leaf.multiple_of is not None:
        half = float(Decimal(leaf.multiple_of) * Decimal("2.5"))
        yield _Edit("not a multiple", key, st.just(half), Violation.PROPERTY, item)


def _edits(model: Model, obj: ObjectType) -> Iterator[_Edit]:
    """The mutations applicable to one object of the payload."""
    if not obj.open:
        yield _Edit("unknown property", "ocppkitUnknown", st.just("x"), Violation.STRUCTURE)
    for f in obj.fields:
        t = f.type
        item = isinstance(t, Array)
        leaf = t.items if isinstance(t, Array) else t
        if isinstance(leaf, Scalar) and leaf.prim is Prim.ANY:
            continue
        if f.required:
            yield _Edit("missing required", f.wire, st.just(DROP), Violation.OCCURRENCE)
        yield _Edit("null", f.wire, st.none(), Violation.TYPE)
        yield _Edit("wrong type", f.wire, st.sampled_from(_wrong_types(t)), Violation.TYPE)
        if isinstance(t, Array) and t.min_items:
            yield _Edit("empty array", f.wire, st.just([]), Violation.OCCURRENCE)
        if isinstance(leaf, EnumRef):
            members = model.enums[leaf.name]
            bad = st.builds(_off_by_one, st.sampled_from(members), st.just(members), st.integers(0, 99))
            yield _Edit("enum off by one letter", f.wire, bad, Violation.PROPERTY, item)
        if isinstance(leaf, Scalar):
            yield from _scalar_edits(leaf, f.wire, item)


@st.composite
def mutations(draw: st.DrawFn, model: Model, body: ObjectType, payload: dict[str, Json]) -> list[Mutation]:
    """One mutation of ``payload`` per applicable kind, each at a drawn place."""
    per_kind: dict[str, list[tuple[int, _Edit]]] = {}
    for n, (_, obj, _) in enumerate(_objects(model, body, payload, ())):
        for edit in _edits(model, obj):
            per_kind.setdefault(edit.kind, []).append((n, edit))
    out: list[Mutation] = []
    for kind, options in sorted(per_kind.items()):
        n, edit = draw(st.sampled_from(options))
        broken = copy.deepcopy(payload)
        where, _, target = list(_objects(model, body, broken, ()))[n]
        value = draw(edit.value)
        if value is DROP:
            del target[edit.key]
        else:
            target[edit.key] = [value] if edit.item else value
        rel: Path_ = (edit.key, 0) if edit.item else (edit.key,)
        out.append(Mutation(kind, broken, edit.violation, _show((*where, *rel))))
    return out
