"""The glossaries and the 1.6 ↔ 2.x crosswalks → one version-independent module, ``ocppkit/terminology.py``.

Four project-owned tables in ``specs/`` (``terminology.csv`` and ``crosswalk-*.csv``) are read into small
frozen records and checked against what the generator knows of each version, collecting problems:

- every message name against the version's action table (``ocpp-*/actions.csv``, itself checked against
  the schemas), every action of every version named in the message crosswalk, each relation against the
  schemas (``same`` means that every 1.6 payload is a valid 2.x payload);
- every configuration-key target against the device model appendix (``dm_components_vars.csv``) of 2.0.1
  and 2.1, its characteristic against ``VariableCharacteristicsType``, its data type against the key's;
- every name a concept row cites against the version's actions, types, fields, enum values, RPC error
  codes, appendix tables or glossary.

The module spans versions, so it is generated only when ``versions.json`` configures all of 1.6, 2.0.1
and 2.1 (a ``specs/`` trimmed to one version, as some tests make, gets none) and the tables exist.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path

import jinja2

from codegen import __version__
from codegen.appendices import GENERIC, Appendices
from codegen.ir import Array, EnumRef, Field, ObjectRef, Prim, Problems, Scalar, SourceFile, Spec

GLOSSARY = "terminology.csv"
MESSAGES = "crosswalk-messages.csv"
CONCEPTS = "crosswalk-concepts.csv"
CONFIG_KEYS = "crosswalk-config-keys.csv"
TABLES = (GLOSSARY, MESSAGES, CONCEPTS, CONFIG_KEYS)

V16 = "1.6"
V2 = ("2.0.1", "2.1")
VERSIONS = (V16, *V2)
"""The versions the tables span, in their columns' order (``ocpp16``, ``ocpp201``, ``ocpp21``)."""

OUTPUT = "ocppkit/terminology.py"

# The vocabularies below mirror the StrEnums of ocppkit.migrate (a test checks that they agree).
KINDS = ("term", "abbreviation", "actor", "iso15118")
RELATIONS = ("same", "changed", "renamed", "replaced", "merged", "split", "new")
MAPPINGS = ("same", "renamed", "analogous", "restructured", "none")
PROFILES = (
    # OCPP 1.6 edition 2 s9.1.29 SupportedFeatureProfiles, plus the security white paper's messages and keys.
    "Core", "FirmwareManagement", "LocalAuthListManagement", "Reservation", "SmartCharging", "RemoteTrigger",
    "Security",
)  # fmt: skip
KEY_REQUIRED = ("required", "optional")
KEY_ACCESS = ("R", "RW", "W", "R or RW")
KEY_TYPES: dict[str, tuple[str, ...]] = {
    # The 1.6 types of chapter 9 → the DataEnumType values a variable keeping the same setting may have.
    "boolean": ("boolean",),
    "integer": ("integer",),
    "CSL": ("MemberList", "SequenceList"),
    "String": ("string",),
}

_HEADERS = {
    GLOSSARY: ("version", "kind", "term", "definition", "actor_type", "source"),
    MESSAGES: ("ocpp16", "profile", "ocpp201", "ocpp21", "relation", "note"),
    CONCEPTS: ("ocpp16", "ocpp2", "area", "reference", "ocpp16_names", "ocpp2_names"),
    CONFIG_KEYS: (
        "key", "profile", "required", "accessibility", "type", "unit", "component", "variable", "instance",
        "characteristic", "mapping", "note",
    ),
}  # fmt: skip

_PARENTHESIS = re.compile(r"^(?P<base>.+?)\s*\((?P<inner>[^()]*)\)$")


# -- records --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Term:
    version: str
    kind: str
    term: str
    definition: str
    actor_type: str | None
    source: str


@dataclass(frozen=True, slots=True)
class MessageRow:
    ocpp16: str | None
    profile: str | None
    ocpp201: tuple[str, ...]
    ocpp21: tuple[str, ...]
    relation: str
    note: str

    def targets(self, version: str) -> tuple[str, ...]:
        return self.ocpp201 if version == "2.0.1" else self.ocpp21


