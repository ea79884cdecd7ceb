"""Appendix tables → small frozen IR records, collecting problems instead of stopping at the first.

``specs/appendices.csv`` says which tables each version has and what each becomes; the tables
are OCA's appendix CSVs (verbatim) or project-owned ones authored from the OCA texts. Reading is
forgiving of the OCA files' format (``;`` with space padding, a stray Windows-1252 byte in a
UTF-8 file, quoted cells over several lines, empty rows, 2.1's group rows in ``reason_codes.csv``)
and strict about their content: every value is checked against the version's schemas (the
``fields`` of its row, ``DataEnumType``, ``AttributeEnumType``) and its units against the units
table. Corrections of OCA cells live in ``specs/appendix-corrections.csv``, each with its reason.
The project's ChargeX table (kind ``chargex``) is checked the same way, and its 1.6 error codes
against the 1.6 schema's ``ChargePointErrorCode``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from codegen import naming
from codegen.ir import EnumRef, Problems, PyName, Scalar, SourceFile, Spec, WireName
from codegen.load import VersionConfig

TABLE = "appendices.csv"
CORRECTIONS = "appendix-corrections.csv"

KINDS = (
    "security_events",
    "reason_codes",
    "values",
    "signing_methods",
    "enum_descriptions",
    "components",
    "variables",
    "device_model",
    "chargex",
)
DEVICE_MODEL_KINDS = ("components", "variables", "device_model")

REQUIRED = ("yes", "no", "V2X")
"""The "Required?" column's words; mirrors ``ocppkit.device_model.Required``."""

STRING_FORMATS = ("identifierString", "passwordString")
"""Part 2's string types that the appendix names as a variable's data type (sent as ``string``)."""

GENERIC = "<generic>"

CHARGEX_CODE = re.compile(r"CX[0-9]{3}")
CHARGEX_NAME = re.compile(r"[A-Z][A-Za-z0-9]*")
CHARGEX_LISTS = {
    "responsibility": ("EV User", "EV", "EVSE", "CSO"),
    "classification": ("Safety", "Security", "Maintenance", "Authorization"),
}
CHARGEX_CONFIDENCE = ("high", "single source")
"""The words of ``specs/chargex-codes.csv``'s responsibility, classification and confidence columns."""
ERROR_CODE_ENUM = "ChargePointErrorCode"
"""The 1.6 enum that a ChargeX code's 1.6 ``errorCode`` must be a value of."""

_HEADERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # kind: (required columns, optional columns); names lower-cased, '?' dropped. The first column of
    # "values", "signing_methods" and "enum_descriptions" is the value whatever its header says.
    "security_events": (("security event", "description", "critical"), ()),
    "reason_codes": (("reason code", "description", "typically used for"), ("group",)),
    "values": ((), ("description",)),
    "signing_methods": (("algorithm", "curve", "key length", "hash algorithm"), ()),
    "enum_descriptions": (("description",), ()),
    "components": (("component", "description"), ()),
    "variables": (("name", "datatype", "unit", "description"), ()),
    "device_model": (
        ("specific component", "variable", "instance", "required", "datatype", "unit", "description"),
        (),
    ),
    "chargex": (
        (
            "code",
            "name",
            "description",
            "ocpp16_error_code",
            "responsibility",
            "classification",
            "confidence",
        ),
        ("sources", "note"),
    ),
}


@dataclass(frozen=True, slots=True)
class Value:
    """One entry of a catalogue; the optional fields belong to particular kinds."""

    value: str
    py: PyName
    description: str
    critical: bool = False
    """security_events"""
    group: str = ""
    """reason_codes (2.1 groups its table)"""
    used_for: str = ""
    """reason_codes: "Typically used for" """
    algorithm: str = ""
    curve: str = ""
    key_length: str = ""
    hash_algorithm: str = ""
    """signing_methods: the table's informative columns"""
    name: str = ""
    error_code: str = ""
    error_code_py: str = ""
    """chargex: the 1.6 ``ChargePointErrorCode`` and its member name (empty where the version lacks it)"""
    responsibility: tuple[str, ...] = ()
    classification: tuple[str, ...] = ()
    single_source: bool = False
    note: str = ""
    """chargex: the ChargeX name (the StrEnum member's), the table's columns"""


