"""The generator, judged by what it produces: small inline schemas generated into a temp dir and used."""

from __future__ import annotations

import dataclasses
import importlib
import itertools
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import ocppkit
from codegen.__main__ import main as codegen_main
from codegen.pipeline import build, check, write

ROOT = Path(__file__).resolve().parent.parent
_serial = itertools.count()

ERROR_CODES = """# test table
version,code,accept,violations,description
9.9,FormatViolation,,format,Bad JSON
9.9,ProtocolError,,structure,Not the PDU structure
9.9,TypeConstraintViolation,,type,Wrong type
9.9,OccurrenceConstraintViolation,OccurenceConstraintViolation,occurrence,Missing
9.9,PropertyConstraintViolation,,property,Bad value
"""

EDGE_REQUEST: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-06/schema#",
    "$id": "urn:test:EdgeRequest",
    "definitions": {
        "AType": {"type": "object", "additionalProperties": False,
                  "properties": {"b": {"$ref": "#/definitions/BType"}}, "required": ["b"]},
        "BType": {"type": "object", "additionalProperties": False,
                  "properties": {"c": {"$ref": "#/definitions/CType"}}},
        "CType": {"description": "Deep\r\nurn:x-oca:ocpp:uid:2:1\r\nThe end of a $ref chain.\r\n",
                  "type": "string", "additionalProperties": False, "enum": ["Deep", "Deeper"]},
        "CustomDataType": {"type": "object", "properties": {"vendorId": {"type": "string", "maxLength": 255}},
                           "required": ["vendorId"]},
    },
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "customData": {"$ref": "#/definitions/CustomDataType"},
        "class": {"type": "string", "description": "A reserved word.\r\n"},
        "from": {"type": "integer"},
        "type": {"type": "string", "maxLength": 5},
        "id": {"type": "integer", "minimum": 0.0},
        "format": {"type": "string", "format": "date-time"},
        "limit_L2": {"type": "number", "multipleOf": 0.1},
        "priceScheduleID": {"type": "integer"},
        "chain": {"$ref": "#/definitions/AType"},
        "phase": {"type": "string", "additionalProperties": False,
                  "enum": ["L1-N", "SOCLimitReached", "SoCLimitReached", "Energy.Active.Import.Register"]},
        "inline": {"type": "object", "additionalProperties": False,
                   "properties": {"priceScheduleId": {"type": "integer"}}},
        "data": {"description": "Any JSON."},
    },
    "required": ["class"],
}  # fmt: skip
EDGE_RESPONSE: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-06/schema#",
    "type": "object",
    "additionalProperties": False,
    "properties": {"ok": {"type": "boolean"}},
}
STREAM: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-06/schema#",
    "type": "object",
    "additionalProperties": False,
    "properties": {"values": {"type": "array", "items": {"type": "number"}, "minItems": 1, "maxItems": 2}},
    "required": ["values"],
}


def make_specs(
    tmp: Path, module: str, *, names: str | None = None, edge: dict[str, Any] | None = None
) -> Path:
    specs = tmp / "specs"
    schemas = specs / "ocpp-t" / "schemas"
    schemas.mkdir(parents=True)
    versions = {"versions": [{"version": "9.9", "module": module, "subprotocol": "ocpp9.9", "folder": "ocpp-t",
                              "schema_folders": ["schemas"], "request_suffix": "Request",
                              "response_suffix": "Response"}]}  # fmt: skip
    (specs / "versions.json").write_text(json.dumps(versions))
    (specs / "rpc-error-codes.csv").write_text(ERROR_CODES)
    (specs / "ocpp-t" / "actions.csv").write_text(
        "# test\naction,direction,kind,source\nEdge,both,CALL,test\nStream,station_to_csms,SEND,test\n"
    )
    (specs / "ocpp-t" / "type-names.csv").write_text(
        names
        if names is not None
        else "schema,pointer,name\nEdgeRequest.json,/properties/phase,PhaseKind\n"
        "EdgeRequest.json,/properties/inline,InlineThing\n"
    )
    # 2.x files may start with a byte-order mark and use \r\n.
    text = json.dumps(edge or EDGE_REQUEST, indent=2).replace("\n", "\r\n")
    (schemas / "EdgeRequest.json").write_bytes(b"\xef\xbb\xbf" + text.encode())
    (schemas / "EdgeResponse.json").write_text(json.dumps(EDGE_RESPONSE))
    (schemas / "Stream.json").write_text(json.dumps(STREAM))
    return specs