@dataclass(frozen=True, slots=True)
class ConceptRow:
    ocpp16: str
    ocpp2: str
    area: str
    reference: str
    ocpp16_names: tuple[str, ...]
    ocpp2_names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ConfigKeyRow:
    key: str
    profile: str
    required: bool
    accessibility: str
    type: str
    unit: str | None
    component: str | None
    variable: str | None
    instance: str | None
    characteristic: str | None
    mapping: str
    note: str


@dataclass(frozen=True, slots=True)
class Terminology:
    terms: tuple[Term, ...]
    messages: tuple[MessageRow, ...]
    concepts: tuple[ConceptRow, ...]
    config_keys: tuple[ConfigKeyRow, ...]
    sources: tuple[SourceFile, ...]


def term_names(term: str) -> tuple[str, ...]:
    """The names a glossary term answers to: ``Charging Station Management System (CSMS)`` → itself, the
    name and ``CSMS``; ``EVCC (i.e. Electric Vehicle Communication Controller)`` → itself, ``EVCC`` and the
    expansion. Mirrors ``ocppkit.migrate.GlossaryEntry.names``."""
    names = [term]
    m = _PARENTHESIS.match(term)
    if m:
        names.append(m["base"])
        inner = m["inner"].strip()
        if inner.startswith("i.e. "):
            names.append(inner.removeprefix("i.e. ").strip())
        elif inner and " " not in inner:
            names.append(inner)
    return tuple(dict.fromkeys(names))


# -- reading --------------------------------------------------------------------------------


def _table(specs: Path, name: str, problems: Problems) -> tuple[list[tuple[int, dict[str, str]]], str]:
    """The data rows of ``specs/name`` (comment lines before the header skipped), with their line numbers."""
    raw = (specs / name).read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        problems.error(name, f"not UTF-8 ({e})")
        return [], digest
    lines = text.splitlines(keepends=True)
    skip = 0
    while skip < len(lines) and lines[skip].startswith("#"):
        skip += 1
    reader = csv.reader(io.StringIO("".join(lines[skip:]), newline=""))
    header = next(reader, None)
    if header is None or tuple(h.strip() for h in header) != _HEADERS[name]:
        problems.error(name, f"the header must be {','.join(_HEADERS[name])}, not {header}")
        return [], digest
    rows: list[tuple[int, dict[str, str]]] = []
    for cells in reader:
        line = reader.line_num + skip
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.error(f"{name}:{line}", f"{len(cells)} cells, the header has {len(header)}")
            continue
        rows.append((line, {h: c.strip() for h, c in zip(_HEADERS[name], cells, strict=True)}))
    return rows, digest


def _split(cell: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in cell.split("|") if x.strip())


def read(
    specs: Path, versions: Sequence[tuple[Spec, Appendices | None]], problems: Problems
) -> Terminology | None:
    """The tables, checked against ``versions``; ``None`` when they or one of the versions are absent."""
    present = [name for name in TABLES if (specs / name).is_file()]
    if not present:
        return None
    for name in TABLES:
        if name not in present:
            problems.error(name, f"missing: the terminology tables are {', '.join(TABLES)}")
    configured = {spec.version: (spec, app) for spec, app in versions}
    if len(present) < len(TABLES) or any(v not in configured for v in VERSIONS):
        return None
    checker = _Checker(configured, problems)
    sources: dict[str, str] = {}
    rows: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for name in TABLES:
        rows[name], sources[name] = _table(specs, name, problems)
    terms = checker.glossary(rows[GLOSSARY])
    messages = checker.messages(rows[MESSAGES])
    concepts = checker.concepts(rows[CONCEPTS])
    config_keys = checker.config_keys(rows[CONFIG_KEYS])
    return Terminology(
        terms=tuple(terms),
        messages=tuple(messages),
        concepts=tuple(concepts),
        config_keys=tuple(config_keys),
        sources=tuple(SourceFile(p, d) for p, d in sorted(sources.items())),
    )


# -- checking -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Slot:
    """What a payload field admits, as far as compatibility between versions goes."""

    required: bool
    many: bool
    kind: str
    """``object``, ``enum`` or the scalar's JSON type."""
    values: frozenset[str] = frozenset()
    max_length: int | None = None

    def admits(self, old: _Slot) -> bool:
        """Whether every value ``old`` admits is one this slot admits."""
        if (self.many, self.kind) != (old.many, old.kind):
            return False
        if self.kind == "enum":
            return old.values <= self.values
        return self.max_length is None or (old.max_length is not None and old.max_length <= self.max_length)