@dataclass(frozen=True, slots=True)
class Catalogue:
    kind: str
    name: PyName
    """The StrEnum (for enum_descriptions: the schema enum described)."""
    constant: PyName
    title: str
    source: str
    """The table, relative to ``specs/``."""
    fields: tuple[str, ...]
    """Where the values go on the wire (``Type.field``)."""
    values: tuple[Value, ...]


@dataclass(frozen=True, slots=True)
class ComponentDef:
    name: str
    description: str | None
    """``None`` when only the component-variable table names the component."""


@dataclass(frozen=True, slots=True)
class VariableDef:
    name: str
    data_type: str | None
    string_format: str | None
    units: tuple[str, ...]
    description: str


@dataclass(frozen=True, slots=True)
class DeviceModelRow:
    component: str
    variable: str
    instance: str | None
    attributes: tuple[str, ...]
    required: str
    data_type: str
    string_format: str | None
    units: tuple[str, ...]
    description: str


@dataclass(frozen=True, slots=True)
class DeviceModelIR:
    components: tuple[ComponentDef, ...]
    variables: tuple[VariableDef, ...]
    rows: tuple[DeviceModelRow, ...]
    titles: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Appendices:
    """The appendix tables of one version."""

    version: str
    catalogues: tuple[Catalogue, ...]
    device_model: DeviceModelIR | None
    sources: tuple[SourceFile, ...]
    """Every file read (tables, ``appendices.csv``, corrections), for headers and ``_sources.py``."""
    repaired: tuple[tuple[str, int], ...] = ()
    """(file, number of bytes read as Windows-1252 because they were not UTF-8)."""


@dataclass(frozen=True, slots=True)
class _Row:
    """A row of ``appendices.csv``."""

    version: str
    file: str
    kind: str
    name: str
    constant: str
    fields: tuple[str, ...]
    title: str
    where: str


@dataclass(slots=True)
class _Correction:
    file: str
    row: tuple[str, ...]
    column: str
    old: str
    new: str
    reason: str
    where: str
    used: int = 0


@dataclass(slots=True)
class _Table:
    path: str
    header: list[str]
    rows: list[tuple[int, dict[str, str], list[str]]] = field(default_factory=list)
    """(line number, cells by normalised header, cells in order)"""


def decode(raw: bytes) -> tuple[str, int]:
    """UTF-8 text, reading any byte that is not valid UTF-8 as Windows-1252 (its five undefined
    bytes as the Latin-1 code point, as Excel does); returns the text and how many bytes that took."""
    parts: list[str] = []
    repaired = 0
    rest = raw
    while True:
        try:
            parts.append(rest.decode("utf-8"))
            return "".join(parts), repaired
        except UnicodeDecodeError as e:
            parts.append(rest[: e.start].decode("utf-8"))
            byte = rest[e.start : e.start + 1]
            try:
                parts.append(byte.decode("cp1252"))
            except UnicodeDecodeError:
                parts.append(byte.decode("latin-1"))
            repaired += 1
            rest = rest[e.start + 1 :]


def _norm(header: str) -> str:
    return " ".join(header.replace("?", "").strip().lower().split())


