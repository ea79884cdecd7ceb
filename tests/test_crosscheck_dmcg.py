"""A second opinion on the generator: datamodel-code-generator reads the IR as JSON Schema.

For each version the IR is written out as one normalised JSON Schema document (every shared type,
enum and message body under ``definitions``, ``$ref`` between them, no ``default``, no ``$id``; the
1.6 inline types under their IR names). datamodel-code-generator turns it into dataclasses, with a
template of ours that records each field's original (wire) name in its metadata, as ocppkit does.
Its classes, enums, wire names and required fields must be those of ``generated/ocppkit``.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import json
import sys
import types
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Any

import pytest

from codegen.ir import Array, EnumRef, ObjectRef, ObjectType, Prim, Problems, Spec, TypeRef
from codegen.pipeline import specs_of

datamodel_code_generator = pytest.importorskip("datamodel_code_generator")
dmcg_format = pytest.importorskip("datamodel_code_generator.format")

SPECS = Path(__file__).resolve().parent.parent / "specs"

TEMPLATE = """\
@dataclass(slots=True, kw_only=True)
class {{ class_name }}:
{%- if not fields %}
    pass
{%- endif %}
{%- for f in fields %}
    {{ f.name }}: {{ f.type_hint }} = field(
        {%- if not f.required %}default=None, {% endif -%}
        metadata={"wire": {{ (f.original_name or f.name) | tojson }}})
{%- endfor %}
"""
"""Replaces datamodel-code-generator's ``dataclass.jinja2``: its own keeps no alias on a dataclass."""


# -- the bundle -------------------------------------------------------------------------------


def _with(node: dict[str, Any], **keywords: Any) -> dict[str, Any]:
    """``node`` plus the keywords that are not ``None``."""
    return node | {k: v for k, v in keywords.items() if v is not None}


def _number(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _schema(t: TypeRef) -> dict[str, Any]:
    if isinstance(t, EnumRef | ObjectRef):
        return {"$ref": f"#/definitions/{t.name}"}
    if isinstance(t, Array):
        return _with({"type": "array", "items": _schema(t.items)}, minItems=t.min_items, maxItems=t.max_items)
    if t.prim is Prim.ANY:
        return {}
    if t.prim is Prim.DATETIME:
        return {"type": "string", "format": "date-time"}
    return _with(
        {"type": t.prim.value},
        maxLength=t.max_length,
        minimum=_number(t.minimum),
        maximum=_number(t.maximum),
        multipleOf=_number(t.multiple_of),
        format="uri" if t.uri else None,
    )


def _object(obj: ObjectType) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "object", "properties": {f.wire: _schema(f.type) for f in obj.fields}}
    required = [f.wire for f in obj.fields if f.required]
    if required:
        node["required"] = required
    if not obj.open:
        node["additionalProperties"] = False
    return node


def bundle(spec: Spec) -> dict[str, Any]:
    """One JSON Schema document holding every enum, shared type and message body of ``spec``."""
    definitions: dict[str, Any] = {}
    for e in spec.enums:
        definitions[e.name] = {"type": "string", "enum": [m.value for m in e.members]}
    for obj in [*spec.objects, *(m.body for m in spec.messages)]:
        assert obj.name not in definitions, f"{obj.name} is defined twice"
        definitions[obj.name] = _object(obj)
    return {
        "$schema": "http://json-schema.org/draft-06/schema#",
        "definitions": dict(sorted(definitions.items())),
    }


# -- both sides -------------------------------------------------------------------------------

Fields = dict[str, bool]
"""Wire name → required."""


@dataclasses.dataclass(frozen=True, slots=True)
class Side:
    classes: dict[str, Fields]
    enums: dict[str, frozenset[str]]


def _fields(cls: type) -> Fields:
    out: Fields = {}
    for f in dataclasses.fields(cls):
        wire = f.metadata["wire"]
        if wire is None:  # ocppkit's ``extra`` (properties the schema does not list)
            assert f.name == "extra", f"{cls.__name__}.{f.name} has no wire name"
            continue
        assert wire not in out, f"{cls.__name__}: two fields named {wire!r} on the wire"
        out[wire] = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    return out


def _enum_values(cls: type[Enum]) -> frozenset[str]:
    return frozenset(str(m.value) for m in cls)


