"""What changed between two OCPP spec folders: schemas and appendix tables, compared and reported.

Run it before regenerating the SDK from new Open Charge Alliance files (`ocppkit diff OLD NEW`), or
use the functions: `load` reads a folder into a `Spec`, `compare` makes a `SpecDiff` of two, and
`render_markdown` / `render_json` (or `to_json`) report it:

    from ocppkit import specdiff

    diff = specdiff.compare(specdiff.load("specs/ocpp-2.0.1"), specdiff.load("specs/ocpp-2.1"))
    print(specdiff.render_markdown(diff))
    diff.summary()["actions_added"]  # 27

Everything here is the standard library only (`json`, `csv`); it does not use the generator.

## What a folder is

- A version folder such as `specs/ocpp-2.1`: the JSON schemas of every subfolder whose name ends with
  `schemas` (`schemas/`, 1.6's `security-schemas/`) and the CSV tables of every subfolder whose name
  starts with `appendices` (`appendices-csv-v2.0/`). Other files (`actions.csv`, `ReadMe.md`) are not
  read.
- Otherwise a bare folder: its own `*.json` files are schemas and its `*.csv` files appendix tables.

Files are read as bytes and decoded forgivingly: a UTF-8 byte-order mark is dropped, a UTF-16 one
honoured, and a byte that is not UTF-8 is read as Windows-1252 (OCA's 2.1 `dm_components_vars.csv`
holds five such bytes). A folder that cannot be read, holds nothing to compare, or holds a schema that
is not a JSON object raises `SpecDiffError` with one line naming the file.

## How schemas are compared

A schema file `XRequest.json` or `XResponse.json` (2.x), or `X.json` / `XResponse.json` (1.6, whose
requests have no suffix), is a message of action `X`; messages are named `XRequest` / `XResponse`
whatever the version, so 1.6 compares with 2.x. In a folder that uses the `Request` suffix, a file
without a suffix (2.1's `NotifyPeriodicEventStream.json`, a SEND message) is named by its stem.

Types are compared by name: each message body by message name, each entry of `definitions` by its
name (one namespace per folder: same-named definitions of different files are the same type; if they
differ in structure the first file's wins and a warning says so). Objects written inline (1.6 has no
`definitions`) are compared by their message and path: `MeterValuesRequest.meterValue[].sampledValue[]`
is the object in the items of `sampledValue` of an item of `meterValue`, and
`MeterValuesRequest.meterValue[].sampledValue[].measurand` its field (an inline enum, compared there).

A field's type reads `string`, `integer`, `number`, `boolean`, `any` (no type), `enum` (inline),
`object` (inline), `enum MeasurandEnumType` / `object EVSEType` (a `$ref`), or `array of ...`. Its
constraints are the keywords `maxLength`, `minLength`, `minimum`, `maximum`, `exclusiveMinimum`,
`exclusiveMaximum`, `multipleOf`, `format`, `pattern`, `minItems`, `maxItems`, `uniqueItems`,
`additionalItems`, `additionalProperties`, `minProperties`, `maxProperties`, `const` and `default`;
those of an array's items are prefixed `items.` (`items.maxLength`). A number bound compares by value:
`0` and `0.0` are the same bound. Descriptions, titles, `$id`/`id`, `$schema`, `javaType` and
`comment` are ignored. Fields, values and changes of a type, message or action that only one side has
are not listed: the type (message, action) is reported added or removed.

## How appendix tables are compared

Tables are matched by file name (`reason_codes.csv` of `appendices-csv-v1.4/` with that of
`appendices-csv-v2.0/`). Cells are read with `;` or `,` (whichever the header line uses), leading `#`
comment lines and empty rows skipped, and whitespace trimmed and collapsed (a cell spread over lines
compares with the same text on one line). Columns match by header ignoring case, `?` and spacing
(`Reason Code` is `Reason code`). In a table with a `Group` column (2.1's `reason_codes.csv`), a row
with only a group cell names the group of the rows after it. Rows match by key: `Specific Component`,
`Variable` and `Instance` in the device-model table `dm_components_vars.csv`, `Reason code` where that
column exists, else the first column. Rows with the same key (2.1's `variables.csv` lists `Timeout` and
`VehicleId` twice) are paired by content: equal rows match, a single remaining pair is a changed row,
the others are added or removed. Only the columns both tables have are compared cell by cell.

## JSON output

`render_json` (`ocppkit diff --json`) writes one object, lists sorted, with these keys:

- `format`: `"ocppkit-specdiff/1"`; a change of this schema changes the number.
- `old`, `new`: the folders as given.
- `differences`: `true` when anything below (besides `summary` and `warnings`) is not empty.
- `summary`: counts, each an integer: `actions_added`, `actions_removed`, `messages_added`,
  `messages_removed`, `types_added`, `types_removed`, `fields_added`, `fields_removed`,
  `required_changes`, `type_changes`, `constraint_changes`, `enum_types_changed`,
  `enum_values_added`, `enum_values_removed`, `appendix_files_added`, `appendix_files_removed`,
  `appendix_columns_added`, `appendix_columns_removed`, `appendix_rows_added`,
  `appendix_rows_removed`, `appendix_rows_changed`.
- `actions`, `messages`, `types`: each `{"added": [name, ...], "removed": [name, ...]}` (messages:
  only those of actions both sides have; types: named definitions).
- `fields`: `{"added": [...], "removed": [...]}` of `{"path", "type", "required"}` (the type and
  required-ness the field has on the side that has it).
- `required_changes`: `[{"path", "old", "new"}]`, booleans (`true`: required).
- `type_changes`: `[{"path", "old", "new"}]`, type strings as above.
- `constraint_changes`: `[{"path", "keyword", "old", "new"}]`, the keyword's JSON values, `null`
  when absent.
- `enum_changes`: `[{"path", "added", "removed"}]`, per enum type (named) or inline enum (path).
- `appendices`: an object: `files_added` and `files_removed` (file names), and `tables`, one object
  per table both sides have that changed, with `file`, `key` (the key columns' headers),
  `columns_added`, `columns_removed` (headers), `rows_added`, `rows_removed` (each row
  `{"key": [cell, ...], "cells": {header: cell}}`) and `rows_changed` (each
  `{"key": [cell, ...], "cells": [{"column", "old", "new"}]}`, the cells that differ).
- `warnings`: strings, things found odd while reading (not differences).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final, Literal

__all__ = [
    "CONSTRAINTS",
    "FORMAT",
    "CellChange",
    "ConstraintChange",
    "EnumChange",
    "FieldEntry",
    "Message",
    "Prop",
    "RequiredChange",
    "Row",
    "RowChange",
    "Shape",
    "Spec",
    "SpecDiff",
    "SpecDiffError",
    "Table",
    "TableDiff",
    "TypeChange",
    "compare",
    "decode",
    "load",
    "render_json",
    "render_markdown",
    "to_json",
]

FORMAT: Final = "ocppkit-specdiff/1"
"""The `format` of the JSON report."""

CONSTRAINTS: Final = (
    "maxLength",
    "minLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "format",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "additionalItems",
    "additionalProperties",
    "minProperties",
    "maxProperties",
    "const",
    "default",
)
"""The schema keywords compared as constraints (besides type, `required`, `properties` and `enum`)."""

_DEVICE_MODEL_KEY: Final = ("specific component", "variable", "instance")
_REASON_CODE: Final = "reason code"
_GROUP: Final = "group"


class SpecDiffError(Exception):
    """A spec folder cannot be read; the message is one line naming the folder or file."""


# -- the model of one folder ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Prop:
    """A field of an object type: its type string, required-ness, constraints, inline enum values."""

    type: str
    required: bool
    constraints: Mapping[str, str]
    """Keyword → its value as canonical JSON text."""
    values: tuple[str, ...] | None = None
    """The values of an inline enum (also of an array's inline enum items); `None` for other types."""
    ref: str | None = None
    """The definition a `$ref` names (also in an array's items): its constraints and values count."""
    ref_prefix: str = ""
    """Where the definition's constraints go: `items.` for an array's items."""


@dataclass(frozen=True, slots=True)
class Shape:
    """A type: a named definition, a message body, or an object written inline."""

    kind: str
    """`object`, `enum`, or the JSON type of a definition that is neither."""
    where: Literal["definition", "message", "inline"]
    constraints: Mapping[str, str]
    props: Mapping[str, Prop]
    values: tuple[str, ...] | None = None
    """An enum's values."""
    source: str = field(default="", compare=False)
    """The file it was read from (relative to the folder)."""


@dataclass(frozen=True, slots=True)
class Message:
    """A schema file: the message `name` (`BootNotificationRequest`) of `action`."""

    name: str
    action: str
    file: str


@dataclass(frozen=True, slots=True)
class Row:
    """A row of an appendix table: its key cells and its cells by normalised column name."""

    key: tuple[str, ...]
    cells: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Table:
    """An appendix table."""

    file: str
    """Relative to the folder."""
    columns: Mapping[str, str]
    """Normalised column name → the header as the file spells it, in the file's order."""
    key: tuple[str, ...]
    """The normalised names of the key columns."""
    rows: tuple[Row, ...]


@dataclass(frozen=True, slots=True)
class Spec:
    """One folder read by `load`."""

    path: str
    messages: Mapping[str, Message]
    shapes: Mapping[str, Shape]
    """Definitions by name, message bodies by message name, inline objects by path."""
    tables: Mapping[str, Table]
    """By file name."""
    warnings: tuple[str, ...] = ()

    @property
    def actions(self) -> frozenset[str]:
        """The actions that have at least one message."""
        return frozenset(m.action for m in self.messages.values())


# -- reading --------------------------------------------------------------------------------------

_SURROGATE_TO_CP1252: Final = {
    0xDC00 + b: bytes([b]).decode("cp1252", errors="ignore") or bytes([b]).decode("latin-1")
    for b in range(0x80, 0x100)
}


def decode(raw: bytes) -> str:
    """Text of a file's bytes: a UTF-8 BOM dropped, a UTF-16 BOM honoured, other bytes read as UTF-8,
    each byte that is not valid UTF-8 read as Windows-1252 (its five undefined bytes as Latin-1)."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16", errors="replace")
    text = raw.removeprefix(codecs.BOM_UTF8).decode("utf-8", errors="surrogateescape")
    return text.translate(_SURROGATE_TO_CP1252)


def _read(path: Path, root: Path) -> str:
    try:
        return decode(path.read_bytes())
    except OSError as exc:
        raise SpecDiffError(f"{_rel(path, root)}: cannot read it ({exc.strerror or exc})") from None


def _rel(path: Path, root: Path) -> str:
    try:
        return f"{root}/{path.relative_to(root).as_posix()}"
    except ValueError:
        return str(path)


def _children(folder: Path) -> list[Path]:
    try:
        return sorted(folder.iterdir())
    except OSError as exc:
        raise SpecDiffError(f"{folder}: cannot read the folder ({exc.strerror or exc})") from None


def _files(root: Path) -> tuple[list[Path], list[Path]]:
    """The schema files and the appendix tables of a folder."""
    if not root.exists():
        raise SpecDiffError(f"{root}: no such folder")
    if not root.is_dir():
        raise SpecDiffError(f"{root}: not a folder")
    children = _children(root)
    folders = [c for c in children if c.is_dir()]
    schema_dirs = [d for d in folders if d.name.endswith("schemas")]
    table_dirs = [d for d in folders if d.name.startswith("appendices")]
    if schema_dirs or table_dirs:
        schemas = [f for d in schema_dirs for f in _children(d) if _is(f, ".json")]
        tables = [f for d in table_dirs for f in _children(d) if _is(f, ".csv")]
        return schemas, tables
    versions = [d.name for d in folders if (d / "schemas").is_dir()]
    if versions:
        raise SpecDiffError(f"{root} holds version folders ({', '.join(versions)}): name one of them")
    schemas = [f for f in children if _is(f, ".json")]
    tables = [f for f in children if _is(f, ".csv")]
    if not schemas and not tables:
        raise SpecDiffError(f"{root}: no schemas (*.json) or appendix tables (*.csv) to compare")
    return schemas, tables


def _is(path: Path, suffix: str) -> bool:
    return path.suffix.lower() == suffix and path.is_file()


def load(path: str | Path) -> Spec:
    """Read a version folder or a bare folder of schemas (see the module's description).

    Raises `SpecDiffError` when the folder is missing or unreadable, holds nothing to compare, or
    holds a schema that is not a JSON object.
    """
    root = Path(path)
    schemas, tables = _files(root)
    reader = _SchemaReader(root)
    suffixed = any(f.stem.endswith("Request") for f in schemas)
    for file in schemas:
        reader.message(file, suffixed)
    by_name: dict[str, Table] = {}
    for file in tables:
        if file.name in by_name:
            reader.warnings.append(
                f"{_rel(file, root)}: a table of the same name was read from {by_name[file.name].file}; "
                "this one is compared"
            )
        by_name[file.name] = _table(file, root)
    return Spec(
        path=str(path),
        messages=dict(sorted(reader.messages.items())),
        shapes=dict(sorted(reader.shapes.items())),
        tables=dict(sorted(by_name.items())),
        warnings=tuple(reader.warnings),
    )


def _message_name(stem: str, suffixed: bool) -> tuple[str, str]:
    """(message name, action) of a schema file's stem."""
    for suffix in ("Response", "Request"):
        if stem.endswith(suffix) and len(stem) > len(suffix):
            return stem, stem.removesuffix(suffix)
    return (stem if suffixed else f"{stem}Request"), stem


def _dict(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {}


def _canon(value: object) -> str:
    """Canonical JSON text of a keyword's value (`0.0` as `0`)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _constraints(schema: Mapping[str, object]) -> dict[str, str]:
    """The keywords of `CONSTRAINTS` that have an effect where they are: `additionalProperties` only
    on an object (1.6 and 2.x write it on string enums too), `additionalItems` only beside a list of
    `items` (2.x writes it beside a single `items` schema)."""
    kind = _type_name(schema)
    ignored = set()
    if "object" not in kind and kind != "any":
        ignored.add("additionalProperties")
    if not isinstance(schema.get("items"), list):
        ignored.add("additionalItems")
    return {k: _canon(schema[k]) for k in CONSTRAINTS if k in schema and k not in ignored}


def _enum(schema: Mapping[str, object]) -> tuple[str, ...] | None:
    values = schema.get("enum")
    if not isinstance(values, list):
        return None
    return tuple(v if isinstance(v, str) else _canon(v) for v in values)


def _type_name(schema: Mapping[str, object]) -> str:
    kind = schema.get("type")
    if isinstance(kind, str):
        return kind
    if isinstance(kind, list):
        return " | ".join(str(k) for k in kind)
    return "any"


@dataclass(slots=True)
class _SchemaReader:
    root: Path
    messages: dict[str, Message] = field(default_factory=dict)
    shapes: dict[str, Shape] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    file: str = ""

    def message(self, path: Path, suffixed: bool) -> None:
        self.file = path.relative_to(self.root).as_posix()
        text = _read(path, self.root)
        try:
            schema = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SpecDiffError(
                f"{_rel(path, self.root)}: not JSON ({exc.msg}, line {exc.lineno} column {exc.colno})"
            ) from None
        if not isinstance(schema, dict):
            raise SpecDiffError(f"{_rel(path, self.root)}: not a JSON schema (not an object)")
        name, action = _message_name(path.stem, suffixed)
        if name in self.messages:
            self.warnings.append(f"{self.file}: message {name} was read from {self.messages[name].file}")
            return
        self.messages[name] = Message(name, action, self.file)
        definitions = _dict(schema.get("definitions"))
        for def_name, definition in definitions.items():
            self.shape(def_name, _dict(definition), "definition", definitions)
        self.shape(name, schema, "message", definitions)

    def shape(
        self,
        key: str,
        schema: Mapping[str, object],
        where: Literal["definition", "message", "inline"],
        definitions: Mapping[str, object],
    ) -> None:
        required = schema.get("required")
        required_names = {r for r in required if isinstance(r, str)} if isinstance(required, list) else set()
        props: dict[str, Prop] = {}
        for prop_name, prop in _dict(schema.get("properties")).items():
            described = self.describe(f"{key}.{prop_name}", _dict(prop), definitions)
            props[prop_name] = replace(described, required=prop_name in required_names)
        values = _enum(schema)
        kind = "enum" if values is not None else _type_name(schema)
        self.add(key, Shape(kind, where, _constraints(schema), props, values, self.file))

    def describe(self, path: str, schema: Mapping[str, object], definitions: Mapping[str, object]) -> Prop:
        """A field's (or array items') type, constraints and enum values (not yet its required-ness)."""
        ref = schema.get("$ref")
        if isinstance(ref, str):  # the keywords beside a $ref do not count (draft-04 to -07)
            kind, name = _ref_type(ref, definitions)
            return Prop(kind, False, {}, ref=name)
        constraints = _constraints(schema)
        values = _enum(schema)
        if values is not None:
            return Prop("enum", False, constraints, values)
        kind = _type_name(schema)
        if kind == "object":
            self.shape(path, schema, "inline", definitions)
            return Prop("object", False, {})
        if kind == "array":
            items = self.describe(f"{path}[]", _dict(schema.get("items")), definitions)
            constraints.update({f"items.{k}": v for k, v in items.constraints.items()})
            prefix = f"items.{items.ref_prefix}" if items.ref else ""
            return Prop(f"array of {items.type}", False, constraints, items.values, items.ref, prefix)
        return Prop(kind, False, constraints)

    def add(self, key: str, shape: Shape) -> None:
        known = self.shapes.get(key)
        if known is None:
            self.shapes[key] = shape
        elif known != shape:
            self.warnings.append(
                f"{shape.source}: {key} differs from the one in {known.source}; that one is compared"
            )


def _ref_type(ref: str, definitions: Mapping[str, object]) -> tuple[str, str | None]:
    """The type string of a `$ref` and the definition it names (`None` if not a local definition)."""
    name = ref.removeprefix("#/definitions/")
    if name == ref or name not in definitions:
        return f"$ref {ref}", None
    target = _dict(definitions[name])
    kind = "enum" if _enum(target) is not None else _type_name(target)
    return f"{kind} {name}", name


# -- appendix tables ------------------------------------------------------------------------------


def _norm(header: str) -> str:
    return " ".join(header.replace("?", " ").lower().split())


def _clean(cell: str) -> str:
    return " ".join(cell.split())


def _table(path: Path, root: Path) -> Table:
    text = _read(path, root)
    lines = text.splitlines(keepends=True)
    skip = 0
    while skip < len(lines) and lines[skip].lstrip().startswith("#"):
        skip += 1
    body = "".join(lines[skip:])
    first = body.split("\n", 1)[0]
    delimiter = ";" if ";" in first else ","
    try:
        records = [
            [_clean(c) for c in r] for r in csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
        ]
    except csv.Error as exc:
        raise SpecDiffError(f"{_rel(path, root)}: not a CSV table ({exc})") from None
    records = [r for r in records if any(r)]
    if not records:
        raise SpecDiffError(f"{_rel(path, root)}: an empty table")
    header, rows = records[0], records[1:]
    width = max([len(header)] + [max((i + 1 for i, c in enumerate(r) if c), default=0) for r in rows])
    columns: dict[str, str] = {}
    for i in range(width):
        spelled = header[i] if i < len(header) and header[i] else f"column {i + 1}"
        name = _norm(spelled)
        while name in columns:
            name += " (again)"
        columns[name] = spelled
    names = list(columns)
    key = _key_columns(names)
    cells = [dict(zip(names, r + [""] * (width - len(r)), strict=False)) for r in rows]
    return Table(path.relative_to(root).as_posix(), columns, key, tuple(_rows(cells, key)))


def _key_columns(names: list[str]) -> tuple[str, ...]:
    if all(k in names for k in _DEVICE_MODEL_KEY):
        return _DEVICE_MODEL_KEY
    if _REASON_CODE in names:
        return (_REASON_CODE,)
    return (names[0],)


def _rows(records: list[dict[str, str]], key: tuple[str, ...]) -> Iterable[Row]:
    """Rows with their keys; a row with only a `Group` cell names the group of the rows after it."""
    group = ""
    for cells in records:
        if _GROUP in cells:
            if cells[_GROUP] and not any(v for k, v in cells.items() if k != _GROUP):
                group = cells[_GROUP]
                continue
            cells[_GROUP] = cells[_GROUP] or group
        yield Row(tuple(cells[k] for k in key), cells)


# -- the differences ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldEntry:
    """A field added or removed: its path, and its type and required-ness on the side that has it."""

    path: str
    type: str
    required: bool


@dataclass(frozen=True, slots=True)
class RequiredChange:
    """A field that became required (`new` true) or optional."""

    path: str
    old: bool
    new: bool


@dataclass(frozen=True, slots=True)
class TypeChange:
    """A field (or a named type, or an array's items) whose type string changed."""

    path: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class ConstraintChange:
    """A keyword of `CONSTRAINTS` changed, added (`old` `None`) or removed (`new` `None`): JSON text."""

    path: str
    keyword: str
    old: str | None
    new: str | None


@dataclass(frozen=True, slots=True)
class EnumChange:
    """The values an enum gained and lost (a named enum by name, an inline enum by its field's path)."""

    path: str
    added: tuple[str, ...]
    removed: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CellChange:
    """One cell of a row present on both sides."""

    column: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class RowChange:
    """A row present on both sides with cells that differ."""

    key: tuple[str, ...]
    cells: tuple[CellChange, ...]


@dataclass(frozen=True, slots=True)
class TableDiff:
    """What changed in an appendix table that both sides have."""

    file: str
    """The file name (as the new side has it)."""
    key: tuple[str, ...]
    """The key columns' headers."""
    columns_added: tuple[str, ...]
    columns_removed: tuple[str, ...]
    rows_added: tuple[Row, ...]
    rows_removed: tuple[Row, ...]
    rows_changed: tuple[RowChange, ...]
    columns: Mapping[str, str] = field(default_factory=dict, compare=False)
    """Normalised column name → the header to show (the new side's spelling, else the old's)."""


@dataclass(frozen=True, slots=True)
class SpecDiff:
    """Everything `compare` found; every tuple is sorted."""

    old: str
    new: str
    actions_added: tuple[str, ...] = ()
    actions_removed: tuple[str, ...] = ()
    messages_added: tuple[str, ...] = ()
    messages_removed: tuple[str, ...] = ()
    types_added: tuple[str, ...] = ()
    types_removed: tuple[str, ...] = ()
    fields_added: tuple[FieldEntry, ...] = ()
    fields_removed: tuple[FieldEntry, ...] = ()
    required_changes: tuple[RequiredChange, ...] = ()
    type_changes: tuple[TypeChange, ...] = ()
    constraint_changes: tuple[ConstraintChange, ...] = ()
    enum_changes: tuple[EnumChange, ...] = ()
    appendix_files_added: tuple[str, ...] = ()
    appendix_files_removed: tuple[str, ...] = ()
    appendix_changes: tuple[TableDiff, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def differences(self) -> bool:
        """Whether anything differs (warnings are not differences)."""
        return any(n for n in self.summary().values())

    def summary(self) -> dict[str, int]:
        """The counts of the report's summary, in the report's order (keys as in the JSON report)."""
        tables = self.appendix_changes
        return {
            "actions_added": len(self.actions_added),
            "actions_removed": len(self.actions_removed),
            "messages_added": len(self.messages_added),
            "messages_removed": len(self.messages_removed),
            "types_added": len(self.types_added),
            "types_removed": len(self.types_removed),
            "fields_added": len(self.fields_added),
            "fields_removed": len(self.fields_removed),
            "required_changes": len(self.required_changes),
            "type_changes": len(self.type_changes),
            "constraint_changes": len(self.constraint_changes),
            "enum_types_changed": len(self.enum_changes),
            "enum_values_added": sum(len(e.added) for e in self.enum_changes),
            "enum_values_removed": sum(len(e.removed) for e in self.enum_changes),
            "appendix_files_added": len(self.appendix_files_added),
            "appendix_files_removed": len(self.appendix_files_removed),
            "appendix_columns_added": sum(len(t.columns_added) for t in tables),
            "appendix_columns_removed": sum(len(t.columns_removed) for t in tables),
            "appendix_rows_added": sum(len(t.rows_added) for t in tables),
            "appendix_rows_removed": sum(len(t.rows_removed) for t in tables),
            "appendix_rows_changed": sum(len(t.rows_changed) for t in tables),
        }


@dataclass(slots=True)
class _Found:
    old: Mapping[str, Shape]
    new: Mapping[str, Shape]
    fields_added: list[FieldEntry] = field(default_factory=list)
    fields_removed: list[FieldEntry] = field(default_factory=list)
    required: list[RequiredChange] = field(default_factory=list)
    types: list[TypeChange] = field(default_factory=list)
    constraints: list[ConstraintChange] = field(default_factory=list)
    enums: list[EnumChange] = field(default_factory=list)

    def shape(self, path: str, old: Shape, new: Shape) -> None:
        if old.kind != new.kind:
            self.types.append(TypeChange(path, old.kind, new.kind))
        self.constraint_changes(path, old.constraints, new.constraints)
        self.enum(path, old.values, new.values)
        for name in sorted(old.props.keys() | new.props.keys()):
            before, after = old.props.get(name), new.props.get(name)
            field_path = f"{path}.{name}"
            if before is None and after is not None:
                self.fields_added.append(FieldEntry(field_path, after.type, after.required))
            elif after is None and before is not None:
                self.fields_removed.append(FieldEntry(field_path, before.type, before.required))
            elif before is not None and after is not None:
                self.prop(field_path, before, after)

    def prop(self, path: str, old: Prop, new: Prop) -> None:
        if old.required != new.required:
            self.required.append(RequiredChange(path, old.required, new.required))
        if old.type != new.type:
            self.types.append(TypeChange(path, old.type, new.type))
        if old.ref is not None and old.ref == new.ref:
            # the same definition: its own changes are reported once, under its name
            self.constraint_changes(path, old.constraints, new.constraints)
            return
        old_constraints, old_values = _effective(old, self.old)
        new_constraints, new_values = _effective(new, self.new)
        self.constraint_changes(path, old_constraints, new_constraints)
        self.enum(path, old_values, new_values)

    def constraint_changes(self, path: str, old: Mapping[str, str], new: Mapping[str, str]) -> None:
        for keyword in sorted(old.keys() | new.keys()):
            if old.get(keyword) != new.get(keyword):
                self.constraints.append(ConstraintChange(path, keyword, old.get(keyword), new.get(keyword)))

    def enum(self, path: str, old: tuple[str, ...] | None, new: tuple[str, ...] | None) -> None:
        if old is None or new is None:
            return  # not an enum on one side: a type change
        added, removed = sorted(set(new) - set(old)), sorted(set(old) - set(new))
        if added or removed:
            self.enums.append(EnumChange(path, tuple(added), tuple(removed)))


def _effective(prop: Prop, shapes: Mapping[str, Shape]) -> tuple[dict[str, str], tuple[str, ...] | None]:
    """A field's constraints and enum values, those of the enum or scalar definition it names included."""
    target = shapes.get(prop.ref) if prop.ref else None
    if target is None or target.where != "definition" or target.kind == "object":
        return dict(prop.constraints), prop.values
    inherited = {f"{prop.ref_prefix}{k}": v for k, v in target.constraints.items()}
    return inherited | dict(prop.constraints), target.values


def compare(old: Spec, new: Spec) -> SpecDiff:
    """The differences from `old` to `new`."""
    common_actions = old.actions & new.actions
    found = _Found(old.shapes, new.shapes)
    for key in sorted(old.shapes.keys() & new.shapes.keys()):
        found.shape(key, old.shapes[key], new.shapes[key])

    def definitions(spec: Spec, other: Spec) -> tuple[str, ...]:
        return tuple(k for k, s in spec.shapes.items() if s.where == "definition" and k not in other.shapes)

    def messages(spec: Spec, other: Spec) -> tuple[str, ...]:
        return tuple(
            n for n, m in spec.messages.items() if m.action in common_actions and n not in other.messages
        )

    tables = [
        _compare_table(old.tables[f], new.tables[f]) for f in sorted(old.tables.keys() & new.tables.keys())
    ]
    return SpecDiff(
        old=old.path,
        new=new.path,
        actions_added=tuple(sorted(new.actions - old.actions)),
        actions_removed=tuple(sorted(old.actions - new.actions)),
        messages_added=messages(new, old),
        messages_removed=messages(old, new),
        types_added=definitions(new, old),
        types_removed=definitions(old, new),
        fields_added=tuple(sorted(found.fields_added, key=lambda c: c.path)),
        fields_removed=tuple(sorted(found.fields_removed, key=lambda c: c.path)),
        required_changes=tuple(sorted(found.required, key=lambda c: c.path)),
        type_changes=tuple(sorted(found.types, key=lambda c: c.path)),
        constraint_changes=tuple(sorted(found.constraints, key=lambda c: (c.path, c.keyword))),
        enum_changes=tuple(sorted(found.enums, key=lambda c: c.path)),
        appendix_files_added=tuple(sorted(new.tables.keys() - old.tables.keys())),
        appendix_files_removed=tuple(sorted(old.tables.keys() - new.tables.keys())),
        appendix_changes=tuple(t for t in tables if _table_changed(t)),
        warnings=tuple(f"old: {w}" for w in old.warnings) + tuple(f"new: {w}" for w in new.warnings),
    )


def _table_changed(t: TableDiff) -> bool:
    return bool(t.columns_added or t.columns_removed or t.rows_added or t.rows_removed or t.rows_changed)


def _compare_table(old: Table, new: Table) -> TableDiff:
    common = [c for c in new.columns if c in old.columns]
    headers = {**old.columns, **new.columns}
    added: list[Row] = []
    removed: list[Row] = []
    changed: list[RowChange] = []
    old_rows = _by_key(old.rows)
    new_rows = _by_key(new.rows)
    for key in sorted(old_rows.keys() | new_rows.keys()):
        before, after = _unmatched(old_rows.get(key, []), new_rows.get(key, []), common)
        if len(before) == 1 and len(after) == 1:
            cells = tuple(
                CellChange(headers[c], before[0].cells.get(c, ""), after[0].cells.get(c, ""))
                for c in common
                if before[0].cells.get(c, "") != after[0].cells.get(c, "")
            )
            changed.append(RowChange(key, cells))
        else:
            removed.extend(before)
            added.extend(after)
    return TableDiff(
        file=Path(new.file).name,
        key=tuple(headers[k] for k in new.key),
        columns_added=tuple(h for c, h in new.columns.items() if c not in old.columns),
        columns_removed=tuple(h for c, h in old.columns.items() if c not in new.columns),
        rows_added=tuple(added),
        rows_removed=tuple(removed),
        rows_changed=tuple(changed),
        columns=headers,
    )


def _by_key(rows: Iterable[Row]) -> dict[tuple[str, ...], list[Row]]:
    out: dict[tuple[str, ...], list[Row]] = {}
    for row in rows:
        out.setdefault(row.key, []).append(row)
    return out


def _unmatched(old: list[Row], new: list[Row], columns: list[str]) -> tuple[list[Row], list[Row]]:
    """The rows of one key left once rows equal in `columns` are paired off."""
    before = list(old)
    after: list[Row] = []
    for row in new:
        same = next((i for i, r in enumerate(before) if _same(r, row, columns)), None)
        if same is None:
            after.append(row)
        else:
            del before[same]
    return before, after


def _same(a: Row, b: Row, columns: list[str]) -> bool:
    return all(a.cells.get(c, "") == b.cells.get(c, "") for c in columns)


# -- reports --------------------------------------------------------------------------------------


def _value(text: str | None) -> object:
    return None if text is None else json.loads(text)


def _row_json(row: Row, headers: Mapping[str, str]) -> dict[str, object]:
    return {"key": list(row.key), "cells": {headers.get(c, c): v for c, v in row.cells.items()}}


def _table_json(t: TableDiff) -> dict[str, object]:
    return {
        "file": t.file,
        "key": list(t.key),
        "columns_added": list(t.columns_added),
        "columns_removed": list(t.columns_removed),
        "rows_added": [_row_json(r, t.columns) for r in t.rows_added],
        "rows_removed": [_row_json(r, t.columns) for r in t.rows_removed],
        "rows_changed": [
            {"key": list(r.key), "cells": [{"column": c.column, "old": c.old, "new": c.new} for c in r.cells]}
            for r in t.rows_changed
        ],
    }


def to_json(diff: SpecDiff) -> dict[str, object]:
    """The JSON report as Python data (the schema is in the module's description)."""
    return {
        "format": FORMAT,
        "old": diff.old,
        "new": diff.new,
        "differences": diff.differences,
        "summary": diff.summary(),
        "actions": {"added": list(diff.actions_added), "removed": list(diff.actions_removed)},
        "messages": {"added": list(diff.messages_added), "removed": list(diff.messages_removed)},
        "types": {"added": list(diff.types_added), "removed": list(diff.types_removed)},
        "fields": {
            "added": [{"path": f.path, "type": f.type, "required": f.required} for f in diff.fields_added],
            "removed": [
                {"path": f.path, "type": f.type, "required": f.required} for f in diff.fields_removed
            ],
        },
        "required_changes": [{"path": c.path, "old": c.old, "new": c.new} for c in diff.required_changes],
        "type_changes": [{"path": c.path, "old": c.old, "new": c.new} for c in diff.type_changes],
        "constraint_changes": [
            {"path": c.path, "keyword": c.keyword, "old": _value(c.old), "new": _value(c.new)}
            for c in diff.constraint_changes
        ],
        "enum_changes": [
            {"path": c.path, "added": list(c.added), "removed": list(c.removed)} for c in diff.enum_changes
        ],
        "appendices": {
            "files_added": list(diff.appendix_files_added),
            "files_removed": list(diff.appendix_files_removed),
            "tables": [_table_json(t) for t in diff.appendix_changes],
        },
        "warnings": list(diff.warnings),
    }


def render_json(diff: SpecDiff) -> str:
    """The JSON report, indented, ending with a newline."""
    return json.dumps(to_json(diff), indent=2, ensure_ascii=False) + "\n"


_LABELS: Final = {
    "actions_added": "Actions added",
    "actions_removed": "Actions removed",
    "messages_added": "Messages added (existing actions)",
    "messages_removed": "Messages removed (remaining actions)",
    "types_added": "Types added",
    "types_removed": "Types removed",
    "fields_added": "Fields added",
    "fields_removed": "Fields removed",
    "required_changes": "Required-ness changed",
    "type_changes": "Types changed",
    "constraint_changes": "Constraints changed",
    "enum_types_changed": "Enums changed",
    "enum_values_added": "Enum values added",
    "enum_values_removed": "Enum values removed",
    "appendix_files_added": "Appendix tables added",
    "appendix_files_removed": "Appendix tables removed",
    "appendix_columns_added": "Appendix columns added",
    "appendix_columns_removed": "Appendix columns removed",
    "appendix_rows_added": "Appendix rows added",
    "appendix_rows_removed": "Appendix rows removed",
    "appendix_rows_changed": "Appendix rows changed",
}
_CONTROL: Final = re.compile("[\x00-\x1f\x7f-\x9f]")
"""Control characters, shown escaped (`\\x9d`) in Markdown."""
_INLINE: Final = 60
"""Cells longer than this are shown old and new on lines of their own."""


def _code(text: str) -> str:
    """`text` as a Markdown code span (backticks inside allowed); the empty string as *(empty)*."""
    if not text:
        return "*(empty)*"
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    ticks = max((len(m) for m in re.findall("`+", text)), default=0)
    fence = "`" * (ticks + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _json_code(text: str | None) -> str:
    return "*(none)*" if text is None else _code(text)


def _key(key: tuple[str, ...]) -> str:
    return _code(" / ".join(k for k in key if k) or "")


def _section(out: list[str], title: str, lines: list[str], level: int = 2) -> None:
    if lines:
        out += ["", f"{'#' * level} {title} ({len(lines)})", "", *lines]


def _cell_lines(key: tuple[str, ...], changes: tuple[CellChange, ...]) -> list[str]:
    lines = [f"- {_key(key)}:"]
    for c in changes:
        if len(c.old) <= _INLINE and len(c.new) <= _INLINE:
            lines.append(f"  - {_code(c.column)}: {_code(c.old)} → {_code(c.new)}")
        else:
            lines += [f"  - {_code(c.column)}:", f"    - old: {_code(c.old)}", f"    - new: {_code(c.new)}"]
    return lines


def _table_markdown(t: TableDiff) -> list[str]:
    counts = f"{len(t.rows_added)} added, {len(t.rows_removed)} removed, {len(t.rows_changed)} changed"
    out = [
        "",
        f"### {_code(t.file)}: rows {counts}",
        "",
        f"Rows are keyed by {', '.join(map(_code, t.key))}.",
    ]
    if t.columns_added:
        out += ["", f"Columns added: {', '.join(map(_code, t.columns_added))}."]
    if t.columns_removed:
        out += ["", f"Columns removed: {', '.join(map(_code, t.columns_removed))}."]
    _section(out, "Rows added", [f"- {_key(r.key)}" for r in t.rows_added], 4)
    _section(out, "Rows removed", [f"- {_key(r.key)}" for r in t.rows_removed], 4)
    changed = [line for r in t.rows_changed for line in _cell_lines(r.key, r.cells)]
    if changed:
        out += ["", f"#### Rows changed ({len(t.rows_changed)})", "", *changed]
    return out


def _schema_markdown(diff: SpecDiff) -> list[str]:
    out: list[str] = []

    def names(items: tuple[str, ...]) -> list[str]:
        return [f"- {_code(n)}" for n in items]

    def fields(items: tuple[FieldEntry, ...]) -> list[str]:
        return [f"- {_code(f.path)}: {_code(f.type)}, {_required(f.required)}" for f in items]

    _section(out, "Actions added", names(diff.actions_added))
    _section(out, "Actions removed", names(diff.actions_removed))
    _section(out, "Messages added", names(diff.messages_added))
    _section(out, "Messages removed", names(diff.messages_removed))
    _section(out, "Types added", names(diff.types_added))
    _section(out, "Types removed", names(diff.types_removed))
    _section(out, "Fields added", fields(diff.fields_added))
    _section(out, "Fields removed", fields(diff.fields_removed))
    _section(
        out,
        "Required-ness changed",
        [f"- {_code(c.path)}: {_required(c.old)} → {_required(c.new)}" for c in diff.required_changes],
    )
    _section(
        out,
        "Types changed",
        [f"- {_code(c.path)}: {_code(c.old)} → {_code(c.new)}" for c in diff.type_changes],
    )
    _section(
        out,
        "Constraints changed",
        [
            f"- {_code(c.path)} {_code(c.keyword)}: {_json_code(c.old)} → {_json_code(c.new)}"
            for c in diff.constraint_changes
        ],
    )
    if diff.enum_changes:
        out += ["", f"## Enum values ({len(diff.enum_changes)} enums)"]
    for e in diff.enum_changes:
        out += ["", f"### {_code(e.path)}: {len(e.added)} added, {len(e.removed)} removed", ""]
        out += [f"- added: {_code(v)}" for v in e.added] + [f"- removed: {_code(v)}" for v in e.removed]
    return out


def _required(required: bool) -> str:
    return "required" if required else "optional"


def render_markdown(diff: SpecDiff) -> str:
    """The Markdown report: a summary table of counts, then a section per kind of change (sections
    without entries left out), entries sorted; ends with a newline."""
    out = ["# OCPP spec diff", "", f"- old: {_code(diff.old)}", f"- new: {_code(diff.new)}", ""]
    out += ["## Summary", "", "| Change | Count |", "| --- | ---: |"]
    out += [f"| {_LABELS[k]} | {n} |" for k, n in diff.summary().items()]
    if not diff.differences:
        out += ["", "No differences."]
    out += _schema_markdown(diff)
    tables = diff.appendix_changes
    if diff.appendix_files_added or diff.appendix_files_removed or tables:
        out += ["", "## Appendix tables"]
        _section(out, "Tables added", [f"- {_code(f)}" for f in diff.appendix_files_added], 3)
        _section(out, "Tables removed", [f"- {_code(f)}" for f in diff.appendix_files_removed], 3)
        for t in tables:
            out += _table_markdown(t)
    _section(out, "Warnings", [f"- {w}" for w in diff.warnings])
    return "\n".join(out) + "\n"
