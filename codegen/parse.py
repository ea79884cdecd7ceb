"""Raw schema documents → IR (:mod:`codegen.ir`), collecting problems instead of stopping at the first."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from codegen import naming
from codegen.ir import (
    Action,
    Array,
    Direction,
    EnumMember,
    EnumRef,
    EnumType,
    ErrorCode,
    Field,
    Kind,
    Message,
    ObjectRef,
    ObjectType,
    Prim,
    Problems,
    PyName,
    Scalar,
    SourceFile,
    Spec,
    TypeRef,
    WireName,
)
from codegen.load import RawVersion, SchemaFile

KEYWORDS = frozenset(
    {
        "$schema", "$id", "id", "title", "comment", "$comment", "description", "javaType",
        "type", "properties", "required", "additionalProperties", "definitions", "enum",
        "maxLength", "minimum", "maximum", "multipleOf", "items", "minItems", "maxItems",
        "format", "default", "$ref", "additionalItems",
    }
)  # fmt: skip
"""Every keyword the OCPP schemas use; anything else is reported, never silently ignored.

``additionalItems`` only matters when ``items`` is a list of schemas; the OCPP schemas always
give ``items`` one schema, so it is a no-op there (checked in :meth:`_Parser.type_of`)."""

VIOLATIONS = ("format", "structure", "type", "occurrence", "property")
"""Mirrors ``ocppkit.errors.Violation`` (the generator does not import the runtime)."""

_UID_LINE = re.compile(r"^urn:x-oca:ocpp:uid:\S+$")


def clean_description(text: str | None) -> str:
    """Schema description → plain text: ``\\r\\n`` normalised, data-dictionary header lines dropped."""
    if not text:
        return ""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    for i, line in enumerate(lines):
        if _UID_LINE.match(line.strip()):
            lines = lines[i + 1 :]
            break
    out = "\n".join(lines).strip()
    return re.sub(r"\n{3,}", "\n\n", out)


def _num(value: Any) -> str:
    """A schema number as decimal text (``0.0`` stays ``0.0``: the schema's own spelling)."""
    return json.dumps(value)


@dataclass(slots=True)
class _Registered:
    key: object
    origin: str


@dataclass(slots=True)
class _Parser:
    raw: RawVersion
    problems: Problems
    objects: dict[str, ObjectType] = field(default_factory=dict)
    enums: dict[str, EnumType] = field(default_factory=dict)
    keys: dict[str, _Registered] = field(default_factory=dict)
    names: dict[tuple[str, str], str] = field(default_factory=dict)
    used_names: set[tuple[str, str]] = field(default_factory=set)

    def __post_init__(self) -> None:
        for row in self.raw.names:
            self.names[(row.schema, row.pointer)] = row.name

    # -- registration -------------------------------------------------------------------

    def _register(self, name: str, key: object, origin: str) -> bool:
        """True the first time ``name`` is seen; checks later sightings are the same type."""
        seen = self.keys.get(name)
        if seen is None:
            self.keys[name] = _Registered(key, origin)
            return True
        if seen.key != key:
            self.problems.error(origin, f"type {name} differs in structure from {seen.origin}")
        return False

    def _inline_name(self, file: SchemaFile, pointer: str, what: str) -> str | None:
        if pointer.startswith("/definitions/") and pointer.count("/") == 2:
            return pointer.rsplit("/", 1)[1]
        name = self.names.get((file.name, pointer))
        if name is None:
            self.problems.error(
                f"{file.rel_path}#{pointer}",
                f"anonymous inline {what}: add its name to type-names.csv",
            )
            return None
        self.used_names.add((file.name, pointer))
        return name

    # -- nodes --------------------------------------------------------------------------

    def _check_keywords(self, node: dict[str, Any], where: str) -> None:
        for key in node:
            if key not in KEYWORDS:
                self.problems.warning(where, f"schema keyword {key!r} is not understood")

    def type_of(self, file: SchemaFile, node: Any, pointer: str) -> TypeRef | None:  # noqa: C901, PLR0911, PLR0912
        where = f"{file.rel_path}#{pointer}"
        if not isinstance(node, dict):
            self.problems.error(where, "schema node is not an object")
            return None
        self._check_keywords(node, where)
        if "$ref" in node:
            return self._ref(file, node["$ref"], where)
        if "enum" in node:
            name = self._inline_name(file, pointer, "enum")
            if name is None:
                return None
            self.enum(file, node, pointer, name)
            return EnumRef(PyName(name))
        kind = node.get("type")
        if kind == "object":
            name = self._inline_name(file, pointer, "object")
            if name is None:
                return None
            self.object(file, node, pointer, name)
            return ObjectRef(PyName(name))
        if kind == "array":
            if isinstance(node.get("items"), list):
                self.problems.error(where, "tuple-form items are not supported")
                return None
            items = self.type_of(file, node.get("items", {}), pointer + "/items")
            if items is None:
                return None
            if isinstance(items, Array):
                self.problems.error(where, "arrays of arrays are not supported")
                return None
            return Array(items, node.get("minItems"), node.get("maxItems"))
        if kind == "string":
            fmt = node.get("format")
            if fmt == "date-time":
                return Scalar(Prim.DATETIME)
            if fmt not in (None, "uri"):
                self.problems.warning(where, f"string format {fmt!r} is not checked")
            return Scalar(Prim.STRING, max_length=node.get("maxLength"), uri=fmt == "uri")
        if kind in ("integer", "number"):
            return Scalar(
                Prim.INTEGER if kind == "integer" else Prim.NUMBER,
                minimum=_num(node["minimum"]) if "minimum" in node else None,
                maximum=_num(node["maximum"]) if "maximum" in node else None,
                multiple_of=_num(node["multipleOf"]) if "multipleOf" in node else None,
            )
        if kind == "boolean":
            return Scalar(Prim.BOOLEAN)
        if kind is None:
            return Scalar(Prim.ANY)
        self.problems.error(where, f"type {kind!r} is not supported")
        return None

    def _ref(self, file: SchemaFile, ref: str, where: str) -> TypeRef | None:
        prefix = "#/definitions/"
        if not ref.startswith(prefix):
            self.problems.error(where, f"$ref {ref!r} is not a local definition")
            return None
        name = ref[len(prefix) :]
        target = file.document.get("definitions", {}).get(name)
        if not isinstance(target, dict):
            self.problems.error(where, f"$ref {ref!r} points nowhere")
            return None
        if "enum" in target:
            return EnumRef(PyName(name))
        if target.get("type") == "object":
            return ObjectRef(PyName(name))
        self.problems.error(where, f"$ref {ref!r} is neither an enum nor an object")
        return None

    def enum(self, file: SchemaFile, node: dict[str, Any], pointer: str, name: str) -> None:
        values = tuple(node["enum"])
        origin = f"{file.rel_path}#{pointer}"
        if not self._register(name, ("enum", values), origin):
            return
        members: list[EnumMember] = []
        seen: dict[str, str] = {}
        for value in values:
            if not isinstance(value, str):
                self.problems.error(origin, f"enum value {value!r} is not a string")
                continue
            py = naming.member_name(WireName(value))
            if py in seen:
                self.problems.error(origin, f"enum values {seen[py]!r} and {value!r} both name {py}")
            seen[py] = value
            members.append(EnumMember(py, WireName(value)))
        self.enums[name] = EnumType(
            PyName(name), tuple(members), clean_description(node.get("description")), origin
        )

    def object(self, file: SchemaFile, node: dict[str, Any], pointer: str, name: str) -> ObjectType | None:
        origin = f"{file.rel_path}#{pointer or '/'}"
        fields = self._fields(file, node, pointer)
        if fields is None:
            return None
        is_open = node.get("additionalProperties", True) is not False
        key = ("object", is_open, _draft(file.document), tuple((f.wire, f.type, f.required) for f in fields))
        obj = ObjectType(
            PyName(name),
            fields,
            clean_description(node.get("description")),
            is_open,
            origin,
            _draft(file.document),
        )
        if pointer and self._register(name, key, origin):
            self.objects[name] = obj
        return obj

    def _fields(self, file: SchemaFile, node: dict[str, Any], pointer: str) -> tuple[Field, ...] | None:
        props = node.get("properties", {})
        required = node.get("required", [])
        where = f"{file.rel_path}#{pointer or '/'}"
        for wire in required:
            if wire not in props:
                self.problems.error(where, f"required property {wire!r} is not defined")
        fields: list[Field] = []
        py_seen: dict[str, str] = {}
        ok = True
        for wire, sub in props.items():
            ref = self.type_of(file, sub, f"{pointer}/properties/{wire}")
            if ref is None:
                ok = False
                continue
            py = naming.field_name(WireName(wire))
            if py in py_seen:
                self.problems.error(where, f"properties {py_seen[py]!r} and {wire!r} both name {py}")
            py_seen[py] = wire
            default = json.dumps(sub["default"]) if isinstance(sub, dict) and "default" in sub else None
            description = clean_description(sub.get("description")) if isinstance(sub, dict) else ""
            fields.append(Field(WireName(wire), py, ref, wire in required, description, default))
        return tuple(fields) if ok else None


def _split_stem(stem: str, request_suffix: str, response_suffix: str) -> tuple[str, str]:
    if stem.endswith(response_suffix):
        return stem[: -len(response_suffix)], "response"
    if request_suffix and stem.endswith(request_suffix):
        return stem[: -len(request_suffix)], "request"
    return stem, "request"


def _draft(doc: dict[str, Any]) -> int:
    match = re.search(r"draft-0(\d)", str(doc.get("$schema", "")))
    return int(match.group(1)) if match else 0


def _resolve(document: Any, pointer: str) -> Any:
    node = document
    for part in [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def apply_overlays(raw: RawVersion, problems: Problems) -> RawVersion:
    """The schemas with their overlays applied (on copies: the OCA files stay as read).

    An overlay without a reason, whose target is missing, or that changes nothing is an error:
    a correction OCA has since made upstream must be deleted, not carried on.
    """
    if not raw.overlays:
        return raw
    by_file = {f.rel_path: f for f in raw.schemas}
    changed: dict[str, dict[str, Any]] = {}
    for overlay in raw.overlays:
        where = overlay.path
        if not overlay.reason.strip():
            problems.error(where, "an overlay must say why (reason)")
        schema = by_file.get(overlay.file)
        if schema is None:
            problems.error(where, f"no schema file {overlay.file}")
            continue
        document = changed.setdefault(overlay.file, copy.deepcopy(schema.document))
        node = _resolve(document, overlay.pointer)
        if not isinstance(node, dict):
            problems.error(where, f"{overlay.file}#{overlay.pointer} does not exist")
            continue
        before = copy.deepcopy(node)
        node.update(overlay.set)
        for key in overlay.remove:
            node.pop(key, None)
        if node == before:
            problems.error(where, f"changes nothing in {overlay.file}#{overlay.pointer}: delete it")
    schemas = tuple(
        dataclasses.replace(f, document=changed[f.rel_path]) if f.rel_path in changed else f
        for f in raw.schemas
    )
    return dataclasses.replace(raw, schemas=schemas)


def parse_version(raw: RawVersion, problems: Problems) -> Spec:  # noqa: C901, PLR0912
    """Parse one version; problems are appended to ``problems``."""
    raw = apply_overlays(raw, problems)
    cfg = raw.config
    p = _Parser(raw, problems)
    bodies: dict[tuple[str, str], Message] = {}
    for file in raw.schemas:
        doc = file.document
        p._check_keywords(doc, file.rel_path)
        for def_name, def_node in sorted(doc.get("definitions", {}).items()):
            p.type_of(file, def_node, f"/definitions/{def_name}")
        action, role = _split_stem(file.name.removesuffix(".json"), cfg.request_suffix, cfg.response_suffix)
        class_name = action + ("Request" if role == "request" else "Response")
        if doc.get("type") != "object":
            problems.error(file.rel_path, "root schema is not an object")
            continue
        body = p.object(file, doc, "", class_name)
        if body is None:
            continue
        if class_name in p.keys:
            problems.error(file.rel_path, f"message class {class_name} collides with a type of that name")
        schema_id = doc.get("$id", doc.get("id"))
        bodies[(action, role)] = Message(body, action, role, file.rel_path, schema_id, _draft(doc))

    for key in sorted(set(p.names) - p.used_names):
        problems.error(f"{cfg.folder}/type-names.csv", f"entry {key[0]}#{key[1]} names no inline type")

    actions: list[Action] = []
    listed = {row.action for row in raw.actions}
    for row in raw.actions:
        where = f"{cfg.folder}/actions.csv: {row.action}"
        request = bodies.get((row.action, "request"))
        response = bodies.get((row.action, "response"))
        try:
            direction, kind = Direction(row.direction), Kind(row.kind)
        except ValueError as exc:
            problems.error(where, str(exc))
            continue
        if request is None:
            problems.error(where, "no request schema")
            continue
        if (kind is Kind.SEND) != (response is None):
            problems.error(
                where, f"kind {kind} but response schema {'absent' if response is None else 'present'}"
            )
            continue
        actions.append(Action(row.action, request, response, direction, kind))
    for action, role in sorted(bodies):
        if action not in listed:
            problems.error(f"{cfg.folder}/actions.csv", f"{role} schema of {action} has no action row")

    sources = [SourceFile(f.rel_path, f.sha256) for f in raw.schemas]
    sources += [SourceFile(f.rel_path, f.sha256) for f in raw.data_files]
    errors = tuple(ErrorCode(e.code, e.accept, e.violations, e.description) for e in raw.errors)
    covered = sorted(v for e in errors for v in e.violations)
    if covered != sorted(VIOLATIONS):
        problems.error(
            "rpc-error-codes.csv",
            f"{cfg.version}: violations covered {covered}, need each of {sorted(VIOLATIONS)} once",
        )
    return Spec(
        version=cfg.version,
        module=cfg.module,
        subprotocol=cfg.subprotocol,
        actions=tuple(sorted(actions, key=lambda a: a.name)),
        objects=tuple(p.objects[n] for n in sorted(p.objects)),
        enums=tuple(p.enums[n] for n in sorted(p.enums)),
        error_codes=errors,
        sources=tuple(sorted(sources, key=lambda s: s.path)),
    )


def walk_types(spec: Spec) -> Iterator[tuple[str, Field]]:
    """Every (owner class name, field) of a version, messages first."""
    for message in spec.messages:
        for f in message.body.fields:
            yield message.body.name, f
    for obj in spec.objects:
        for f in obj.fields:
            yield obj.name, f
