"""The generator's intermediate representation: small, frozen, and free of raw JSON.

A loader reads ``specs/``; :mod:`codegen.parse` turns the schemas into these records;
renderers only ever look at these records. Wire names (``WireName``) and Python names
(``PyName``) are distinct string types so that one is never used where the other belongs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import NewType

WireName = NewType("WireName", str)
"""A property name or enum value exactly as the schema spells it."""

PyName = NewType("PyName", str)
"""An identifier in the generated Python code."""


class Direction(StrEnum):
    """Who sends the request of an action."""

    STATION_TO_CSMS = "station_to_csms"
    CSMS_TO_STATION = "csms_to_station"
    BOTH = "both"


class Kind(StrEnum):
    """OCPP-J message kind of an action's request."""

    CALL = "CALL"
    SEND = "SEND"


class Prim(StrEnum):
    """Scalar JSON Schema types as the OCPP schemas use them."""

    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    DATETIME = "date-time"
    ANY = "any"


@dataclass(frozen=True, slots=True)
class Scalar:
    """A scalar value with its constraints (all optional)."""

    prim: Prim
    max_length: int | None = None
    minimum: str | None = None
    """Bounds and multipleOf are kept as decimal strings as the schema wrote them."""
    maximum: str | None = None
    multiple_of: str | None = None
    uri: bool = False
    """``format: uri`` (1.6 only): documented, not checked (as the reference validator)."""


@dataclass(frozen=True, slots=True)
class EnumRef:
    name: PyName


@dataclass(frozen=True, slots=True)
class ObjectRef:
    name: PyName


@dataclass(frozen=True, slots=True)
class Array:
    items: Scalar | EnumRef | ObjectRef
    min_items: int | None = None
    max_items: int | None = None


TypeRef = Scalar | EnumRef | ObjectRef | Array


@dataclass(frozen=True, slots=True)
class Field:
    wire: WireName
    py: PyName
    type: TypeRef
    required: bool
    description: str
    default: str | None = None
    """The schema's ``default`` as JSON text, for documentation only: never applied."""


@dataclass(frozen=True, slots=True)
class ObjectType:
    name: PyName
    fields: tuple[Field, ...]
    description: str
    open: bool
    """``True`` where the schema admits keys it does not list (``CustomDataType``)."""
    origin: str
    """Where the type was first defined: ``File.json#/json/pointer``."""
    draft: int
    """JSON Schema draft of the defining file (4 or 6): draft 6 counts ``5.0`` as an integer."""


@dataclass(frozen=True, slots=True)
class EnumMember:
    py: PyName
    value: WireName


@dataclass(frozen=True, slots=True)
class EnumType:
    name: PyName
    members: tuple[EnumMember, ...]
    description: str
    origin: str


@dataclass(frozen=True, slots=True)
class Message:
    """The payload of one side of an action; its fields live in ``body``."""

    body: ObjectType
    action: str
    role: str
    """``request`` or ``response``."""
    schema_file: str
    schema_id: str | None
    draft: int


@dataclass(frozen=True, slots=True)
class Action:
    name: str
    request: Message
    response: Message | None
    direction: Direction
    kind: Kind


@dataclass(frozen=True, slots=True)
class ErrorCode:
    """One row of a version's OCPP-J RPC error-code table."""

    code: str
    """As ocppkit sends it."""
    accept: tuple[str, ...]
    """Further spellings accepted on receive."""
    violations: tuple[str, ...]
    """``ocppkit.Violation`` values the codec reports with this code."""
    description: str


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str
    """Relative to ``specs/``."""
    sha256: str


@dataclass(frozen=True, slots=True)
class Spec:
    """Everything the generator knows about one OCPP version."""

    version: str
    """``1.6``, ``2.0.1`` or ``2.1``."""
    module: str
    """``v16``, ``v201``, ``v21``."""
    subprotocol: str
    actions: tuple[Action, ...]
    objects: tuple[ObjectType, ...]
    """Shared types (not the message bodies), sorted by name."""
    enums: tuple[EnumType, ...]
    error_codes: tuple[ErrorCode, ...]
    sources: tuple[SourceFile, ...]

    @property
    def messages(self) -> tuple[Message, ...]:
        out: list[Message] = []
        for a in self.actions:
            out.append(a.request)
            if a.response is not None:
                out.append(a.response)
        return tuple(out)

    def object(self, name: str) -> ObjectType:
        for o in self.objects:
            if o.name == name:
                return o
        for m in self.messages:
            if m.body.name == name:
                return m.body
        raise KeyError(name)

    def enum(self, name: str) -> EnumType:
        for e in self.enums:
            if e.name == name:
                return e
        raise KeyError(name)


@dataclass(frozen=True, slots=True)
class Problem:
    severity: str
    """``error`` or ``warning``."""
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.severity}: {self.where}: {self.message}"


@dataclass(slots=True)
class Problems:
    """Collected while parsing; reported together."""

    items: list[Problem] = field(default_factory=list)

    def error(self, where: str, message: str) -> None:
        self.items.append(Problem("error", where, message))

    def warning(self, where: str, message: str) -> None:
        self.items.append(Problem("warning", where, message))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]