def _read_table(specs: Path, path: str, problems: Problems) -> tuple[_Table | None, int, str]:
    """The table at ``specs/path``: comment lines before the header skipped, ``;`` or ``,``."""
    file = specs / path
    if not file.is_file():
        problems.error(f"{TABLE}: {path}", "the appendix table does not exist")
        return None, 0, ""
    raw = file.read_bytes()
    text, repaired = decode(raw.removeprefix(b"\xef\xbb\xbf"))
    lines = text.splitlines(keepends=True)
    skip = 0
    while skip < len(lines) and lines[skip].startswith("#"):
        skip += 1
    body = "".join(lines[skip:])
    first = body.split("\n", 1)[0]
    delimiter = ";" if ";" in first else ","
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
    table: _Table | None = None
    for cells in reader:
        line = reader.line_num + skip
        stripped = [c.strip() for c in cells]
        if table is None:
            table = _Table(path, [_norm(c) for c in stripped])
            continue
        if not any(stripped):
            continue  # an empty row (2.1 components.csv, dm_components_vars.csv)
        if len(stripped) != len(table.header):
            problems.error(f"{path}:{line}", f"{len(stripped)} cells, the header has {len(table.header)}")
            continue
        table.rows.append((line, dict(zip(table.header, stripped, strict=True)), stripped))
    if table is None:
        problems.error(path, "the table is empty")
    return table, repaired, hashlib.sha256(raw).hexdigest()


def _read_index(specs: Path, version: str, problems: Problems) -> list[_Row]:
    """The rows of ``appendices.csv`` for ``version`` (problems of other versions' rows are theirs)."""
    path = specs / TABLE
    if not path.exists():
        return []
    table, _, _ = _read_table(specs, TABLE, problems)
    rows: list[_Row] = []
    for line, cells, _ in table.rows if table else []:
        if cells.get("version") != version:
            continue
        where = f"{TABLE}:{line}"
        kind = cells.get("kind", "")
        if kind not in KINDS:
            problems.error(where, f"unknown kind {kind!r} (known: {', '.join(KINDS)})")
            continue
        named = bool(cells.get("name")) and bool(cells.get("constant"))
        if named == (kind in DEVICE_MODEL_KINDS):
            problems.error(where, "name and constant are given for catalogues, and only for them")
            continue
        rows.append(
            _Row(
                version=cells.get("version", ""),
                file=cells.get("file", ""),
                kind=kind,
                name=cells.get("name", ""),
                constant=cells.get("constant", ""),
                fields=tuple(f for f in cells.get("fields", "").split("|") if f),
                title=cells.get("title", ""),
                where=where,
            )
        )
    return rows


def _read_corrections(specs: Path, folder: str, files: set[str], problems: Problems) -> list[_Correction]:
    """The corrections of this version's tables (those naming a file in ``folder`` or in ``files``)."""
    if not (specs / CORRECTIONS).exists():
        return []
    table, _, _ = _read_table(specs, CORRECTIONS, problems)
    out: list[_Correction] = []
    for line, cells, _ in table.rows if table else []:
        where = f"{CORRECTIONS}:{line}"
        file = cells.get("file", "")
        if file not in files and not file.startswith(folder + "/"):
            continue
        correction = _Correction(
            file=file,
            row=tuple(cells.get("row", "").split(";")),
            column=_norm(cells.get("column", "")),
            old=cells.get("from", ""),
            new=cells.get("to", ""),
            reason=cells.get("reason", ""),
            where=where,
        )
        if not correction.reason:
            problems.error(where, "a correction must say why")
        elif file not in files:
            problems.error(where, f"{file} is not an appendix table of this version ({TABLE})")
        else:
            out.append(correction)
    return out


def _apply(table: _Table, corrections: list[_Correction], problems: Problems) -> None:
    for c in corrections:
        if c.file != table.path:
            continue
        if c.column not in table.header:
            problems.error(c.where, f"{table.path} has no column {c.column!r}")
            continue
        for _, cells, ordered in table.rows:
            if c.row != ("*",) and tuple(ordered[: len(c.row)]) != c.row:
                continue
            if cells[c.column] == c.old:
                cells[c.column] = c.new
                c.used += 1


