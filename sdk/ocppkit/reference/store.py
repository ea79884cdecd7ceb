"""The reference CSMS's database: SQLite (stdlib), one file, nothing lost across restarts.

Tables: ``stations`` (identity, version, what its last BootNotification said), ``connections``
(each WebSocket session), ``connectors`` (last status), ``transactions`` (start, stop, meter
readings in Wh), ``meter_values`` (every sampled value, numeric where it is a number) and
``traffic`` (frames and bytes each way per station).
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Sample", "Store", "TransactionRow"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS stations (
    identity TEXT PRIMARY KEY,
    version TEXT NOT NULL,
    vendor TEXT, model TEXT, serial_number TEXT, firmware_version TEXT,
    first_seen REAL NOT NULL, last_seen REAL NOT NULL,
    boots INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS connections (
    id INTEGER PRIMARY KEY,
    identity TEXT NOT NULL, version TEXT NOT NULL, remote TEXT,
    connected_at REAL NOT NULL, disconnected_at REAL
);
CREATE TABLE IF NOT EXISTS connectors (
    identity TEXT NOT NULL, evse_id INTEGER NOT NULL, connector_id INTEGER NOT NULL,
    status TEXT NOT NULL, error_code TEXT, updated_at REAL NOT NULL,
    PRIMARY KEY (identity, evse_id, connector_id)
);
CREATE TABLE IF NOT EXISTS transactions (
    id INTEGER PRIMARY KEY,
    identity TEXT NOT NULL, version TEXT NOT NULL,
    transaction_id TEXT NOT NULL,
    evse_id INTEGER, connector_id INTEGER, id_token TEXT,
    started_at TEXT, ended_at TEXT,
    meter_start_wh REAL, meter_stop_wh REAL, stop_reason TEXT,
    UNIQUE (identity, transaction_id)
);
CREATE TABLE IF NOT EXISTS meter_values (
    id INTEGER PRIMARY KEY,
    identity TEXT NOT NULL, transaction_id TEXT,
    evse_id INTEGER, timestamp TEXT NOT NULL,
    measurand TEXT NOT NULL, phase TEXT, unit TEXT, context TEXT,
    value TEXT NOT NULL, number REAL
);
CREATE TABLE IF NOT EXISTS traffic (
    identity TEXT NOT NULL, direction TEXT NOT NULL,
    frames INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (identity, direction)
);
"""


@dataclass(frozen=True, slots=True)
class Sample:
    """One sampled value of a meter reading."""

    timestamp: str
    measurand: str
    value: str
    number: float | None
    phase: str | None = None
    unit: str | None = None
    context: str | None = None


@dataclass(frozen=True, slots=True)
class TransactionRow:
    identity: str
    version: str
    transaction_id: str
    id_token: str | None
    started_at: str | None
    ended_at: str | None
    meter_start_wh: float | None
    meter_stop_wh: float | None
    stop_reason: str | None

    @property
    def energy_wh(self) -> float | None:
        """Energy delivered: the last register reading minus the first."""
        if self.meter_start_wh is None or self.meter_stop_wh is None:
            return None
        return self.meter_stop_wh - self.meter_start_wh


