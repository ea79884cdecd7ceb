"""Validation errors, named the way OCPP-J names them."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

__all__ = ["ValidationError", "Violation"]


class Violation(StrEnum):
    """What is wrong with a payload, independent of the OCPP version.

    Each version's error-code table (``ocppkit.v16.errors`` etc.) says which CALLERROR code
    a violation is reported with.
    """

    FORMAT = "format"
    """Not JSON, or not a JSON object where one is required."""
    STRUCTURE = "structure"
    """A property the schema does not define."""
    TYPE = "type"
    """A value of the wrong JSON type (``null`` included)."""
    OCCURRENCE = "occurrence"
    """A required property missing, or too few or too many array items."""
    PROPERTY = "property"
    """A value of the right type that the schema does not allow (enum, length, range, date-time)."""


class ValidationError(ValueError):
    """A payload that does not satisfy its OCPP schema.

    ``code`` is the OCPP-J error code, spelled as the payload class's own OCPP version sends
    it; ``path`` names the offending field with wire names (``meterValue[0].sampledValue``).
    """

    __slots__ = ("_path", "code", "detail", "version", "violation")

    def __init__(self, violation: Violation, detail: str, path: Sequence[str | int] = ()) -> None:
        super().__init__(detail)
        self.violation = violation
        self.detail = detail
        self._path: list[str | int] = list(path)
        self.version: str | None = None
        self.code: str = ""

    def at(self, segment: str | int) -> ValidationError:
        """Prefix the path with ``segment`` (used while the error travels up the payload)."""
        self._path.insert(0, segment)
        return self

    @property
    def path(self) -> str:
        out = ""
        for seg in self._path:
            out += f"[{seg}]" if isinstance(seg, int) else (f".{seg}" if out else seg)
        return out

    @property
    def message(self) -> str:
        where = self.path or "payload"
        return f"{where}: {self.detail}"

    def __str__(self) -> str:
        code = f"{self.code}: " if self.code else ""
        return code + self.message

    def __repr__(self) -> str:
        return f"ValidationError({self.code or self.violation.value!r}, {self.message!r})"
