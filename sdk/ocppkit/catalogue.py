"""Catalogues of standardized values: the appendix tables of OCPP as typed, searchable data.

The generator turns each appendix table (security events, reason codes, units of measure, the
standardized values of 2.1's open strings, 1.6's ``ChargePointErrorCode`` meanings, the ChargeX
codes) into a ``StrEnum`` of its values and a [`Catalogue`][ocppkit.catalogue.Catalogue] of entries, in
``ocppkit.<version>.appendices``:

    from ocppkit.v201.appendices import SECURITY_EVENTS, SecurityEvent

    SECURITY_EVENTS[SecurityEvent.FIRMWARE_UPDATED].critical  # True
    SECURITY_EVENTS.find("firmwareupdated")  # the same entry: case-insensitive
    SECURITY_EVENTS.search("certificate")  # every entry whose value or description mentions it

OCA texts are quoted verbatim: (c) Open Charge Alliance, CC BY-ND 4.0.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

__all__ = [
    "Catalogue",
    "ChargeXEntry",
    "Entry",
    "ReasonCodeEntry",
    "SecurityEventEntry",
    "SigningMethodEntry",
]

V = TypeVar("V", bound=str)
E = TypeVar("E", bound="Entry[Any]")


@dataclass(frozen=True, slots=True)
class Entry(Generic[V]):
    """One standardized value and what it means."""

    value: V
    """The value exactly as it goes on the wire (a member of the catalogue's ``StrEnum``)."""
    description: str
    """OCA's description, verbatim (empty where the table gives none)."""

    def words(self) -> tuple[str, ...]:
        """What [`Catalogue.search`][ocppkit.catalogue.Catalogue.search] looks in: the value and the
        description."""
        return (self.value, self.description)


@dataclass(frozen=True, slots=True)
class SecurityEventEntry(Entry[V]):
    """A security event (``SecurityEventNotification`` ``type``)."""

    critical: bool
    """Critical events are pushed to the CSMS / Central System as they happen; every event is logged."""


@dataclass(frozen=True, slots=True)
class ReasonCodeEntry(Entry[V]):
    """A reason code for ``StatusInfoType.reasonCode``."""

    group: str
    """The table's grouping (2.1: "Charging Profiles", ...); empty where the table has none. It does
    not affect the meaning of the code."""
    used_for: str
    """The table's "Typically used for": indicative, not exhaustive."""


@dataclass(frozen=True, slots=True)
class SigningMethodEntry(Entry[V]):
    """A standardized ``signingMethod``; the other columns are for information only."""

    algorithm: str
    curve: str
    key_length: str
    hash_algorithm: str


@dataclass(frozen=True, slots=True)
class ChargeXEntry(Entry[V]):
    """A ChargeX Minimum Required Error Code (``CX001`` ...) and how OCPP 1.6 reports it.

    The description is the ChargeX consortium's; [`ocppkit.faults`][ocppkit.faults] builds the
    messages.
    """

    name: str
    """ChargeX's name of the code (``GroundFailure``); the ``StrEnum`` member is named after it."""
    ocpp16_error_code: str
    """The 1.6 ``ChargePointErrorCode`` sent with it (``OtherError`` where none has its meaning); in
    ``ocppkit.v16.appendices`` a member of ``v16.ChargePointErrorCode``."""
    responsibility: tuple[str, ...]
    """Who ChargeX makes responsible for resolving it: ``EV User``, ``EV``, ``EVSE``, ``CSO``."""
    classification: tuple[str, ...]
    """ChargeX's functional classification: ``Safety``, ``Security``, ``Maintenance``, ``Authorization``."""
    single_source: bool
    """``True`` where the name and description rest on one transcription of the ChargeX report."""
    note: str
    """ocppkit's remark on a doubtful mapping (empty for most)."""

    def words(self) -> tuple[str, ...]:
        return (self.value, self.name, self.description)


class Catalogue(Mapping[str, E]):
    """The entries of one appendix table, in the table's order, keyed by their exact value.

    ``catalogue[value]`` matches exactly (a ``StrEnum`` member or its string);
    [`find`][ocppkit.catalogue.Catalogue.find] ignores case;
    [`search`][ocppkit.catalogue.Catalogue.search] looks for words in values and descriptions.
    """

    __slots__ = ("_by_fold", "_by_value", "entries", "title")

    def __init__(self, title: str, entries: Iterable[E]) -> None:
        self.title = title
        """What the table is, and where it comes from."""
        self.entries: tuple[E, ...] = tuple(entries)
        self._by_value: dict[str, E] = {}
        self._by_fold: dict[str, E] = {}
        for entry in self.entries:
            if entry.value in self._by_value or entry.value.casefold() in self._by_fold:
                raise ValueError(f"{title}: {entry.value!r} is listed twice")
            self._by_value[entry.value] = entry
            self._by_fold[entry.value.casefold()] = entry

    def __getitem__(self, value: str) -> E:
        return self._by_value[value]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_value)

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        return f"<Catalogue {self.title!r}: {len(self)} entries>"

    def find(self, value: str) -> E | None:
        """The entry whose value equals ``value`` ignoring case, or ``None``."""
        return self._by_fold.get(value.casefold())

    def search(self, text: str) -> tuple[E, ...]:
        """Every entry whose value or description (or other name:
        [`Entry.words`][ocppkit.catalogue.Entry.words]) contains ``text``, ignoring case."""
        needle = text.casefold()
        return tuple(e for e in self.entries if any(needle in w.casefold() for w in e.words()))