class Store:
    """The reference CSMS's SQLite database (``":memory:"`` for a throw-away one)."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    # -- stations and connections -----------------------------------------------------------

    def connected(self, identity: str, version: str, remote: str | None) -> int:
        now = time.time()
        self._db.execute(
            "INSERT INTO stations (identity, version, first_seen, last_seen) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (identity) DO UPDATE SET version = excluded.version, last_seen = excluded.last_seen",
            (identity, version, now, now),
        )
        cursor = self._db.execute(
            "INSERT INTO connections (identity, version, remote, connected_at) VALUES (?, ?, ?, ?)",
            (identity, version, remote, now),
        )
        return int(cursor.lastrowid or 0)

    def disconnected(self, connection_id: int) -> None:
        self._db.execute(
            "UPDATE connections SET disconnected_at = ? WHERE id = ?", (time.time(), connection_id)
        )

    def booted(
        self,
        identity: str,
        *,
        vendor: str,
        model: str,
        serial_number: str | None,
        firmware_version: str | None,
    ) -> None:
        self._db.execute(
            "UPDATE stations SET vendor = ?, model = ?, serial_number = ?, firmware_version = ?, "
            "boots = boots + 1, last_seen = ? WHERE identity = ?",
            (vendor, model, serial_number, firmware_version, time.time(), identity),
        )

    def seen(self, identity: str) -> None:
        self._db.execute("UPDATE stations SET last_seen = ? WHERE identity = ?", (time.time(), identity))

    def status(self, identity: str, evse_id: int, connector_id: int, status: str, error: str | None) -> None:
        self._db.execute(
            "INSERT INTO connectors VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (identity, evse_id, connector_id) "
            "DO UPDATE SET status = excluded.status, error_code = excluded.error_code, "
            "updated_at = excluded.updated_at",
            (identity, evse_id, connector_id, status, error, time.time()),
        )

    def traffic(self, identity: str, direction: str, size: int) -> None:
        self._db.execute(
            "INSERT INTO traffic VALUES (?, ?, 1, ?) ON CONFLICT (identity, direction) "
            "DO UPDATE SET frames = frames + 1, bytes = bytes + excluded.bytes",
            (identity, direction, size),
        )

    # -- transactions ---------------------------------------------------------------------

    def next_transaction_id(self) -> int:
        """A new integer transaction id (OCPP 1.6: the CSMS assigns them), unique across stations and
        never reused, restarts included."""
        row = self._db.execute(
            "SELECT MAX(CAST(transaction_id AS INTEGER)) FROM transactions WHERE version = '1.6'"
        ).fetchone()
        return int(row[0] or 0) + 1

    def transaction_started(
        self,
        identity: str,
        version: str,
        transaction_id: str,
        *,
        evse_id: int | None,
        connector_id: int | None,
        id_token: str | None,
        started_at: str,
        meter_start_wh: float | None,
    ) -> None:
        self._db.execute(
            "INSERT INTO transactions (identity, version, transaction_id, evse_id, connector_id, id_token, "
            "started_at, meter_start_wh, meter_stop_wh) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (identity, transaction_id) DO UPDATE SET "
            "id_token = COALESCE(transactions.id_token, excluded.id_token)",
            (identity, version, transaction_id, evse_id, connector_id, id_token, started_at,
             meter_start_wh, meter_start_wh),
        )  # fmt: skip

    def transaction_known(self, identity: str, transaction_id: str) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM transactions WHERE identity = ? AND transaction_id = ?", (identity, transaction_id)
        ).fetchone()
        return row is not None

    def transaction_reading(self, identity: str, transaction_id: str, wh: float) -> None:
        """An energy register reading of a transaction: the first is its start, the last its stop."""
        self._db.execute(
            "UPDATE transactions SET meter_start_wh = COALESCE(meter_start_wh, ?), meter_stop_wh = ? "
            "WHERE identity = ? AND transaction_id = ?",
            (wh, wh, identity, transaction_id),
        )

    def transaction_ended(
        self,
        identity: str,
        transaction_id: str,
        *,
        ended_at: str,
        meter_stop_wh: float | None,
        reason: str | None,
    ) -> bool:
        cursor = self._db.execute(
            "UPDATE transactions SET ended_at = ?, meter_stop_wh = COALESCE(?, meter_stop_wh), stop_reason = ? "
            "WHERE identity = ? AND transaction_id = ?",
            (ended_at, meter_stop_wh, reason, identity, transaction_id),
        )
        return cursor.rowcount > 0

    def samples(
        self, identity: str, transaction_id: str | None, evse_id: int | None, samples: list[Sample]
    ) -> None:
        self._db.executemany(
            "INSERT INTO meter_values (identity, transaction_id, evse_id, timestamp, measurand, phase, unit, "
            "context, value, number) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (identity, transaction_id, evse_id, s.timestamp, s.measurand, s.phase, s.unit, s.context,
                 s.value, s.number)
                for s in samples
            ],
        )  # fmt: skip

    # -- reading ----------------------------------------------------------------------------

    def transactions(self, identity: str | None = None) -> list[TransactionRow]:
        query = (
            "SELECT identity, version, transaction_id, id_token, started_at, ended_at, meter_start_wh, "
            "meter_stop_wh, stop_reason FROM transactions"
        )
        args: tuple[str, ...] = ()
        if identity is not None:
            query += " WHERE identity = ?"
            args = (identity,)
        return [TransactionRow(*row) for row in self._db.execute(query + " ORDER BY id", args)]

    def count(self, table: str, identity: str | None = None) -> int:
        if table not in {"stations", "connections", "connectors", "transactions", "meter_values"}:
            raise ValueError(f"no table {table!r}")
        query = f"SELECT COUNT(*) FROM {table}"
        if identity is None:
            return int(self._db.execute(query).fetchone()[0])
        return int(self._db.execute(query + " WHERE identity = ?", (identity,)).fetchone()[0])

    def traffic_of(self, identity: str) -> dict[str, tuple[int, int]]:
        """``{"in": (frames, bytes), "out": (frames, bytes)}`` as seen by the CSMS."""
        rows = self._db.execute(
            "SELECT direction, frames, bytes FROM traffic WHERE identity = ?", (identity,)
        )
        return {direction: (frames, size) for direction, frames, size in rows}