def _slots(spec: Spec, name: str, path: tuple[str, ...], out: dict[tuple[str, ...], _Slot]) -> None:
    """Every field of object ``name`` and below by wire path (``customData`` left out)."""
    for f in spec.object(name).fields:
        if f.wire == "customData":
            continue
        t = f.type.items if isinstance(f.type, Array) else f.type
        many = isinstance(f.type, Array)
        where = (*path, f.wire)
        if isinstance(t, ObjectRef):
            out[where] = _Slot(f.required, many, "object")
            _slots(spec, t.name, where, out)
        elif isinstance(t, EnumRef):
            values = frozenset(m.value for m in spec.enum(t.name).members)
            out[where] = _Slot(f.required, many, "enum", values)
        else:
            out[where] = _Slot(f.required, many, t.prim.value, max_length=t.max_length)


def payload_differences(old: Spec, new: Spec, action: str) -> list[str]:
    """Why a payload of ``old``'s action may not be a valid payload of ``new``'s (empty when every one is)."""
    out: list[str] = []
    a_old = next(a for a in old.actions if a.name == action)
    a_new = next(a for a in new.actions if a.name == action)
    for m_old, m_new in ((a_old.request, a_new.request), (a_old.response, a_new.response)):
        if m_old is None or m_new is None:
            if m_old is not m_new:
                out.append("only one version has a response")
            continue
        s_old: dict[tuple[str, ...], _Slot] = {}
        s_new: dict[tuple[str, ...], _Slot] = {}
        _slots(old, m_old.body.name, (), s_old)
        _slots(new, m_new.body.name, (), s_new)
        for path, slot in s_old.items():
            where = f"{m_old.role} {'.'.join(path)}"
            if path not in s_new:
                out.append(f"{where} is gone")
            elif s_new[path].required and not slot.required:
                out.append(f"{where} became required")
            elif not s_new[path].admits(slot):
                extra = sorted(slot.values - s_new[path].values)
                out.append(f"{where} changed" + (f" (no {', '.join(extra)})" if extra else ""))
        for path, slot in s_new.items():
            if slot.required and path not in s_old and path[:-1] in {(), *s_old}:
                out.append(f"{m_new.role} {'.'.join(path)} is new and required")
    return out


@dataclass(slots=True)
class _Names:
    """What a concept row may cite in one version."""

    top: set[str]
    """Actions, types, enums, message classes, RPC error codes (sent and accepted), appendix values."""
    members: dict[str, set[str]]
    """Type or message class → its fields' wire names; enum → its values."""
    glossary: set[str]
    """Glossary names, casefolded."""