def ocppkit_side(module: str) -> Side:
    classes: dict[str, Fields] = {}
    for sub in ("messages", "datatypes"):
        mod = importlib.import_module(f"ocppkit.{module}.{sub}")
        for name in mod.__all__:
            assert name not in classes, f"{name} is exported twice"
            classes[name] = _fields(getattr(mod, name))
    enums = importlib.import_module(f"ocppkit.{module}.enums")
    return Side(classes, {name: _enum_values(getattr(enums, name)) for name in enums.__all__})


def _import(path: Path, name: str) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod  # dataclasses looks the module up while building the classes
    try:
        spec.loader.exec_module(mod)
    finally:
        del sys.modules[name]
    return mod


def dmcg_side(spec: Spec, tmp: Path) -> Side:
    templates = tmp / "templates"
    templates.mkdir()
    (templates / "dataclass.jinja2").write_text(TEMPLATE, encoding="utf-8")
    out = tmp / f"dmcg_{spec.module}.py"
    datamodel_code_generator.generate(
        bundle(spec),
        input_file_type=datamodel_code_generator.InputFileType.JsonSchema,
        output=out,
        output_model_type=datamodel_code_generator.DataModelType.DataclassesDataclass,
        target_python_version=dmcg_format.PythonVersion.PY_311,
        custom_template_dir=templates,
        additional_imports=["dataclasses.field"],
        snake_case_field=True,
        skip_root_model=True,
        disable_timestamp=True,
        formatters=[dmcg_format.Formatter.BUILTIN],
    )
    mod = _import(out, f"_dmcg_{spec.module}")
    classes: dict[str, Fields] = {}
    enums: dict[str, frozenset[str]] = {}
    for name, value in vars(mod).items():
        if not isinstance(value, type) or value.__module__ != mod.__name__:
            continue
        if dataclasses.is_dataclass(value):
            classes[name] = _fields(value)
        elif issubclass(value, Enum):
            enums[name] = _enum_values(value)
    return Side(classes, enums)


# -- the comparison ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def specs() -> dict[str, Spec]:
    problems = Problems()
    parsed = {s.module: s for s in specs_of(SPECS, problems)}
    assert [str(p) for p in problems.items] == []
    return parsed


@pytest.fixture(scope="module", params=["v16", "v201", "v21"])
def sides(
    request: pytest.FixtureRequest, specs: dict[str, Spec], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Side, Side]:
    module: str = request.param
    return dmcg_side(specs[module], tmp_path_factory.mktemp(module)), ocppkit_side(module)


def _nodes(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every schema node of a bundle: the root, definitions, properties and items."""
    yield schema
    for key in ("definitions", "properties"):
        for child in schema.get(key, {}).values():
            yield from _nodes(child)
    if "items" in schema:
        yield from _nodes(schema["items"])


def test_bundle_is_normalised(specs: dict[str, Spec]) -> None:
    for spec in specs.values():
        doc = bundle(spec)
        nodes = list(_nodes(doc))
        assert [n for n in nodes if {"default", "$id", "id"} & set(n)] == []
        refs = {n["$ref"] for n in nodes if "$ref" in n}
        assert {r.removeprefix("#/definitions/") for r in refs} <= set(doc["definitions"])
        assert all(r.startswith("#/definitions/") for r in refs)
        inline = [n for d in doc["definitions"].values() for n in list(_nodes(d))[1:]]
        assert [n for n in inline if "enum" in n or n.get("type") == "object"] == []  # nothing anonymous


def test_same_classes(sides: tuple[Side, Side]) -> None:
    dmcg, ours = sides
    assert sorted(set(dmcg.classes) - set(ours.classes)) == []
    assert sorted(set(ours.classes) - set(dmcg.classes)) == []


def test_same_wire_fields_and_required(sides: tuple[Side, Side]) -> None:
    dmcg, ours = sides
    differ = {
        name: {"dmcg": dmcg.classes[name], "ocppkit": ours.classes[name]}
        for name in sorted(set(dmcg.classes) & set(ours.classes))
        if dmcg.classes[name] != ours.classes[name]
    }
    assert differ == {}
    assert sum(len(f) for f in ours.classes.values()) > 0


def test_same_enums(sides: tuple[Side, Side]) -> None:
    dmcg, ours = sides
    assert sorted(set(dmcg.enums) ^ set(ours.enums)) == []
    differ = {
        name: (dmcg.enums[name], ours.enums[name])
        for name in ours.enums
        if dmcg.enums[name] != ours.enums[name]
    }
    assert differ == {}
