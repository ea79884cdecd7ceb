"""Moving a station or a CSMS from OCPP 1.6 to 2.0.1 or 2.1: the glossaries and the crosswalks, looked up.

The data is generated from ``specs/terminology.csv`` and ``specs/crosswalk-*.csv`` into
`ocppkit.terminology` (``GLOSSARIES``, ``MESSAGES``, ``CONCEPTS``, ``CONFIG_KEYS``); this module holds
its records and the lookups, which ignore case:

    from ocppkit import migrate
    from ocppkit.v201.device_model import DEVICE_MODEL, set_variable

    migrate.message_for_v2("StartTransaction")  # ("TransactionEvent",)
    migrate.message_mapping("StartTransaction").note  # "TransactionEvent eventType=Started; ..."
    migrate.message_for_v16("TransactionEvent")  # ("MeterValues", "StartTransaction", "StatusNotification", ...)
    target = migrate.config_key("HeartbeatInterval")  # OCPPCommCtrlr.HeartbeatInterval
    set_variable(target.lookup(DEVICE_MODEL), 300)  # the SetVariablesRequest entry ChangeConfiguration was
    migrate.glossary("2.0.1").find("CSMS")  # every entry that defines CSMS, in the documents' order

The crosswalks are ocppkit's (authored from the specifications, checked against the schemas and the
device model when generated); the glossaries quote OCA: (c) Open Charge Alliance, CC BY-ND 4.0.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, overload

from ocppkit.device_model import GENERIC, DeviceModel, DeviceModelVariable

__all__ = [
    "VERSIONS",
    "ComponentVariable",
    "ConceptMapping",
    "ConfigKeyMapping",
    "Glossary",
    "GlossaryEntry",
    "GlossaryKind",
    "KeyMapping",
    "MessageMapping",
    "Relation",
    "concepts",
    "config_key",
    "config_key_mapping",
    "glossary",
    "message_for_v2",
    "message_for_v16",
    "message_mapping",
]

VERSIONS: Final = ("1.6", "2.0.1", "2.1")
"""The versions the glossaries and crosswalks span."""

_PARENTHESIS = re.compile(r"^(?P<base>.+?)\s*\((?P<inner>[^()]*)\)$")


def _fold(text: str) -> str:
    return text.casefold()


class GlossaryKind(StrEnum):
    """Which table of its document a glossary entry comes from."""

    TERM = "term"
    ABBREVIATION = "abbreviation"
    ACTOR = "actor"
    """2.x part 2 section 2.4 Actors (informative), with an actor type."""
    ISO15118 = "iso15118"
    """2.x part 2 section 2.2.2: an ISO 15118 term (``term``) and its OCPP counterpart (``definition``)."""


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    """One row of a glossary table, OCA's wording verbatim."""

    version: str
    kind: GlossaryKind
    term: str
    definition: str
    source: str
    """The document and section, e.g. ``OCPP 2.0.1 Ed3 Part 2, s2.3.1 (Table 4)``."""
    actor_type: str | None = None
    """``Actor``, ``Device`` or ``System`` for actors."""

    @property
    def abbreviation(self) -> bool:
        return self.kind is GlossaryKind.ABBREVIATION

    @property
    def names(self) -> tuple[str, ...]:
        """The term, and the parts of ``Name (ABBR)`` or ``ABBR (i.e. Name)``: what
        [`Glossary.find`][ocppkit.migrate.Glossary.find] matches."""
        names = [self.term]
        m = _PARENTHESIS.match(self.term)
        if m:
            names.append(m["base"])
            inner = m["inner"].strip()
            if inner.startswith("i.e. "):
                names.append(inner.removeprefix("i.e. ").strip())
            elif inner and " " not in inner:
                names.append(inner)
        return tuple(dict.fromkeys(names))


class Glossary(Sequence[GlossaryEntry]):
    """The glossary entries of one version, in the documents' order (a term may be defined in several)."""

    __slots__ = ("_by_name", "entries", "version")

    def __init__(self, version: str, entries: Iterable[GlossaryEntry]) -> None:
        self.version = version
        self.entries: tuple[GlossaryEntry, ...] = tuple(entries)
        by_name: dict[str, list[GlossaryEntry]] = {}
        for e in self.entries:
            if e.version != version:
                raise ValueError(f"{e.term!r} is an entry of OCPP {e.version}, not {version}")
            for name in e.names:
                by_name.setdefault(_fold(name), []).append(e)
        self._by_name = {k: tuple(v) for k, v in by_name.items()}

    @overload
    def __getitem__(self, index: int) -> GlossaryEntry: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[GlossaryEntry]: ...
    def __getitem__(self, index: int | slice) -> GlossaryEntry | Sequence[GlossaryEntry]:
        return self.entries[index]

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[GlossaryEntry]:
        return iter(self.entries)

    def __repr__(self) -> str:
        return f"<Glossary OCPP {self.version}: {len(self)} entries>"

    def find(self, name: str) -> tuple[GlossaryEntry, ...]:
        """Every entry whose term is ``name``, ignoring case (``CSMS`` also finds ``... (CSMS)``)."""
        return self._by_name.get(_fold(name.strip()), ())

    def search(self, text: str) -> tuple[GlossaryEntry, ...]:
        """Every entry whose term or definition contains ``text``, ignoring case."""
        needle = _fold(text)
        return tuple(e for e in self.entries if needle in _fold(e.term) or needle in _fold(e.definition))

    def of(self, kind: GlossaryKind) -> tuple[GlossaryEntry, ...]:
        """The entries of one kind (``glossary("1.6").of(GlossaryKind.ABBREVIATION)``)."""
        return tuple(e for e in self.entries if e.kind is kind)


