"""The typed call API as mypy sees it: response types inferred, wrong directions refused."""

from __future__ import annotations

from pathlib import Path

from mypy import api

SNIPPET = Path(__file__).parent / "typing" / "calls.py"


def test_mypy_knows_responses_and_directions() -> None:
    out, _, _ = api.run(["--strict", "--no-incremental", "--cache-dir=/dev/null", str(SNIPPET)])
    flagged = sorted({int(line.split(":")[1]) for line in out.splitlines() if ": error:" in line})
    lines = SNIPPET.read_text(encoding="utf-8").splitlines()
    expected = [n for n, line in enumerate(lines, start=1) if line.rstrip().endswith("# error")]
    assert len(expected) == 4
    assert flagged == expected, out
