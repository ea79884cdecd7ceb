"""The message reference of the documentation site: one more renderer of the IR.

:func:`pages` turns the parsed versions into Markdown pages (path under ``docs/`` → text), which the
site's MkDocs hook (``docs/_gen/hooks.py``) adds to the build; nothing here is written to disk or
committed. For every version: an index of its actions, a page per action (direction, kind, field
tables, the types and enums it uses, an example of each payload with the Python that builds it), an
enums page and a types page; and one support matrix across the versions.

The examples are made from the IR alone (:func:`example`): the required fields only, with plausible
values from a small table of hints, deterministic. The JSON is rendered from the wire names and the
Python from the Python names, independently, so a test can check that the one decodes and that the
other, executed, encodes to the same bytes.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from codegen import naming
from codegen.ir import (
    Action,
    Array,
    Direction,
    EnumRef,
    EnumType,
    Field,
    Kind,
    Message,
    ObjectRef,
    ObjectType,
    Prim,
    Scalar,
    Spec,
    TypeRef,
    WireName,
)

__all__ = ["Example", "example", "examples", "pages"]

ROOT: Final = "reference"
"""Where the reference lives under ``docs/``."""

DIRECTIONS: Final[Mapping[Direction, str]] = {
    Direction.STATION_TO_CSMS: "Charging Station → CSMS",
    Direction.CSMS_TO_STATION: "CSMS → Charging Station",
    Direction.BOTH: "either way (Charging Station ↔ CSMS)",
}

# Example values. Keys are ``Type.wireName`` (most specific) or ``wireName``; a value that does
# not fit the field's constraints is not used. Documentation data only: never sent by the SDK.
STRING_HINTS: Final[Mapping[str, str]] = {
    "ComponentType.name": "OCPPCommCtrlr",
    "VariableType.name": "HeartbeatInterval",
    "ChangeConfigurationRequest.key": "HeartbeatInterval",
    "ChangeConfigurationRequest.value": "300",
    "KeyValue.key": "HeartbeatInterval",
    "attributeValue": "300",
    "value": "1234.5",
    "vendorName": "ACME",
    "chargePointVendor": "ACME",
    "model": "Wallbox 22",
    "chargePointModel": "Wallbox 22",
    "serialNumber": "SN-000123",
    "firmwareVersion": "1.4.2",
    "idToken": "04A2B3C4D5E6F7",
    "idTag": "04A2B3C4D5E6F7",
    "parentIdTag": "04A2B3C4D5E6F7",
    "vendorId": "com.example",
    "messageId": "TariffInfo",
    "transactionId": "TX-0001",
    "remoteStartId": "1",
    "location": "https://firmware.example.com/fw-1.4.2.bin",
    "remoteLocation": "https://logs.example.com/upload",
    "uri": "https://example.com/ocpp",
    "certificate": "-----BEGIN CERTIFICATE-----MIIB...-----END CERTIFICATE-----",
    "certificateChain": "-----BEGIN CERTIFICATE-----MIIB...-----END CERTIFICATE-----",
    "csr": "-----BEGIN CERTIFICATE REQUEST-----MIIB...-----END CERTIFICATE REQUEST-----",
    "issuerNameHash": "9a4f1e0c2b7d",
    "issuerKeyHash": "3c5e7a9b1d2f",
    "responderURL": "https://ocsp.example.com",
    "content": "Welcome!",
    "language": "en",
    "format": "UTF8",
    "type": "Default",
    "data": "example",
    "info": "example",
    "timezone": "Europe/Amsterdam",
}
INT_HINTS: Final[Mapping[str, int]] = {
    "interval": 300,
    "heartbeatInterval": 300,
    "connectorId": 1,
    "evseId": 1,
    "EVSEType.id": 1,
    "transactionId": 42,
    "reservationId": 7,
    "seqNo": 0,
    "requestId": 1,
    "chargingProfileId": 1,
    "stackLevel": 0,
    "duration": 3600,
    "retries": 3,
    "retryInterval": 60,
    "startPeriod": 0,
    "numberPhases": 3,
    "meterStart": 12000,
    "meterStop": 15500,
    "listVersion": 1,
    "eventId": 1,
    "priority": 1,
    "maxCertificateChainSize": 5600,
}
NUMBER_HINTS: Final[Mapping[str, float]] = {
    "limit": 16.0,
    "value": 1234.5,
}
DATETIME: Final = "2026-01-15T09:30:00Z"
DATETIME_PY: Final = "datetime(2026, 1, 15, 9, 30, tzinfo=UTC)"
PREFERRED_ENUM_VALUES: Final = (
    "Accepted",
    "PowerUp",
    "Started",
    "Available",
    "Immediate",
    "Operative",
    "TxDefaultProfile",
    "A",
)
"""An enum field takes the first of these it allows, else its first value."""


# ----------------------------------------------------------------------------------------------
# Examples


@dataclass(frozen=True, slots=True)
class _Py:
    """Python source of an expression: a literal, a call with keyword arguments, or a list."""

    text: str = ""
    call: str | None = None
    args: tuple[tuple[str, _Py], ...] = ()
    items: tuple[_Py, ...] | None = None

    def render(self, indent: int = 0, column: int = 0, width: int = 100) -> str:
        """The expression starting at ``column`` on a line indented by ``indent``: on that line when it
        fits, else one argument or item per line (black's layout)."""
        flat = self._flat()
        if column + len(flat) + 1 <= width or (self.call is None and self.items is None):
            return flat
        pad = " " * (indent + 4)
        if self.call is not None:
            inner = [
                f"{pad}{name}={value.render(indent + 4, indent + 4 + len(name) + 1, width)},"
                for name, value in self.args
            ]
            return self.call + "(\n" + "\n".join(inner) + "\n" + " " * indent + ")"
        assert self.items is not None
        inner = [f"{pad}{item.render(indent + 4, indent + 4, width)}," for item in self.items]
        return "[\n" + "\n".join(inner) + "\n" + " " * indent + "]"

    def _flat(self) -> str:
        if self.call is not None:
            return self.call + "(" + ", ".join(f"{n}={v._flat()}" for n, v in self.args) + ")"
        if self.items is not None:
            return "[" + ", ".join(i._flat() for i in self.items) + "]"
        return self.text


@dataclass(frozen=True, slots=True)
class Example:
    """One payload of one action: its JSON and the Python that builds it."""

    version: str
    module: str
    action: str
    role: str
    """``request`` or ``response``."""
    class_name: str
    payload: object
    """The JSON value (dicts in wire order)."""
    python: str
    """A complete program that builds the payload and prints ``ocppkit.encode`` of it."""

    @property
    def json(self) -> str:
        """The payload as ``ocppkit.encode`` writes it: compact, in the schema's field order."""
        return _compact(self.payload)

    @property
    def pretty(self) -> str:
        return json.dumps(self.payload, indent=2, ensure_ascii=False)


def _compact(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _hint(hints: Mapping[str, object], owner: str, wire: str) -> object | None:
    return hints.get(f"{owner}.{wire}", hints.get(wire))


def _fits_int(value: int, s: Scalar) -> bool:
    return (s.minimum is None or value >= Decimal(s.minimum)) and (
        s.maximum is None or value <= Decimal(s.maximum)
    )


def _fits_number(value: Decimal, s: Scalar) -> bool:
    return (
        (s.minimum is None or value >= Decimal(s.minimum))
        and (s.maximum is None or value <= Decimal(s.maximum))
        and (s.multiple_of is None or value % Decimal(s.multiple_of) == 0)
    )


def _int_value(s: Scalar, hint: object) -> int:
    if isinstance(hint, int) and _fits_int(hint, s):
        return hint
    for candidate in (1, 0):
        if _fits_int(candidate, s):
            return candidate
    low = Decimal(s.minimum) if s.minimum is not None else Decimal(s.maximum or 0)
    return int(low.to_integral_value(rounding="ROUND_CEILING"))


def _number_value(s: Scalar, hint: object) -> float:
    if isinstance(hint, float) and _fits_number(Decimal(repr(hint)), s):
        return hint
    for candidate in ("1.0", "0.0"):
        if _fits_number(Decimal(candidate), s):
            return float(candidate)
    return float(Decimal(s.minimum or s.maximum or "0"))


def _scalar(s: Scalar, owner: str, wire: str) -> tuple[object, _Py]:
    if s.prim is Prim.INTEGER:
        i = _int_value(s, _hint(INT_HINTS, owner, wire))
        return i, _Py(str(i))
    if s.prim is Prim.NUMBER:
        f = _number_value(s, _hint(NUMBER_HINTS, owner, wire))
        return f, _Py(repr(f))
    if s.prim is Prim.BOOLEAN:
        return False, _Py("False")
    if s.prim is Prim.DATETIME:
        return DATETIME, _Py(DATETIME_PY)
    hint = _hint(STRING_HINTS, owner, wire)
    text = hint if isinstance(hint, str) else "example"
    if s.max_length is not None and len(text) > s.max_length:
        text = text[: s.max_length]
    return text, _Py(json.dumps(text, ensure_ascii=False))


class _Builder:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.prefix = spec.module
        self.uses_datetime = False

    def value(self, t: TypeRef, owner: str, wire: str) -> tuple[object, _Py]:
        if isinstance(t, Array):
            count = max(1, t.min_items or 0)
            pairs = [self.value(t.items, owner, wire) for _ in range(count)]
            return [v for v, _ in pairs], _Py(items=tuple(p for _, p in pairs))
        if isinstance(t, EnumRef):
            enum = self.spec.enum(t.name)
            values = [m.value for m in enum.members]
            chosen = next((v for v in PREFERRED_ENUM_VALUES if v in values), values[0])
            member = next(m for m in enum.members if m.value == chosen)
            return str(chosen), _Py(f"{self.prefix}.{enum.name}.{member.py}")
        if isinstance(t, ObjectRef):
            return self.object(self.spec.object(t.name))
        if t.prim is Prim.DATETIME:
            self.uses_datetime = True
        return _scalar(t, owner, wire)

    def object(self, obj: ObjectType) -> tuple[dict[str, object], _Py]:
        payload: dict[str, object] = {}
        args: list[tuple[str, _Py]] = []
        for f in obj.fields:
            if not f.required:
                continue
            value, py = self.value(f.type, obj.name, f.wire)
            payload[f.wire] = value
            args.append((f.py, py))
        return payload, _Py(call=f"{self.prefix}.{obj.name}", args=tuple(args))


def example(spec: Spec, message: Message) -> Example:
    """The example of one payload: required fields only, plausible values, deterministic."""
    builder = _Builder(spec)
    payload, py = builder.object(message.body)
    var = message.role
    lines = []
    if builder.uses_datetime:
        lines += ["from datetime import UTC, datetime", ""]
    lines += ["import ocppkit", f"from ocppkit import {spec.module}", ""]
    lines.append(f"{var} = {py.render(0, len(var) + 3)}")
    lines.append(f"print(ocppkit.encode({var}).decode())")
    lines.append(f"# {_compact(payload)}")
    return Example(
        version=spec.version,
        module=spec.module,
        action=message.action,
        role=message.role,
        class_name=message.body.name,
        payload=payload,
        python="\n".join(lines) + "\n",
    )


def examples(specs: Iterable[Spec]) -> Iterator[Example]:
    """Every example of the reference, in page order."""
    for spec in specs:
        for action in spec.actions:
            for message in (action.request, action.response):
                if message is not None:
                    yield example(spec, message)


# ----------------------------------------------------------------------------------------------
# Markdown helpers

_NEWLINES = re.compile(r"\s*\r?\n\s*")


def _escape(text: str) -> str:
    """Plain text for Markdown: no HTML, and brackets that cannot start a link. The schemas' own
    entities (``&lt;&lt;cmn_...&gt;&gt;``, AsciiDoc cross-references) show as the characters they stand for."""
    text = html.unescape(text).strip().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("[", "\\[").replace("]", "\\]")


def cell(text: str) -> str:
    """Text for a Markdown table cell: one line, pipes escaped."""
    return _NEWLINES.sub("<br>", _escape(text)).replace("|", "\\|")


def prose(text: str) -> str:
    """A description as a paragraph (line breaks kept)."""
    return _NEWLINES.sub("  \n", _escape(text))


def table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(" --- " for _ in head) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def version_label(spec: Spec) -> str:
    return f"OCPP {spec.version}"


def page_of(module: str, action: str) -> str:
    return f"{ROOT}/{module}/messages/{action}.md"


# ----------------------------------------------------------------------------------------------
# Pages


@dataclass(frozen=True, slots=True)
class _Links:
    """Relative links from one page to the version's enums and types pages."""

    to_version: str
    """``""`` from the version's own folder, ``../`` from its messages."""

    def enum(self, name: str) -> str:
        return f"[{name}]({self.to_version}enums.md#{name})"

    def object(self, name: str) -> str:
        return f"[{name}]({self.to_version}types.md#{name})"


def _type_text(t: TypeRef, links: _Links) -> str:
    if isinstance(t, Array):
        return "list of " + _type_text(t.items, links)
    if isinstance(t, EnumRef):
        return links.enum(t.name)
    if isinstance(t, ObjectRef):
        return links.object(t.name)
    return {Prim.ANY: "any JSON", Prim.DATETIME: "date-time"}.get(t.prim, t.prim.value)


def _array_constraints(t: Array) -> list[str]:
    if t.min_items is not None and t.max_items is not None:
        return [f"{t.min_items}–{t.max_items} items"]
    if t.min_items is not None:
        return [f"≥ {t.min_items} items"]
    if t.max_items is not None:
        return [f"≤ {t.max_items} items"]
    return []


def _scalar_constraints(t: Scalar) -> list[str]:
    out = [] if t.max_length is None else [f"maxLength {t.max_length}"]
    out += [] if t.minimum is None else [f"≥ {t.minimum}"]
    out += [] if t.maximum is None else [f"≤ {t.maximum}"]
    out += [] if t.multiple_of is None else [f"multipleOf {t.multiple_of}"]
    return out + (["format uri (not checked)"] if t.uri else [])


def _constraints(spec: Spec, f: Field) -> str:
    out: list[str] = []
    t = f.type
    if isinstance(t, Array):
        out += _array_constraints(t)
        t = t.items
    if isinstance(t, Scalar):
        out += _scalar_constraints(t)
    if isinstance(t, EnumRef):
        values = [m.value for m in spec.enum(t.name).members]
        out.append(", ".join(f"`{v}`" for v in values) if len(values) <= 6 else f"{len(values)} values")
    if f.default is not None:
        out.append(f"default `{f.default}` (documented, not applied)")
    return "; ".join(out)


def field_table(spec: Spec, obj: ObjectType, links: _Links) -> str:
    if not obj.fields:
        return "No fields: the payload is `{}`.\n"
    rows = [
        [
            f"`{f.wire}`",
            f"`{f.py}`",
            _type_text(f.type, links),
            "yes" if f.required else "no",
            cell(_constraints(spec, f)),
            cell(f.description),
        ]
        for f in obj.fields
    ]
    header = ["Wire name", "Python attribute", "Type", "Required", "Constraints", "Description"]
    text = f'<div class="fields" markdown>\n\n{table(header, rows)}\n</div>\n'  # styled by extra.css
    if obj.open:
        text += "\nOpen object: keys the schema does not list are allowed and kept in `.extra`.\n"
    return text


def _refs(t: TypeRef) -> TypeRef:
    return t.items if isinstance(t, Array) else t


def uses(spec: Spec, roots: Iterable[ObjectType]) -> tuple[list[str], list[str]]:
    """The types and enums reachable from ``roots`` (not the roots), sorted."""
    objects: set[str] = set()
    enums: set[str] = set()
    todo = list(roots)
    while todo:
        obj = todo.pop()
        for f in obj.fields:
            t = _refs(f.type)
            if isinstance(t, EnumRef):
                enums.add(t.name)
            elif isinstance(t, ObjectRef) and t.name not in objects:
                objects.add(t.name)
                todo.append(spec.object(t.name))
    return sorted(objects, key=str.casefold), sorted(enums, key=str.casefold)


def _handler(spec: Spec, action: Action) -> list[str]:
    method = "on_" + naming.field_name(WireName(action.name))
    mod = f"ocppkit.{spec.module}"
    out = []
    if action.direction in (Direction.STATION_TO_CSMS, Direction.BOTH):
        out.append(f"`{mod}.CsmsHandlers.{method}` (a CSMS answers it)")
    if action.direction in (Direction.CSMS_TO_STATION, Direction.BOTH):
        out.append(f"`{mod}.StationHandlers.{method}` (a station answers it)")
    return out


def _sending(action: Action) -> str:
    if action.kind is Kind.SEND:
        return "`await connection.send_message(message)`: SEND (message type 6), no response"
    who = {
        Direction.STATION_TO_CSMS: "a `StationConnection`",
        Direction.CSMS_TO_STATION: "a `CsmsConnection`",
        Direction.BOTH: "either connection",
    }[action.direction]
    return f"`reply = await connection.call(request)` on {who}: CALL (2), answered by CALLRESULT (3) or CALLERROR (4)"


def _example_block(ex: Example) -> str:
    python = "\n".join("    " + line if line else "" for line in ex.python.splitlines())
    payload = "\n".join("    " + line for line in ex.pretty.splitlines())
    return (
        f'=== "JSON"\n\n    ```json\n{payload}\n    ```\n\n=== "Python"\n\n    ```python\n{python}\n    ```\n'
    )


def action_page(spec: Spec, action: Action, others: Mapping[str, Spec]) -> str:
    links = _Links("../")
    mod = f"ocppkit.{spec.module}"
    lines = [
        "---",
        "hide:",
        "  - toc",  # the page is its tables: their width matters more than a table of contents
        "---",
        "",
        f"# {action.name}",
        "",
        f"{version_label(spec)} · [all {spec.version} messages](../index.md) · "
        f"[enums](../enums.md) · [types](../types.md)",
        "",
    ]
    facts = [
        ["Direction", DIRECTIONS[action.direction]],
        [
            "Kind",
            "SEND (no response; OCPP 2.1)" if action.kind is Kind.SEND else "CALL (request and response)",
        ],
        ["Request class", f"`{mod}.{action.request.body.name}`"],
    ]
    if action.response is not None:
        facts.append(["Response class", f"`{mod}.{action.response.body.name}`"])
    facts.append(["Sent with", _sending(action)])
    facts.append(["Handled by", "<br>".join(_handler(spec, action))])
    schemas = [action.request.schema_file] + ([action.response.schema_file] if action.response else [])
    facts.append(["Schemas", "<br>".join(f"`{s}`" for s in schemas)])
    elsewhere = [
        f"[{v}](../../{o.module}/messages/{action.name}.md)"
        for v, o in others.items()
        if v != spec.version and any(a.name == action.name for a in o.actions)
    ]
    if elsewhere:
        facts.append(["Same name in", " · ".join(elsewhere)])
    lines.append(table(["Property", "Value"], facts))
    for message in (action.request, action.response):
        if message is None:
            continue
        title = message.role.capitalize()
        lines += [f"## {title}", ""]
        if message.body.description:
            lines += [prose(message.body.description), ""]
        lines += [field_table(spec, message.body, links), ""]
        ex = example(spec, message)
        lines += [
            f"### Example {message.role}",
            "",
            "The required fields only. The Python builds the same payload; the test suite checks both.",
            "",
            _example_block(ex),
            "",
        ]
    bodies = [action.request.body] + ([action.response.body] if action.response else [])
    objects, enums = uses(spec, bodies)
    lines += ["## Types and enums used", ""]
    if objects:
        lines += ["Types: " + ", ".join(links.object(n) for n in objects), ""]
    if enums:
        lines += ["Enums: " + ", ".join(links.enum(n) for n in enums), ""]
    if not objects and not enums:
        lines += ["None: only scalar fields.", ""]
    return "\n".join(lines).rstrip() + "\n"


def _used_by(spec: Spec) -> dict[str, list[str]]:
    """Type or enum name → the actions whose payloads reach it, as links from the version folder."""
    out: dict[str, set[str]] = {}
    for action in spec.actions:
        bodies = [action.request.body] + ([action.response.body] if action.response else [])
        objects, enums = uses(spec, bodies)
        for name in (*objects, *enums):
            out.setdefault(name, set()).add(action.name)
    return {k: [f"[{a}](messages/{a}.md)" for a in sorted(v)] for k, v in out.items()}


def enums_page(spec: Spec) -> str:
    used = _used_by(spec)
    lines = [
        f"# Enums of {version_label(spec)}",
        "",
        f"{len(spec.enums)} enums, each a `StrEnum` in `ocppkit.{spec.module}` whose values are the wire "
        "values exactly. [All messages](index.md) · [types](types.md)",
        "",
    ]
    for e in spec.enums:
        lines += _enum_section(spec, e, used.get(e.name, []))
    return "\n".join(lines).rstrip() + "\n"


def _enum_section(spec: Spec, e: EnumType, used: list[str]) -> list[str]:
    lines = [f"## {e.name} {{#{e.name}}}", ""]
    if e.description:
        lines += [prose(e.description), ""]
    lines += [f"`ocppkit.{spec.module}.{e.name}` · defined in `{e.origin}`", ""]
    lines.append(table(["Value", "Python member"], [[f"`{m.value}`", f"`{m.py}`"] for m in e.members]))
    if used:
        lines += ["Used by: " + ", ".join(used), ""]
    return lines


def types_page(spec: Spec) -> str:
    used = _used_by(spec)
    links = _Links("")
    lines = [
        f"# Types of {version_label(spec)}",
        "",
        f"{len(spec.objects)} types shared by the messages, each a dataclass in `ocppkit.{spec.module}`. "
        "[All messages](index.md) · [enums](enums.md)",
        "",
    ]
    for obj in spec.objects:
        lines += [f"## {obj.name} {{#{obj.name}}}", ""]
        if obj.description:
            lines += [prose(obj.description), ""]
        lines += [f"`ocppkit.{spec.module}.{obj.name}` · defined in `{obj.origin}`", ""]
        lines += [field_table(spec, obj, links), ""]
        if obj.name in used:
            lines += ["Used by: " + ", ".join(used[obj.name]), ""]
    return "\n".join(lines).rstrip() + "\n"


def index_page(spec: Spec) -> str:
    counts = {d: sum(a.direction is d for a in spec.actions) for d in Direction}
    sends = sum(a.kind is Kind.SEND for a in spec.actions)
    lines = [
        f"# {version_label(spec)} messages",
        "",
        f"{len(spec.actions)} actions in `ocppkit.{spec.module}` (WebSocket subprotocol `{spec.subprotocol}`): "
        f"{counts[Direction.STATION_TO_CSMS]} sent by the Charging Station, "
        f"{counts[Direction.CSMS_TO_STATION]} by the CSMS, {counts[Direction.BOTH]} either way"
        + (f"; {sends} of them SEND (no response)." if sends else "."),
        "",
        f"Also: [enums](enums.md) ({len(spec.enums)}) · [types](types.md) ({len(spec.objects)}) · "
        "[support matrix](../support-matrix.md)",
        "",
    ]
    rows = [
        [
            f"[{a.name}](messages/{a.name}.md)",
            DIRECTIONS[a.direction],
            a.kind.value,
            f"`{a.request.body.name}`",
            f"`{a.response.body.name}`" if a.response else "—",
        ]
        for a in spec.actions
    ]
    lines.append(table(["Action", "Direction", "Kind", "Request", "Response"], rows))
    return "\n".join(lines)


def support_matrix(specs: list[Spec]) -> str:
    by_version = {s.version: {a.name: a for a in s.actions} for s in specs}
    names = sorted({a.name for s in specs for a in s.actions}, key=str.casefold)
    header = ["Action"]
    for s in specs:
        header += [f"{s.version} station", f"{s.version} CSMS"]
    rows = []
    for name in names:
        row = [f"`{name}`"]
        for s in specs:
            a = by_version[s.version].get(name)
            if a is None:
                row += ["", ""]
                continue
            link = f"[✓]({s.module}/messages/{name}.md)"
            station = a.direction in (Direction.STATION_TO_CSMS, Direction.BOTH)
            csms = a.direction in (Direction.CSMS_TO_STATION, Direction.BOTH)
            mark = " SEND" if a.kind is Kind.SEND else ""
            row += [link + mark if station else "", link + mark if csms else ""]
        rows.append(row)
    totals = ", ".join(f"{len(s.actions)} in {s.version}" for s in specs)
    return "\n".join(
        [
            "# Support matrix",
            "",
            f"Every action of every version ({totals}; {len(names)} names in all), and which side sends "
            "its request (✓, a link to the action's page). ocppkit supports all of them on both sides: the sender calls "
            "`connection.call(request)` (or `send_message` for a SEND), the receiver overrides the "
            "handler method of the action on its `CsmsHandlers` or `StationHandlers`. A blank cell: the "
            "version has no such action, or that side does not send it.",
            "",
            table(header, rows),
        ]
    )


def pages(specs: list[Spec]) -> dict[str, str]:
    """Every page of the message reference: path under ``docs/`` → Markdown."""
    out: dict[str, str] = {}
    others = {s.version: s for s in specs}
    for spec in specs:
        base = f"{ROOT}/{spec.module}"
        out[f"{base}/index.md"] = index_page(spec)
        out[f"{base}/enums.md"] = enums_page(spec)
        out[f"{base}/types.md"] = types_page(spec)
        for action in spec.actions:
            out[page_of(spec.module, action.name)] = action_page(spec, action, others)
    out[f"{ROOT}/support-matrix.md"] = support_matrix(specs)
    return out
