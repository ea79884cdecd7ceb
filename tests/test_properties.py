"""Property tests: ocppkit against the reference validator, for every schema of every version.

For each of the 387 schema files: valid payloads drawn by hypothesis-jsonschema and by the
IR-based strategies must be accepted by both validators and survive a round trip; payloads
broken in one place must be rejected by both, by ocppkit with the version's error code and
the offending field's path. Examples per schema come from the Hypothesis profile (conftest).
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Mapping
from functools import cache
from typing import Any

import pytest
import reference
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from strategies import Case, Model, cases, mutations

from codegen.ir import Array, EnumRef, ObjectRef, ObjectType, Prim, TypeRef
from ocppkit import ValidationError, Violation, decode, decode_value, encode, encode_value

CASES = cases()
EXAMPLES = settings().max_examples
"""Examples per schema and test, from the loaded profile."""
FROM_SCHEMA_EXAMPLES = max(2, EXAMPLES // 3)
"""hypothesis-jsonschema is the slow cross-check (5-10x per example): a third as many."""
CAP = 1
"""Most array items hypothesis-jsonschema draws: its cost grows fast with payload size."""
CANONICAL = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}|\.\d{6})?Z", re.ASCII)
UTC_RANGE = (reference.instant("0001-01-01T00:00:00Z"), reference.instant("9999-12-31T23:59:59.999999Z"))

BY_ID = {c.id: c for c in CASES}
per_schema = pytest.mark.parametrize("schema", list(BY_ID))
"""One test per schema file, named like ``2.0.1/TransactionEventRequest``."""


@cache
def codes(module: str) -> Mapping[Violation, str]:
    codes: Mapping[Violation, str] = importlib.import_module(f"ocppkit.{module}.errors").VIOLATION_CODES
    return codes


KEYWORDS = {"$schema", "type", "required", "additionalProperties", "$ref", "enum", "maxLength", "minimum"}
KEYWORDS |= {"maximum", "multipleOf", "minItems", "maxItems", "format", "items", "properties", "definitions"}


def _slim(node: Any) -> Any:
    """A copy of a schema node for hypothesis-jsonschema: the validation keywords only, and at
    most ``CAP`` array items (stricter, so still valid). It drops ``$id``: a urn ``$id`` with
    nested ``$ref`` breaks hypothesis-jsonschema's resolver (all of 2.1)."""
    if not isinstance(node, dict):
        return node
    out = {k: v for k, v in node.items() if k in KEYWORDS}
    for k in ("properties", "definitions"):
        if k in out:
            out[k] = {name: _slim(sub) for name, sub in out[k].items()}
    for k in ("items", "additionalProperties"):
        if k in out:
            out[k] = _slim(out[k])
    if out.get("type") == "array":
        out["maxItems"] = min(out.get("maxItems", CAP), CAP)
    return out


@cache
def schema_strategy(schema_file: str) -> st.SearchStrategy[Any]:
    return from_schema(_slim(reference.schema(schema_file)))


# --- comparison ---------------------------------------------------------------------------


def same_json(a: Any, b: Any) -> bool:
    """JSON equality: booleans are not numbers, numbers compare with ``==``."""
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_json(a[k], b[k]) for k in a)
    # encode_value gives enum members: str subclasses, written as strings.
    return isinstance(a, str) and isinstance(b, str) and a == b


def assert_same(sent: Any, back: Any, t: TypeRef | ObjectType, model: Model, where: str = "payload") -> None:
    """``back`` (what ocppkit encoded) means the same as ``sent``: same keys, values, instants."""
    if isinstance(t, ObjectRef):
        assert_same(sent, back, model.objects[t.name], model, where)
    elif isinstance(t, ObjectType):
        assert isinstance(back, dict), f"{where}: {back!r} is not an object"
        assert sent.keys() == back.keys(), f"{where}: keys {sorted(sent)} became {sorted(back)}"
        fields = {f.wire: f.type for f in t.fields}
        for key, value in sent.items():
            if key in fields:
                assert_same(value, back[key], fields[key], model, f"{where}.{key}")
            else:
                assert same_json(value, back[key]), f"{where}.{key}: {value!r} became {back[key]!r}"
    elif isinstance(t, Array):
        assert isinstance(back, list) and len(back) == len(sent), f"{where}: {sent!r} became {back!r}"
        for i, (x, y) in enumerate(zip(sent, back, strict=True)):
            assert_same(x, y, t.items, model, f"{where}[{i}]")
    elif isinstance(t, EnumRef) or t.prim is not Prim.DATETIME:
        assert same_json(sent, back), f"{where}: {sent!r} became {back!r}"
    else:
        assert isinstance(back, str), f"{where}: {back!r} is not a string"
        same = reference.instant(sent) == reference.instant(back)
        assert same, f"{where}: {sent!r} became {back!r}, another instant"
        if UTC_RANGE[0] <= reference.instant(sent) <= UTC_RANGE[1]:
            assert CANONICAL.fullmatch(back), f"{where}: {back!r} is not canonical"
            assert not back.endswith("000Z"), f"{where}: {back!r} has trailing zero digits"
        # else: documented, an instant that UTC cannot hold in years 1-9999 keeps its offset.


# --- the checks ---------------------------------------------------------------------------