class Relation(StrEnum):
    """How a 1.6 message relates to its 2.x counterpart(s)."""

    SAME = "same"
    """Same name, and every 1.6 payload is a valid 2.x payload (2.x only adds optional fields and enum values)."""
    CHANGED = "changed"
    """Same name, different payload."""
    RENAMED = "renamed"
    REPLACED = "replaced"
    """By other messages (``ChangeConfiguration`` → ``SetVariables``)."""
    MERGED = "merged"
    """With other 1.6 messages into one (``StartTransaction`` and ``StopTransaction`` → ``TransactionEvent``)."""
    SPLIT = "split"
    """Over several 2.x messages (``StatusNotification`` → ``StatusNotification``, ``NotifyEvent``, ...)."""
    NEW = "new"
    """A 2.x message with no 1.6 counterpart."""


@dataclass(frozen=True, slots=True)
class MessageMapping:
    """A row of the message crosswalk."""

    ocpp16: str | None
    """The 1.6 action, or ``None`` for a message new in 2.x."""
    profile: str | None
    """Its 1.6 feature profile (``Core``, ``SmartCharging``, ...) or ``Security`` (the security white paper)."""
    ocpp201: tuple[str, ...]
    """The 2.0.1 action(s); empty for a message new in 2.1."""
    ocpp21: tuple[str, ...]
    relation: Relation
    note: str
    """What changes, in short."""

    def targets(self, version: str) -> tuple[str, ...]:
        """The actions of ``version`` (``1.6``, ``2.0.1`` or ``2.1``) this row names."""
        if version == "1.6":
            return () if self.ocpp16 is None else (self.ocpp16,)
        if version == "2.0.1":
            return self.ocpp201
        if version == "2.1":
            return self.ocpp21
        raise ValueError(f"the crosswalk spans OCPP {', '.join(VERSIONS)}, not {version!r}")


@dataclass(frozen=True, slots=True)
class ConceptMapping:
    """A row of the concept crosswalk: the same idea in 1.6 and in 2.x words."""

    ocpp16: str
    ocpp2: str
    area: str
    reference: str
    """Where the specifications say so."""
    ocpp16_names: tuple[str, ...] = ()
    """The 1.6 identifiers and terms the row cites (``AuthorizeRequest.idTag``); checked when generated."""
    ocpp2_names: tuple[str, ...] = ()


class KeyMapping(StrEnum):
    """How a 1.6 configuration key relates to its 2.x variable."""

    SAME = "same"
    """Same name and meaning."""
    RENAMED = "renamed"
    """Same meaning, other name."""
    ANALOGOUS = "analogous"
    """A similar setting, not the same: read the note."""
    RESTRUCTURED = "restructured"
    """The same information, organised differently."""
    NONE = "none"
    """No standardized variable."""


@dataclass(frozen=True, slots=True)
class ComponentVariable:
    """Where a setting lives in the 2.x device model."""

    component: str
    """A component name, or ``<generic>`` for a variable any component may have."""
    variable: str
    instance: str | None = None
    characteristic: str | None = None
    """``None`` for the variable's Actual value (GetVariables / SetVariables); ``maxLimit`` for its
    ``VariableCharacteristics.maxLimit`` (read-only, reported by GetReport / NotifyReport)."""

    def __str__(self) -> str:
        text = f"{self.component}.{self.variable}"
        if self.instance is not None:
            text += f"[{self.instance}]"
        return text if self.characteristic is None else f"{text} ({self.characteristic})"

    @property
    def generic(self) -> bool:
        """Whether the variable belongs to no one component: pick it when building the request."""
        return self.component == GENERIC

    def lookup(self, model: DeviceModel) -> DeviceModelVariable:
        """The device model row of this target, for ``get_variable`` / ``set_variable`` of the version's
        ``device_model`` module (``KeyError`` if the model has none)."""
        return model.get(self.component, self.variable, self.instance)


