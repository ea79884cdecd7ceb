"""specs/ holds the OCA files byte for byte, and the project tables agree with the schemas."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

SPECS = Path(__file__).resolve().parent.parent / "specs"


def _sums() -> list[tuple[str, str]]:
    rows = []
    for line in (SPECS / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, path = line.split(maxsplit=1)
        rows.append((digest, path.removeprefix("./")))
    return rows


def test_every_oca_file_is_byte_identical() -> None:
    rows = _sums()
    assert len(rows) == 411
    bad = [p for digest, p in rows if hashlib.sha256((SPECS / p).read_bytes()).hexdigest() != digest]
    assert bad == []


def test_every_schema_file_is_listed() -> None:
    listed = {p for _, p in _sums()}
    on_disk = {p.relative_to(SPECS).as_posix() for p in SPECS.glob("ocpp-*/**/*") if p.is_file()}
    owned = {p for p in on_disk if p.endswith(("actions.csv", "type-names.csv"))}
    assert on_disk - owned == listed


@pytest.mark.parametrize(("folder", "count"), [("ocpp-1.6", 78), ("ocpp-2.0.1", 128), ("ocpp-2.1", 181)])
def test_schema_counts(folder: str, count: int) -> None:
    assert len(list((SPECS / folder).glob("*schemas/*.json"))) == count


def test_licence_and_provenance_are_stated() -> None:
    text = (SPECS / "SOURCE.md").read_text(encoding="utf-8")
    assert "CC BY-ND 4.0" in text or "Attribution-NoDerivatives 4.0" in text
    assert "ee7899b867e9018de992d0266657eac2b7e6915b" in text


def test_action_tables_cite_a_source_for_every_direction() -> None:
    for table in SPECS.glob("ocpp-*/actions.csv"):
        with table.open(encoding="utf-8") as f:
            rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
        assert rows
        assert all(r["source"].strip() for r in rows), table