@dataclass(slots=True)
class _Reader:
    specs: Path
    spec: Spec
    problems: Problems
    corrections: list[_Correction]
    sources: dict[str, str] = field(default_factory=dict)
    repaired: dict[str, int] = field(default_factory=dict)
    units: frozenset[str] | None = None
    data_types: dict[str, str] = field(default_factory=dict)
    attributes: dict[str, str] = field(default_factory=dict)
    error_codes: dict[str, str] = field(default_factory=dict)
    """1.6 ``ChargePointErrorCode``: value → member name (empty in 2.x)."""

    def __post_init__(self) -> None:
        if any(e.name == ERROR_CODE_ENUM for e in self.spec.enums):
            self.error_codes = {m.value: m.py for m in self.spec.enum(ERROR_CODE_ENUM).members}
        for enum, target in (("DataEnumType", self.data_types), ("AttributeEnumType", self.attributes)):
            try:
                members = self.spec.enum(enum).members
            except KeyError:
                continue
            target.update({m.value.casefold(): m.value for m in members})

    def table(self, row: _Row) -> _Table | None:
        table, repaired, digest = _read_table(self.specs, row.file, self.problems)
        if table is None:
            return None
        self.sources[row.file] = digest
        if repaired:
            self.repaired[row.file] = repaired
        required, optional = _HEADERS[row.kind]
        missing = [h for h in required if h not in table.header]
        first_is_value = row.kind in ("values", "signing_methods", "enum_descriptions")
        known = set(required) | set(optional) | ({table.header[0]} if first_is_value else set())
        extra = [h for h in table.header if h not in known]
        if missing or extra:
            self.problems.error(row.file, f"unexpected header: missing {missing}, not understood {extra}")
            return None
        _apply(table, self.corrections, self.problems)
        return table

    # -- catalogues -----------------------------------------------------------------------

    def catalogue(self, row: _Row) -> Catalogue | None:
        table = self.table(row)
        if table is None:
            return None
        values: list[Value] = []
        group = ""
        for line, cells, _ in table.rows:
            where = f"{row.file}:{line}"
            if row.kind == "reason_codes":
                group = cells.get("group") or group
                if not cells["reason code"]:
                    if not cells.get("group") or cells["description"] or cells["typically used for"]:
                        self.problems.error(where, "a row without a reason code that is not a group row")
                    continue
            value = self.value(row.kind, cells, cells[table.header[0]], group, where)
            if value is not None:
                values.append(value)
        catalogue = Catalogue(
            kind=row.kind,
            name=PyName(row.name),
            constant=PyName(row.constant),
            title=row.title,
            source=row.file,
            fields=row.fields,
            values=tuple(values),
        )
        self.check_catalogue(catalogue, row.where)
        return catalogue

    def value(self, kind: str, cells: dict[str, str], first: str, group: str, where: str) -> Value | None:
        """One row of a catalogue table (not a group row); ``first`` is its first cell."""
        columns = {"security_events": "security event", "reason_codes": "reason code", "chargex": "code"}
        text = columns.get(kind)
        value = cells[text] if text else first
        if not value:
            self.problems.error(where, "a row without a value")
            return None
        description = cells.get("description", "")
        if kind == "chargex":
            return self.chargex(value, cells, where)
        py = naming.member_name(WireName(value))
        if kind == "security_events":
            flag = cells["critical"].casefold()
            if flag not in ("yes", "no"):
                self.problems.error(where, f"critical is Yes or No, not {cells['critical']!r}")
            return Value(value, py, description, critical=flag == "yes")
        if kind == "reason_codes":
            return Value(value, py, description, group=group, used_for=cells["typically used for"])
        if kind == "signing_methods":
            return Value(
                value, py, description, algorithm=cells["algorithm"], curve=cells["curve"],
                key_length=cells["key length"], hash_algorithm=cells["hash algorithm"],
            )  # fmt: skip
        return Value(value, py, description)

    def chargex(self, code: str, cells: dict[str, str], where: str) -> Value | None:
        """A row of the ChargeX table: the member is named after the ChargeX name, not the code."""
        name, error_code = cells["name"], cells["ocpp16_error_code"]
        ok = True
        for what, text, pattern in (("code", code, CHARGEX_CODE), ("name", name, CHARGEX_NAME)):
            if not pattern.fullmatch(text):
                self.problems.error(where, f"{text!r} is not a ChargeX {what} ({pattern.pattern})")
                ok = False
        if not cells["description"]:
            self.problems.error(where, f"{code} has no description")
        if self.error_codes and (error_code not in self.error_codes or error_code == "NoError"):
            self.problems.error(
                where,
                f"{code}: {error_code!r} is not a {ERROR_CODE_ENUM} of OCPP {self.spec.version} that reports a "
                f"fault (one of {', '.join(v for v in self.error_codes if v != 'NoError')})",
            )
            ok = False
        lists: dict[str, tuple[str, ...]] = {}
        for column, known in CHARGEX_LISTS.items():
            lists[column] = tuple(w.strip() for w in cells[column].split("|") if w.strip())
            unknown = [w for w in lists[column] if w not in known] or ([] if lists[column] else ["(none)"])
            if unknown:
                self.problems.error(where, f"{code}: {column} {unknown} not in {', '.join(known)}")
        if cells["confidence"] not in CHARGEX_CONFIDENCE:
            self.problems.error(where, f"{code}: confidence is {' or '.join(CHARGEX_CONFIDENCE)}")
        if not ok:
            return None
        return Value(
            code, naming.member_name(WireName(name)), cells["description"], name=name, error_code=error_code,
            error_code_py=self.error_codes.get(error_code, ""), responsibility=lists["responsibility"],
            classification=lists["classification"], single_source=cells["confidence"] != "high",
            note=cells.get("note", ""),
        )  # fmt: skip

    def check_catalogue(self, c: Catalogue, where: str) -> None:
        seen: dict[str, str] = {}
        members: dict[str, str] = {}
        for v in c.values:
            fold = v.value.casefold()
            if fold in seen:
                self.problems.error(c.source, f"{v.value!r} is listed twice (also as {seen[fold]!r})")
            seen[fold] = v.value
            if v.py in members:
                self.problems.error(c.source, f"{v.value!r} and {members[v.py]!r} both make member {v.py}")
            members[v.py] = v.value
        names = {e.name for e in self.spec.enums} | {o.name for o in self.spec.objects}
        names |= {m.body.name for m in self.spec.messages}
        if c.kind == "enum_descriptions":
            try:
                schema = {m.value for m in self.spec.enum(c.name).members}
            except KeyError:
                self.problems.error(where, f"OCPP {self.spec.version} has no enum {c.name}")
                return
            listed = {v.value for v in c.values}
            if schema != listed:
                self.problems.error(
                    c.source,
                    f"must describe each value of {c.name} once: missing {sorted(schema - listed)}, "
                    f"not in the schema {sorted(listed - schema)}",
                )
        elif c.name in names:
            self.problems.error(where, f"{c.name} is already a type of OCPP {self.spec.version}")
        for f in c.fields:
            self.check_field(f, c, where)

    def check_field(self, path: str, c: Catalogue, where: str) -> None:
        owner, _, wire = path.partition(".")
        try:
            found = [f for f in self.spec.object(owner).fields if f.wire == wire]
        except KeyError:
            found = []
        if not found:
            self.problems.error(where, f"{path}: OCPP {self.spec.version} has no such field")
            return
        t = found[0].type
        if isinstance(t, EnumRef) and c.kind == "enum_descriptions" and t.name == c.name:
            return
        self.check_lengths(path, [v.value for v in c.values], where)

    def check_lengths(self, path: str, names: list[str], where: str) -> None:
        """Each of ``names`` fits the string field ``path`` (``Type.field``)."""
        owner, _, wire = path.partition(".")
        try:
            found = [f for f in self.spec.object(owner).fields if f.wire == wire]
        except KeyError:
            found = []
        if not found:
            self.problems.error(where, f"{path}: OCPP {self.spec.version} has no such field")
            return
        t = found[0].type
        if not isinstance(t, Scalar) or t.prim.value != "string":
            self.problems.error(where, f"{path} is not a string field")
            return
        for name in sorted(set(names)):
            if t.max_length is not None and len(name) > t.max_length:
                self.problems.error(where, f"{name!r} is longer than {path} allows ({t.max_length})")

    # -- device model ---------------------------------------------------------------------

    def data_type(self, text: str, where: str) -> tuple[str | None, str | None]:
        if not text:
            return None, None
        if text.casefold() in self.data_types:
            return self.data_types[text.casefold()], None
        if text in STRING_FORMATS and "string" in self.data_types:
            return self.data_types["string"], text
        known = sorted(self.data_types.values()) + list(STRING_FORMATS)
        self.problems.error(where, f"unknown data type {text!r} (known: {', '.join(known)})")
        return None, None

    def unit_list(self, text: str, where: str) -> tuple[str, ...]:
        units = tuple(u.strip() for u in text.split(",") if u.strip())
        for u in units:
            if self.units is not None and u not in self.units:
                self.problems.warning(where, f"unit {u!r} is not a standardized unit of measure")
        return units

    def variable_name(self, text: str, where: str) -> tuple[str, tuple[str, ...]]:
        """``EnergyImport.maxSet`` → (``EnergyImport``, (``MaxSet``,)); ``ACCurrent.min/maxSet`` → both."""
        name, dot, attrs = text.partition(".")
        if not dot:
            return text, ()
        parts = attrs.split("/")
        suffix = re.search(r"[A-Z][a-z]*$", parts[-1])
        out: list[str] = []
        for part in parts:
            for guess in (part, part + (suffix.group(0) if suffix else "")):
                if guess.casefold() in self.attributes:
                    out.append(self.attributes[guess.casefold()])
                    break
            else:
                self.problems.error(where, f"{text!r}: {part!r} is not an AttributeEnumType value")
        return name, tuple(out)

    def components(self, row: _Row) -> list[ComponentDef]:
        table = self.table(row)
        out: list[ComponentDef] = []
        seen: set[str] = set()
        for line, cells, _ in table.rows if table else []:
            name = cells["component"]
            if not name:
                self.problems.error(f"{row.file}:{line}", "a row without a component name")
            elif name.casefold() in seen:
                self.problems.error(f"{row.file}:{line}", f"component {name} is listed twice")
            else:
                seen.add(name.casefold())
                out.append(ComponentDef(name, cells["description"]))
        return out

    def variables(self, row: _Row) -> list[VariableDef]:
        table = self.table(row)
        out: list[VariableDef] = []
        for line, cells, _ in table.rows if table else []:
            where = f"{row.file}:{line}"
            if not cells["name"]:
                self.problems.error(where, "a row without a variable name")
                continue
            data_type, string_format = self.data_type(cells["datatype"], where)
            units = self.unit_list(cells["unit"], where)
            out.append(VariableDef(cells["name"], data_type, string_format, units, cells["description"]))
        return out

    def device_model_rows(self, row: _Row) -> list[DeviceModelRow]:
        table = self.table(row)
        out: list[DeviceModelRow] = []
        keys: dict[tuple[str, str, str, tuple[str, ...]], int] = {}
        for line, cells, _ in table.rows if table else []:
            where = f"{row.file}:{line}"
            component, variable = cells["specific component"], cells["variable"]
            if not component or not variable:
                self.problems.error(where, "a row without a component or a variable")
                continue
            name, attributes = self.variable_name(variable, where)
            required = {r.casefold(): r for r in REQUIRED}.get(cells["required"].casefold())
            if required is None:
                self.problems.error(
                    where, f"Required? is one of {', '.join(REQUIRED)}, not {cells['required']!r}"
                )
                continue
            data_type, string_format = self.data_type(cells["datatype"], where)
            if data_type is None:
                self.problems.error(where, f"{component}.{variable} has no data type")
                continue
            instance = cells["instance"] or None
            key = (component.casefold(), name.casefold(), (instance or "").casefold(), attributes)
            if key in keys:
                self.problems.error(where, f"{component}.{variable}[{instance}] repeats line {keys[key]}")
                continue
            keys[key] = line
            units = self.unit_list(cells["unit"], where)
            out.append(
                DeviceModelRow(
                    component, name, instance, attributes, required, data_type, string_format, units,
                    cells["description"],
                )
            )  # fmt: skip
        return out