def check_valid(case: Case, payload: Any, *, trusted: bool) -> None:
    """Both validators agree on ``payload``; a valid one survives encode/decode round trips.

    ``trusted``: the payload is valid by construction (IR strategies), so the reference must
    accept it. hypothesis-jsonschema filters with stock jsonschema, whose float ``multipleOf``
    differs from the decimal rule, so there both validators only need to agree.
    """
    expected = reference.errors(case.message.schema_file, payload)
    assert not (trusted and expected), f"strategy drew a payload the reference rejects: {expected}"
    raw = json.dumps(payload).encode()
    try:
        obj = decode_value(case.cls, payload)
    except ValidationError as exc:
        found = (exc.violation, exc.path)
        assert expected, f"ocppkit rejects a valid payload: {exc!r}"
        assert found in expected, f"ocppkit reports {found}, the reference {expected}"
        with pytest.raises(ValidationError) as fast:  # the fast path refuses it the same way
            decode(case.cls, raw)
        assert (fast.value.violation, fast.value.path) == found
        return
    assert not expected, f"ocppkit accepts a payload the reference rejects: {expected}"
    assert decode(case.cls, raw) == obj, "the fast path decodes it differently"
    try:
        back = encode_value(obj)
    except Exception as exc:
        raise AssertionError(f"ocppkit cannot encode what it decoded: {exc!r}\n{obj!r}") from exc
    assert_same(payload, back, case.message.body, case.model)
    assert decode_value(case.cls, back) == obj
    assert decode(case.cls, encode(obj)) == obj


@per_schema
@settings(max_examples=FROM_SCHEMA_EXAMPLES)
@given(data=st.data())
def test_schema_payloads_agree_and_round_trip(schema: str, data: st.DataObject) -> None:
    case = BY_ID[schema]
    check_valid(case, data.draw(schema_strategy(case.message.schema_file), "payload"), trusted=False)


@per_schema
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_realistic_payloads_agree_and_round_trip(schema: str, data: st.DataObject) -> None:
    case = BY_ID[schema]
    check_valid(case, data.draw(case.model.payloads(case.message.body), "payload"), trusted=True)


@per_schema
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_mutations_rejected_by_both(schema: str, data: st.DataObject) -> None:
    case = BY_ID[schema]
    payload = data.draw(case.model.payloads(case.message.body), "valid payload")
    for m in data.draw(mutations(case.model, case.message.body, payload), "mutations"):
        expected = (m.violation, m.path)
        found = reference.errors(case.message.schema_file, m.payload)
        assert expected in found, f"{m}: the reference finds {found}"
        with pytest.raises(ValidationError) as info:
            decode_value(case.cls, m.payload)
        exc = info.value
        assert (exc.violation, exc.path) == expected, f"{m}: ocppkit reports {exc!r}"
        assert exc.code == codes(case.module)[m.violation], f"{m}: code {exc.code!r}"
        with pytest.raises(ValidationError) as fast:  # the fast path never accepts more
            decode(case.cls, json.dumps(m.payload).encode())
        assert (fast.value.violation, fast.value.path, fast.value.code) == (*expected, exc.code)


# --- the oracle itself --------------------------------------------------------------------


def test_every_schema_file_is_a_case() -> None:
    on_disk = {p.relative_to(reference.SPECS).as_posix() for p in reference.SPECS.glob("*/*schemas/*.json")}
    assert len(on_disk) == 387
    assert {c.message.schema_file for c in CASES} == on_disk


def test_reference_checks_what_ocppkit_defines() -> None:
    period = "ocpp-1.6/schemas/SetChargingProfile.json"
    payload: dict[str, Any] = {
        "connectorId": 1,
        "csChargingProfiles": {
            "chargingProfileId": 1,
            "stackLevel": 0,
            "chargingProfilePurpose": "TxProfile",
            "chargingProfileKind": "Absolute",
            "chargingSchedule": {
                "chargingRateUnit": "A",
                "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 0.3}],
            },
        },
    }
    assert reference.errors(period, payload) == []
    payload["csChargingProfiles"]["chargingSchedule"]["chargingSchedulePeriod"][0]["limit"] = 0.35
    where = "csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].limit"
    assert reference.errors(period, payload) == [(Violation.PROPERTY, where)]
    beat = "ocpp-2.0.1/schemas/HeartbeatResponse.json"
    for bad in ("2026-01-01T00:00:00", "2026-01-01T00:00:00Z\n", "2026-02-30T00:00:00Z"):
        assert reference.errors(beat, {"currentTime": bad}) == [(Violation.PROPERTY, "currentTime")]
    assert reference.errors(beat, {"currentTime": "2026-01-01t00:00:00.5z"}) == []
    assert reference.errors(beat, []) == [(Violation.FORMAT, "")]
    assert reference.instant("2026-01-01T00:30:00+00:30") == reference.instant("2026-01-01T00:00:00.000Z")


LIMITS = [0.3, 0.7, 3.3, 0.35, 1.05, 123456789.1, 1e26, 1e27, 10**27, 1e300, 10**1000]


@pytest.mark.parametrize(
    "limit", LIMITS, ids=lambda v: repr(v) if len(repr(v)) < 30 else f"{len(repr(v))}-digit-int"
)
def test_multiple_of_agrees_at_any_magnitude(limit: float) -> None:
    """1.6 charging limits are multiples of 0.1: both validators decide alike, however large."""
    case = BY_ID["1.6/SetChargingProfileRequest"]
    period = {"startPeriod": 0, "limit": limit}
    schedule = {"chargingRateUnit": "A", "chargingSchedulePeriod": [period]}
    profile = {"chargingProfileId": 1, "stackLevel": 0, "chargingProfilePurpose": "TxProfile"}
    profile |= {"chargingProfileKind": "Absolute", "chargingSchedule": schedule}
    check_valid(case, {"connectorId": 1, "csChargingProfiles": profile}, trusted=False)