@dataclass(slots=True)
class _Checker:
    versions: dict[str, tuple[Spec, Appendices | None]]
    problems: Problems
    names: dict[str, _Names] = dataclass_field(default_factory=dict)

    def spec(self, version: str) -> Spec:
        return self.versions[version][0]

    def actions(self, version: str) -> dict[str, str]:
        """casefolded name → name"""
        return {a.name.casefold(): a.name for a in self.spec(version).actions}

    def action(self, version: str, name: str, where: str) -> bool:
        known = self.actions(version)
        if name in known.values():
            return True
        hint = f" (the action is spelled {known[name.casefold()]})" if name.casefold() in known else ""
        self.problems.error(where, f"OCPP {version} has no action {name!r}{hint}")
        return False

    # -- glossary ---------------------------------------------------------------------------

    def glossary(self, rows: Iterable[tuple[int, dict[str, str]]]) -> list[Term]:
        out: list[Term] = []
        seen: dict[tuple[str, str, str], int] = {}
        for line, r in rows:
            errors = _term_errors(r)
            key = (r["version"], r["source"], r["term"].casefold())
            if key in seen:
                errors.append(f"{r['term']!r} is listed twice in {r['source']!r} (also line {seen[key]})")
            seen[key] = line
            for e in errors:
                self.problems.error(f"{GLOSSARY}:{line}", e)
            if not errors:
                out.append(Term(r["version"], r["kind"], r["term"], r["definition"], r["actor_type"] or None,
                                r["source"]))  # fmt: skip
        for v in VERSIONS:
            if not any(t.version == v for t in out):
                self.problems.error(GLOSSARY, f"no glossary entry for OCPP {v}")
            self.names[v] = self.names_of(v, [t for t in out if t.version == v])
        return out

    # -- messages ---------------------------------------------------------------------------

    def messages(self, rows: Iterable[tuple[int, dict[str, str]]]) -> list[MessageRow]:  # noqa: C901
        out: list[tuple[int, MessageRow]] = []
        parsed: list[MessageRow] = []
        seen16: dict[str, int] = {}
        for line, r in rows:
            where = f"{MESSAGES}:{line}"
            row = MessageRow(
                ocpp16=r["ocpp16"] or None,
                profile=r["profile"] or None,
                ocpp201=_split(r["ocpp201"]),
                ocpp21=_split(r["ocpp21"]),
                relation=r["relation"],
                note=r["note"],
            )
            ok = True
            if row.relation not in RELATIONS:
                self.problems.error(where, f"relation is one of {', '.join(RELATIONS)}, not {row.relation!r}")
                ok = False
            if row.ocpp16 is not None:
                ok &= self.action(V16, row.ocpp16, where)
                if row.ocpp16 in seen16:
                    self.problems.error(
                        where, f"{row.ocpp16} is listed twice (also line {seen16[row.ocpp16]})"
                    )
                    ok = False
                seen16[row.ocpp16] = line
                if row.profile not in PROFILES:
                    self.problems.error(
                        where, f"profile is one of {', '.join(PROFILES)}, not {row.profile!r}"
                    )
                    ok = False
            elif row.profile is not None:
                self.problems.error(where, "a profile is given for 1.6 actions only")
                ok = False
            for v in V2:
                for name in row.targets(v):
                    ok &= self.action(v, name, where)
            if not row.ocpp201 and not row.ocpp21:
                self.problems.error(where, "a row names a 2.0.1 or a 2.1 action")
                ok = False
            parsed.append(row)
            if ok:
                out.append((line, row))
        for line, row in out:
            self.relation(row, [r for _, r in out], f"{MESSAGES}:{line}")
        self.complete(parsed)  # a row with a bad name still counts: its other names are not missing
        return [r for _, r in out]

    def relation(self, row: MessageRow, rows: list[MessageRow], where: str) -> None:  # noqa: C901, PLR0912
        rel = row.relation
        if (row.ocpp16 is None) != (rel == "new"):
            self.problems.error(
                where, "'new' is the relation of the rows without a 1.6 action, and of them only"
            )
            return
        if rel == "new":
            if not row.ocpp201:
                known = self.actions("2.0.1").values()
                for name in row.ocpp21:
                    if name in known:
                        self.problems.error(where, f"{name} is a 2.0.1 action: name it under ocpp201")
            return
        assert row.ocpp16 is not None
        columns = [(v, row.targets(v)) for v in V2 if row.targets(v)]
        for v, names in columns:
            if rel in ("same", "changed", "renamed") and len(names) != 1:
                self.problems.error(where, f"'{rel}' names one {v} action, not {len(names)}")
            elif rel in ("same", "changed") and names[0] != row.ocpp16:
                self.problems.error(where, f"'{rel}' keeps the name: {row.ocpp16} is {names[0]} in {v}")
            elif rel == "renamed" and names[0] == row.ocpp16:
                self.problems.error(where, f"'renamed' changes the name, but {v} calls it {row.ocpp16} too")
            elif rel == "split" and len(names) < 2:
                self.problems.error(where, f"'split' names several {v} actions")
            elif rel == "merged":
                for name in names:
                    others = [r.ocpp16 for r in rows if r is not row and r.ocpp16 and name in r.targets(v)]
                    if not others:
                        self.problems.error(where, f"'merged': no other 1.6 action becomes {v} {name}")
            elif rel in ("same", "changed"):
                diff = payload_differences(self.spec(V16), self.spec(v), row.ocpp16)
                if rel == "same" and diff:
                    self.problems.error(where, f"'same', but the {v} payload differs: {'; '.join(diff)}")
                elif rel == "changed" and not diff:
                    self.problems.error(where, f"'changed', but every 1.6 payload is a valid {v} one: 'same'")

    def complete(self, rows: list[MessageRow]) -> None:
        """Every action of every version is named in its column."""
        for v in VERSIONS:
            listed = {r.ocpp16 for r in rows} if v == V16 else {n for r in rows for n in r.targets(v)}
            for name in sorted(set(self.actions(v).values()) - listed):
                self.problems.error(MESSAGES, f"no row names the OCPP {v} action {name}")

    # -- concepts ---------------------------------------------------------------------------

    def names_of(self, version: str, terms: list[Term]) -> _Names:
        spec, app = self.versions[version]
        top = {a.name for a in spec.actions} | {o.name for o in spec.objects} | {e.name for e in spec.enums}
        top |= {m.body.name for m in spec.messages}
        for code in spec.error_codes:
            top |= {code.code, *code.accept}
        if app is not None:
            top |= {v.value for c in app.catalogues for v in c.values}
        members: dict[str, set[str]] = {o.name: {f.wire for f in o.fields} for o in spec.objects}
        members |= {m.body.name: {f.wire for f in m.body.fields} for m in spec.messages}
        members |= {e.name: {m.value for m in e.members} for e in spec.enums}
        glossary = {n.casefold() for t in terms for n in term_names(t.term)}
        return _Names(top, members, glossary)

    def concepts(self, rows: Iterable[tuple[int, dict[str, str]]]) -> list[ConceptRow]:
        out: list[ConceptRow] = []
        for line, r in rows:
            where = f"{CONCEPTS}:{line}"
            row = ConceptRow(
                r["ocpp16"], r["ocpp2"], r["area"], r["reference"], _split(r["ocpp16_names"]),
                _split(r["ocpp2_names"]),
            )  # fmt: skip
            if not row.ocpp16 or not row.ocpp2 or not row.area or not row.reference:
                self.problems.error(where, "ocpp16, ocpp2, area and reference are required")
                continue
            missing = [
                f"OCPP {v} has no {name!r}"
                for versions, names in (((V16,), row.ocpp16_names), (V2, row.ocpp2_names))
                for v in versions
                for name in names
                if not self.resolves(v, name)
            ]
            for m in missing:
                self.problems.error(where, m)
            if not missing:
                out.append(row)
        return out

    def resolves(self, version: str, name: str) -> bool:
        """Whether ``name`` is an identifier of ``version`` (``Type.member`` for fields and enum values) or a
        glossary name (any case)."""
        names = self.names[version]
        owner, dot, member = name.partition(".")
        if dot and member in names.members.get(owner, ()):
            return True
        return name in names.top or name.casefold() in names.glossary

    # -- configuration keys -----------------------------------------------------------------

    def config_keys(self, rows: Iterable[tuple[int, dict[str, str]]]) -> list[ConfigKeyRow]:
        out: list[ConfigKeyRow] = []
        seen: dict[str, int] = {}
        for line, r in rows:
            where = f"{CONFIG_KEYS}:{line}"
            row = ConfigKeyRow(
                key=r["key"], profile=r["profile"], required=r["required"] == "required",
                accessibility=r["accessibility"], type=r["type"], unit=r["unit"] or None,
                component=r["component"] or None, variable=r["variable"] or None, instance=r["instance"] or None,
                characteristic=r["characteristic"] or None, mapping=r["mapping"], note=r["note"],
            )  # fmt: skip
            errors = self.key_errors(row, r)
            if row.key.casefold() in seen:
                errors.append(f"{row.key} is listed twice (also line {seen[row.key.casefold()]})")
            seen[row.key.casefold()] = line
            if not errors:
                errors = [e for v in V2 for e in self.target_errors(row, v)]
            for e in errors:
                self.problems.error(where, e)
            if not errors:
                out.append(row)
        return out

    def key_errors(self, row: ConfigKeyRow, r: dict[str, str]) -> list[str]:
        out: list[str] = []
        for column, allowed in (
            ("profile", PROFILES), ("required", KEY_REQUIRED), ("accessibility", KEY_ACCESS),
            ("type", tuple(KEY_TYPES)), ("mapping", MAPPINGS),
        ):  # fmt: skip
            if r[column] not in allowed:
                out.append(f"{column} is one of {', '.join(allowed)}, not {r[column]!r}")
        if not row.key:
            out.append("a row without a key")
        targeted = row.component is not None or row.variable is not None
        if (row.mapping == "none") == targeted:
            out.append("component and variable are given unless the mapping is 'none', and only then")
        elif targeted and (row.component is None or row.variable is None):
            out.append("a target names a component and a variable")
        elif not targeted and (row.instance or row.characteristic):
            out.append("instance and characteristic belong to a target")
        if (
            row.mapping == "same"
            and row.variable is not None
            and row.variable.casefold() != row.key.casefold()
        ):
            out.append(f"'same' keeps the name, but the variable is {row.variable}")
        return out

    def target_errors(self, row: ConfigKeyRow, version: str) -> list[str]:
        if row.component is None or row.variable is None:
            return []
        spec, app = self.versions[version]
        if app is None or app.device_model is None:
            return [f"OCPP {version} has no device model to check {row.component}.{row.variable} against"]
        comp, var = row.component.casefold(), row.variable.casefold()
        inst = (row.instance or "").casefold()
        found = [
            dm
            for dm in app.device_model.rows
            if dm.variable.casefold() == var
            and (dm.component.casefold() == comp or dm.component == GENERIC)
            and (dm.instance or "").casefold() == inst
        ]
        what = f"{row.component}.{row.variable}" + (f"[{row.instance}]" if row.instance else "")
        if not found:
            return [f"OCPP {version}'s device model (dm_components_vars.csv) has no {what}"]
        out: list[str] = []
        if row.characteristic is not None:
            field = next(
                (f for f in _fields(spec, "VariableCharacteristicsType") if f.wire == row.characteristic),
                None,
            )
            if field is None:
                out.append(
                    f"{row.characteristic} is not a field of OCPP {version}'s VariableCharacteristicsType"
                )
            elif not (isinstance(field.type, Scalar) and field.type.prim in (Prim.INTEGER, Prim.NUMBER)):
                out.append(
                    f"VariableCharacteristicsType.{row.characteristic} is not a number in OCPP {version}"
                )
            elif row.type != "integer":
                out.append(f"{row.characteristic} is a number; the 1.6 key is {row.type}")
        elif row.mapping in ("same", "renamed"):
            types = {dm.data_type for dm in found}
            if not types & set(KEY_TYPES[row.type]):
                out.append(
                    f"{what} is {'/'.join(sorted(types))} in OCPP {version}; the 1.6 key is {row.type}"
                )
        return out