def generate_and_import(tmp: Path, **kwargs: Any) -> Any:
    module = f"vtest{next(_serial)}"
    specs = make_specs(tmp, module, **kwargs)
    out = tmp / "out"
    files, problems = build(specs, out)
    assert [str(p) for p in problems.items] == []
    write(files, out)
    ocppkit.__path__.append(str(out / "ocppkit"))
    try:
        return importlib.import_module(f"ocppkit.{module}")
    finally:
        ocppkit.__path__.remove(str(out / "ocppkit"))


@pytest.fixture(scope="module")
def edge(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return generate_and_import(tmp_path_factory.mktemp("edge"))


def _wire(cls: type[Any]) -> dict[str, str]:
    return {f.name: f.metadata["wire"] for f in dataclasses.fields(cls)}


def test_reserved_words_and_wire_names(edge: Any) -> None:
    wire = _wire(edge.EdgeRequest)
    assert wire["class_"] == "class"
    assert wire["from_"] == "from"
    assert wire["type"] == "type"
    assert wire["id"] == "id"
    assert wire["format"] == "format"
    assert wire["limit_l2"] == "limit_L2"
    assert wire["price_schedule_id"] == "priceScheduleID"
    assert _wire(edge.InlineThing)["price_schedule_id"] == "priceScheduleId"


def test_enum_values_that_are_not_identifiers_or_differ_by_case(edge: Any) -> None:
    assert {m.name: m.value for m in edge.PhaseKind} == {
        "L1_N": "L1-N",
        "SOC_LIMIT_REACHED": "SOCLimitReached",
        "SO_C_LIMIT_REACHED": "SoCLimitReached",
        "ENERGY_ACTIVE_IMPORT_REGISTER": "Energy.Active.Import.Register",
    }


def test_ref_chain_and_descriptions(edge: Any) -> None:
    req = ocppkit.decode(edge.EdgeRequest, b'{"class": "x", "chain": {"b": {"c": "Deeper"}}}')
    assert req.chain.b.c is edge.CType.DEEPER
    assert edge.CType.__doc__ == "The end of a $ref chain."
    assert edge.EdgeRequest.__dataclass_fields__["class_"].metadata["wire"] == "class"


def test_send_message_has_no_response(edge: Any) -> None:
    action = edge.ACTIONS["Stream"]
    assert action.kind is ocppkit.Kind.SEND
    assert action.response is None
    assert action.request is edge.StreamRequest
    assert issubclass(edge.StreamRequest, ocppkit.base.StationSend)
    assert ocppkit.encode(edge.StreamRequest(values=[1.5])) == b'{"values":[1.5]}'


def test_round_trip_of_every_edge(edge: Any) -> None:
    payload = {
        "customData": {"vendorId": "acme", "acme:x": [1, None]},
        "class": "c",
        "from": 3,
        "type": "t",
        "id": 0,
        "format": "2026-01-02T03:04:05.5+01:00",
        "limit_L2": 0.3,
        "priceScheduleID": 7,
        "chain": {"b": {}},
        "phase": "SoCLimitReached",
        "inline": {"priceScheduleId": 8},
        "data": None,
    }
    obj = ocppkit.decode(edge.EdgeRequest, json.dumps(payload))
    assert obj.data is ocppkit.JSON_NULL
    assert obj.custom_data.extra == {"acme:x": [1, None]}
    back = json.loads(ocppkit.encode(obj))
    assert back == payload | {"format": "2026-01-02T02:04:05.500Z"}
    assert ocppkit.decode(edge.EdgeRequest, ocppkit.encode(obj)) == obj


def test_error_codes_come_from_the_table(edge: Any) -> None:
    cases = {
        b"{}": "OccurrenceConstraintViolation",
        b'{"class": "c", "zzz": 1}': "ProtocolError",
        b'{"class": 1}': "TypeConstraintViolation",
        b'{"class": "c", "type": "toolong"}': "PropertyConstraintViolation",
        b"[]": "FormatViolation",
    }
    for data, code in cases.items():
        with pytest.raises(ocppkit.ValidationError) as info:
            ocppkit.decode(edge.EdgeRequest, data)
        assert info.value.code == code, data
    assert edge.errors.ACCEPTED_SPELLINGS["OccurenceConstraintViolation"] == "OccurrenceConstraintViolation"


def test_anonymous_inline_type_without_a_name_is_an_error(tmp_path: Path) -> None:
    specs = make_specs(tmp_path, "vbad", names="schema,pointer,name\n")
    _, problems = build(specs, tmp_path / "out")
    messages = [str(p) for p in problems.errors]
    assert any("EdgeRequest.json#/properties/phase" in m and "type-names.csv" in m for m in messages)


def test_a_name_that_names_nothing_is_an_error(tmp_path: Path) -> None:
    names = (
        "schema,pointer,name\nEdgeRequest.json,/properties/phase,PhaseKind\n"
        "EdgeRequest.json,/properties/inline,InlineThing\nEdgeRequest.json,/properties/gone,Gone\n"
    )
    specs = make_specs(tmp_path, "vbad", names=names)
    _, problems = build(specs, tmp_path / "out")
    assert any("/properties/gone names no inline type" in str(p) for p in problems.errors)


def test_unknown_keyword_is_reported(tmp_path: Path) -> None:
    edge = json.loads(json.dumps(EDGE_REQUEST))
    edge["properties"]["class"]["pattern"] = "^a"
    specs = make_specs(tmp_path, "vbad", edge=edge)
    _, problems = build(specs, tmp_path / "out")
    assert any("'pattern' is not understood" in str(p) for p in problems.items)
    assert codegen_main(["generate", "--specs", str(specs), "--out", str(tmp_path / "out")]) == 2


def test_check_lists_stale_missing_and_extra(tmp_path: Path) -> None:
    specs = make_specs(tmp_path, "vchk")
    out = tmp_path / "out"
    files, _ = build(specs, out)
    write(files, out)
    assert check(files, out) == []
    pkg = out / "ocppkit" / "vchk"
    (pkg / "enums.py").write_text("# edited by hand\n")
    (pkg / "actions.py").unlink()
    (pkg / "stray.py").write_text("")
    assert check(files, out) == [
        "missing: ocppkit/vchk/actions.py",
        "stale: ocppkit/vchk/enums.py",
        "extra: ocppkit/vchk/stray.py",
    ]
    assert codegen_main(["generate", "--check", "--specs", str(specs), "--out", str(out)]) == 1


def test_output_is_identical_under_different_hash_seeds(tmp_path: Path) -> None:
    trees = []
    for seed in ("1", "2"):
        out = tmp_path / f"out{seed}"
        env = os.environ | {"PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "codegen", "generate", "--out", str(out)], cwd=ROOT, env=env, check=True,
            capture_output=True,
        )  # fmt: skip
        trees.append({p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*.py")})
    assert trees[0] == trees[1]
    assert len(trees[0]) == 36


def test_committed_generated_tree_is_current() -> None:
    files, problems = build(ROOT / "specs", ROOT / "generated")
    assert problems.items == []
    assert check(files, ROOT / "generated") == []


def test_no_dates_in_output() -> None:
    text = (ROOT / "generated" / "ocppkit" / "v201" / "messages.py").read_text()
    assert "2026-" not in text.split('"""', 1)[0]
    assert "sha256 of that list" in text


def _with_overlay(tmp: Path, module: str, overlay: dict[str, Any]) -> Path:
    specs = make_specs(tmp, module)
    (specs / "overlays").mkdir()
    (specs / "overlays" / "fix.json").write_text(json.dumps(overlay))
    return specs


def test_an_overlay_corrects_a_schema_without_touching_it(tmp_path: Path) -> None:
    overlay = {"reason": "erratum 1.2.3: type is at most 3 characters", "file": "ocpp-t/schemas/EdgeRequest.json",
               "pointer": "/properties/type", "set": {"maxLength": 3}}  # fmt: skip
    specs = _with_overlay(tmp_path, "vovl", overlay)
    before = (specs / "ocpp-t" / "schemas" / "EdgeRequest.json").read_bytes()
    files, problems = build(specs, tmp_path / "out")
    assert problems.items == []
    assert "Meta(max_length=3)" in files["ocppkit/vovl/_codec.py"]
    assert "overlays/fix.json" in files["ocppkit/vovl/_sources.py"]
    assert (specs / "ocpp-t" / "schemas" / "EdgeRequest.json").read_bytes() == before


@pytest.mark.parametrize(
    ("overlay", "message"),
    [
        ({"reason": "", "pointer": "/properties/type", "set": {"maxLength": 3}}, "must say why"),
        ({"reason": "r", "pointer": "/properties/nope", "set": {"maxLength": 3}}, "does not exist"),
        ({"reason": "r", "pointer": "/properties/type", "set": {"maxLength": 5}}, "changes nothing"),
    ],
)
def test_bad_or_stale_overlays_are_errors(tmp_path: Path, overlay: dict[str, Any], message: str) -> None:
    specs = _with_overlay(tmp_path, "vovl", overlay | {"file": "ocpp-t/schemas/EdgeRequest.json"})
    _, problems = build(specs, tmp_path / "out")
    assert any(message in str(p) for p in problems.errors), problems.items