def read(specs: Path, config: VersionConfig, spec: Spec, problems: Problems) -> Appendices | None:
    """The appendix tables of ``spec``'s version, or ``None`` if ``appendices.csv`` names none."""
    index = _read_index(specs, spec.version, problems)
    if not index:
        return None
    files = {r.file for r in index}
    corrections = _read_corrections(specs, config.folder, files, problems)
    reader = _Reader(specs, spec, problems, corrections)
    reader.sources[TABLE] = hashlib.sha256((specs / TABLE).read_bytes()).hexdigest()
    if corrections:
        reader.sources[CORRECTIONS] = hashlib.sha256((specs / CORRECTIONS).read_bytes()).hexdigest()
    _unlisted(specs, config.folder, files, problems)
    catalogues: list[Catalogue] = []
    # Units first: the device model's units are checked against them.
    for row in sorted(index, key=lambda r: r.kind in DEVICE_MODEL_KINDS):
        if row.kind in DEVICE_MODEL_KINDS:
            continue
        catalogue = reader.catalogue(row)
        if catalogue is None:
            continue
        catalogues.append(catalogue)
        if "VariableCharacteristicsType.unit" in row.fields:
            reader.units = frozenset(v.value for v in catalogue.values)
    device_model = _device_model(reader, [r for r in index if r.kind in DEVICE_MODEL_KINDS], problems)
    _final_checks(spec, catalogues, corrections, problems)
    return Appendices(
        version=spec.version,
        catalogues=tuple(catalogues),
        device_model=device_model,
        sources=tuple(SourceFile(p, d) for p, d in sorted(reader.sources.items())),
        repaired=tuple(sorted(reader.repaired.items())),
    )