def _term_errors(r: dict[str, str]) -> list[str]:
    out: list[str] = []
    if r["version"] not in VERSIONS:
        out.append(f"version is one of {', '.join(VERSIONS)}, not {r['version']!r}")
    if r["kind"] not in KINDS:
        out.append(f"kind is one of {', '.join(KINDS)}, not {r['kind']!r}")
    if not r["term"] or not r["definition"] or not r["source"]:
        out.append("term, definition and source are required")
    if bool(r["actor_type"]) != (r["kind"] == "actor"):
        out.append("actor_type is given for actors, and only for them")
    return out


def _fields(spec: Spec, name: str) -> tuple[Field, ...]:
    try:
        return spec.object(name).fields
    except KeyError:
        return ()


# -- rendering ------------------------------------------------------------------------------


def _header(t: Terminology) -> str:
    manifest = hashlib.sha256("".join(f"{s.sha256}  {s.path}\n" for s in t.sources).encode()).hexdigest()
    return (
        f"# Generated by ocppkit codegen {__version__}: terminology. Do not edit; run `python -m codegen generate`.\n"
        f"# Source: OCPP {', '.join(VERSIONS)} glossaries and crosswalks, {len(t.sources)} files under specs/ "
        "listed with their sha256 in SOURCES\n"
        f"# (sha256 of that list: {manifest}).\n"
        "# OCPP texts (c) Open Charge Alliance, CC BY-ND 4.0.\n"
    )


def render(t: Terminology, env: jinja2.Environment) -> dict[str, str]:
    """``ocppkit/terminology.py`` (relative to ``generated/``)."""
    counts = {v: sum(1 for term in t.terms if term.version == v) for v in VERSIONS}
    text = env.get_template("terminology.py.jinja").render(
        header=_header(t), t=t, versions=VERSIONS, counts=counts
    )
    return {OUTPUT: text}