@dataclass(frozen=True, slots=True)
class ConfigKeyMapping:
    """A 1.6 standard configuration key, with its 1.6 properties, and where its setting lives in 2.x."""

    key: str
    profile: str
    required: bool
    """Required (in its profile) by 1.6."""
    accessibility: str
    """``R``, ``RW``, ``W`` or ``R or RW`` (up to the Charge Point)."""
    type: str
    """The 1.6 type: ``boolean``, ``integer``, ``CSL`` or ``String``."""
    unit: str | None
    target: ComponentVariable | None
    """``None`` where no standardized variable exists (``mapping`` is ``none``)."""
    mapping: KeyMapping
    note: str


@dataclass(frozen=True, slots=True)
class _Index:
    glossaries: Mapping[str, Glossary]
    by_16: dict[str, MessageMapping]
    by_2: dict[str, dict[str, tuple[MessageMapping, ...]]]
    keys: dict[str, ConfigKeyMapping]
    concepts: tuple[ConceptMapping, ...]


@functools.cache
def _index() -> _Index:
    # The generated tables are built from this module's records, so they are imported on first use.
    from ocppkit import terminology  # noqa: PLC0415

    by_2: dict[str, dict[str, list[MessageMapping]]] = {v: {} for v in VERSIONS[1:]}
    for m in terminology.MESSAGES:
        for v, names in by_2.items():
            for name in m.targets(v):
                names.setdefault(_fold(name), []).append(m)
    return _Index(
        glossaries=terminology.GLOSSARIES,
        by_16={_fold(m.ocpp16): m for m in terminology.MESSAGES if m.ocpp16 is not None},
        by_2={v: {k: tuple(ms) for k, ms in names.items()} for v, names in by_2.items()},
        keys={_fold(k.key): k for k in terminology.CONFIG_KEYS},
        concepts=terminology.CONCEPTS,
    )


def _version(version: str, allowed: tuple[str, ...]) -> str:
    if version not in allowed:
        raise ValueError(f"expected one of OCPP {', '.join(allowed)}, not {version!r}")
    return version


def glossary(version: str) -> Glossary:
    """The glossary of OCPP ``version`` (``1.6``, ``2.0.1`` or ``2.1``)."""
    return _index().glossaries[_version(version, VERSIONS)]


def message_mapping(action: str) -> MessageMapping:
    """The crosswalk row of the 1.6 ``action`` (any case); ``KeyError`` if 1.6 has no such action."""
    try:
        return _index().by_16[_fold(action)]
    except KeyError:
        raise KeyError(f"OCPP 1.6 has no action {action!r}") from None


def message_for_v2(action: str, version: str = "2.0.1") -> tuple[str, ...]:
    """The 2.x action(s) that carry what the 1.6 ``action`` did: ``StartTransaction`` → ``("TransactionEvent",)``.

    Empty where ``version`` has none. See [`message_mapping`][ocppkit.migrate.message_mapping] for
    the relation and what changes.
    """
    return message_mapping(action).targets(_version(version, VERSIONS[1:]))


def message_for_v16(action: str, version: str = "2.0.1") -> tuple[str, ...]:
    """The 1.6 action(s) that the ``version`` ``action`` (any case) takes over; empty for a message new in 2.x.

    ``KeyError`` if ``version`` has no such action.
    """
    rows = _index().by_2[_version(version, VERSIONS[1:])].get(_fold(action))
    if rows is None:
        raise KeyError(f"OCPP {version} has no action {action!r}")
    return tuple(sorted({r.ocpp16 for r in rows if r.ocpp16 is not None}))


def config_key_mapping(key: str) -> ConfigKeyMapping:
    """The crosswalk row of the 1.6 configuration ``key`` (any case); ``KeyError`` for a key 1.6 does not
    standardize."""
    try:
        return _index().keys[_fold(key)]
    except KeyError:
        raise KeyError(f"{key!r} is not a standard OCPP 1.6 configuration key") from None


def config_key(key: str) -> ComponentVariable | None:
    """Where the 1.6 configuration ``key``'s setting lives in the 2.x device model (``HeartbeatInterval`` →
    ``OCPPCommCtrlr.HeartbeatInterval``), or ``None`` where no standardized variable exists.

    Check [`config_key_mapping`][ocppkit.migrate.config_key_mapping] for keys whose mapping is
    ``analogous`` or ``restructured``.
    """
    return config_key_mapping(key).target


def concepts(text: str | None = None) -> tuple[ConceptMapping, ...]:
    """The concept crosswalk, or the rows whose 1.6 or 2.x side mentions ``text`` (any case)."""
    rows = _index().concepts
    if text is None:
        return rows
    needle = _fold(text)
    return tuple(
        r
        for r in rows
        if needle in _fold(r.ocpp16)
        or needle in _fold(r.ocpp2)
        or any(needle in _fold(n) for n in (*r.ocpp16_names, *r.ocpp2_names))
    )