def _unlisted(specs: Path, folder: str, files: set[str], problems: Problems) -> None:
    for path in sorted((specs / folder).glob("appendices*/*.csv")):
        rel = path.relative_to(specs).as_posix()
        if rel not in files:
            problems.warning(rel, f"an appendix table that {TABLE} does not name: it is not read")


def _final_checks(
    spec: Spec, catalogues: list[Catalogue], corrections: list[_Correction], problems: Problems
) -> None:
    for c in corrections:
        if c.used == 0:
            problems.error(c.where, "the correction changes nothing (fixed upstream, or a typo?)")
    names = [c.name for c in catalogues] + [c.constant for c in catalogues]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.error(TABLE, f"OCPP {spec.version}: {name} is named twice")


def _device_model(reader: _Reader, rows: list[_Row], problems: Problems) -> DeviceModelIR | None:
    if not rows:
        return None
    by_kind = {k: [r for r in rows if r.kind == k] for k in DEVICE_MODEL_KINDS}
    for kind, found in by_kind.items():
        if len(found) != 1:
            problems.error(TABLE, f"OCPP {reader.spec.version}: a device model needs one {kind} table")
            return None
    if not reader.data_types or not reader.attributes:
        problems.error(TABLE, f"OCPP {reader.spec.version} has no DataEnumType or AttributeEnumType")
        return None
    components = reader.components(by_kind["components"][0])
    variables = reader.variables(by_kind["variables"][0])
    dm_rows = reader.device_model_rows(by_kind["device_model"][0])
    listed = {c.name.casefold() for c in components}
    for r in dm_rows:
        if r.component != GENERIC and r.component.casefold() not in listed:
            components.append(ComponentDef(r.component, None))
            listed.add(r.component.casefold())
    names = {
        "components": [c.name for c in components],
        "variables": [v.name for v in variables] + [r.variable for r in dm_rows],
        "device_model": [r.instance for r in dm_rows if r.instance],
    }
    for kind, found in by_kind.items():
        for path in found[0].fields:
            reader.check_lengths(path, names[kind], found[0].where)
    return DeviceModelIR(
        components=tuple(components),
        variables=tuple(variables),
        rows=tuple(dm_rows),
        titles=tuple(by_kind[k][0].title for k in DEVICE_MODEL_KINDS),
        sources=tuple(by_kind[k][0].file for k in DEVICE_MODEL_KINDS),
    )
