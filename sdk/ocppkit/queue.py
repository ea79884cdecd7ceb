"""Transaction-related messages a station must not lose: queued, delivered in order, retried.

OCPP wants a charging station to keep transaction-related messages while it is offline and
deliver them, in order, once it is back (1.6: StartTransaction, StopTransaction and
MeterValues of a transaction; 2.x: TransactionEvent). A message the CSMS fails to process
(CALLERROR) is retried ``attempts`` times in all, waiting ``retry_interval`` times the number of
earlier attempts, then dropped (1.6 TransactionMessageAttempts / TransactionMessageRetryInterval;
2.x MessageAttemptsTransactionEvent / MessageAttemptIntervalTransactionEvent).

[`MemoryQueue`][ocppkit.queue.MemoryQueue] keeps them in memory;
[`SqliteQueue`][ocppkit.queue.SqliteQueue] in a SQLite file, so that a restart of the station
process loses nothing either.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ocppkit.base import Message

__all__ = [
    "MemoryQueue",
    "QueuedMessage",
    "RetryPolicy",
    "SqliteQueue",
    "TransactionQueue",
    "is_transaction_message",
]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 3
    """Transmissions in all, the first included."""
    retry_interval: float = 60.0
    """Seconds; the n-th retry waits n times this."""


@dataclass(frozen=True, slots=True)
class QueuedMessage:
    key: int
    """Order of arrival; unique within a queue."""
    version: str
    action: str
    payload: bytes
    """The validated JSON payload."""
    attempts: int = 0
    """Transmissions the CSMS failed to process so far."""


class TransactionQueue(Protocol):
    """Where transaction-related messages wait for delivery."""

    def push(self, version: str, action: str, payload: bytes) -> QueuedMessage: ...
    def head(self) -> QueuedMessage | None: ...
    def failed(self, key: int) -> QueuedMessage:
        """Count a failed transmission of ``key``; returns the updated entry."""
        ...

    def remove(self, key: int) -> None: ...
    def __len__(self) -> int: ...


def is_transaction_message(message: Message) -> bool:
    """Whether OCPP counts ``message`` as transaction-related (kept and retried)."""
    codec = type(message).__ocppkit_codec__
    if codec.action == "TransactionEvent":
        return True
    if codec.version == "1.6" and codec.action in ("StartTransaction", "StopTransaction"):
        return True
    return (
        codec.version == "1.6"
        and codec.action == "MeterValues"
        and getattr(message, "transaction_id", None) is not None
    )


class MemoryQueue:
    """In memory: survives reconnections, not a restart of the process."""

    def __init__(self) -> None:
        self._items: deque[QueuedMessage] = deque()
        self._next = 1

    def push(self, version: str, action: str, payload: bytes) -> QueuedMessage:
        item = QueuedMessage(self._next, version, action, payload)
        self._next += 1
        self._items.append(item)
        return item

    def head(self) -> QueuedMessage | None:
        return self._items[0] if self._items else None

    def failed(self, key: int) -> QueuedMessage:
        for i, item in enumerate(self._items):
            if item.key == key:
                self._items[i] = QueuedMessage(
                    item.key, item.version, item.action, item.payload, item.attempts + 1
                )
                return self._items[i]
        raise KeyError(key)

    def remove(self, key: int) -> None:
        self._items = deque(item for item in self._items if item.key != key)

    def __len__(self) -> int:
        return len(self._items)


class SqliteQueue:
    """In a SQLite file (stdlib ``sqlite3``): survives a restart of the station process.

    Every change is committed before the call returns (journal in WAL mode, ``synchronous=FULL``).
    """

    def __init__(self, path: str | Path) -> None:
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._lock = threading.Lock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS ocppkit_queue ("
            " key INTEGER PRIMARY KEY AUTOINCREMENT, version TEXT NOT NULL, action TEXT NOT NULL,"
            " payload BLOB NOT NULL, attempts INTEGER NOT NULL DEFAULT 0)"
        )

    def push(self, version: str, action: str, payload: bytes) -> QueuedMessage:
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO ocppkit_queue (version, action, payload) VALUES (?, ?, ?)",
                (version, action, payload),
            )
            key = cursor.lastrowid
        assert key is not None
        return QueuedMessage(key, version, action, payload)

    def head(self) -> QueuedMessage | None:
        with self._lock:
            row = self._db.execute(
                "SELECT key, version, action, payload, attempts FROM ocppkit_queue ORDER BY key LIMIT 1"
            ).fetchone()
        return None if row is None else QueuedMessage(row[0], row[1], row[2], bytes(row[3]), row[4])

    def failed(self, key: int) -> QueuedMessage:
        with self._lock:
            self._db.execute("UPDATE ocppkit_queue SET attempts = attempts + 1 WHERE key = ?", (key,))
            row = self._db.execute(
                "SELECT key, version, action, payload, attempts FROM ocppkit_queue WHERE key = ?", (key,)
            ).fetchone()
        if row is None:
            raise KeyError(key)
        return QueuedMessage(row[0], row[1], row[2], bytes(row[3]), row[4])

    def remove(self, key: int) -> None:
        with self._lock:
            self._db.execute("DELETE FROM ocppkit_queue WHERE key = ?", (key,))

    def __len__(self) -> int:
        with self._lock:
            (count,) = self._db.execute("SELECT COUNT(*) FROM ocppkit_queue").fetchone()
        return int(count)

    def close(self) -> None:
        self._db.close()
