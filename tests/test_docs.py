"""The documentation site: it builds strictly, every action of every version has its page, and
every code example on it runs.

- The hand-written pages' Python blocks run and print what their ``# `` lines say (as the README
  test does); a block preceded by ``<!-- not run: reason -->`` is a fragment and is skipped.
- The message reference's examples (generated from the IR by ``codegen.site``): each JSON payload
  decodes with ``ocppkit.decode`` and encodes back to the same bytes, and each Python snippet,
  executed, prints exactly that JSON.
- The built site (``docs_site.built_site``, one strict build per session) holds a page for each of
  the 39 + 64 + 91 actions, the enum, type and appendix pages, and the examples as generated.

The browser test of the built site is in ``tests/browser/``.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import ocppkit
from codegen import pipeline, site
from codegen.ir import Problems, Spec

if TYPE_CHECKING:
    from docs_site import BuiltSite

pytest_plugins = ("docs_site",)

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
ACTIONS = {"v16": 39, "v201": 64, "v21": 91}
BLOCK = re.compile(r"(?P<before>[^\n]*)\n```python\n(?P<code>.*?)```", re.S)


@pytest.fixture(scope="module")
def specs() -> list[Spec]:
    problems = Problems()
    parsed = pipeline.specs_of(REPO / "specs", problems)
    assert not problems.errors
    return parsed


def _run(code: str, name: str) -> list[str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, name, "exec"), {"__name__": "__docs__"})
    return out.getvalue().splitlines()


def _hand_written_blocks() -> list[tuple[str, str]]:
    blocks = []
    for md in sorted(DOCS.rglob("*.md")):
        if "_gen" in md.relative_to(DOCS).parts:
            continue
        text = md.read_text(encoding="utf-8")
        for m in BLOCK.finditer(text):
            if not m["before"].startswith("<!-- not run"):
                line = text.count("\n", 0, m.start("code")) + 1
                blocks.append((f"{md.relative_to(REPO)}:{line}", m["code"]))
    return blocks


HAND_WRITTEN = _hand_written_blocks()


@pytest.mark.parametrize(("where", "code"), HAND_WRITTEN, ids=[where for where, _ in HAND_WRITTEN])
def test_hand_written_example(where: str, code: str) -> None:
    expected = [line[2:] for line in code.splitlines() if line.startswith("# ")]
    assert _run(code, where) == expected


def test_every_hand_written_page_has_examples_that_run() -> None:
    pages = {where.split(":")[0] for where, _ in HAND_WRITTEN}
    assert len(pages) >= 10, pages


def test_reference_examples_decode_and_their_python_encodes_to_them(specs: list[Spec]) -> None:
    examples = list(site.examples(specs))
    assert len(examples) == sum(len(s.actions) * 2 for s in specs) - 1  # one SEND: no response
    for ex in examples:
        cls = getattr(getattr(ocppkit, ex.module), ex.class_name)
        decoded = ocppkit.decode(cls, ex.json.encode())
        assert ocppkit.encode(decoded).decode() == ex.json, (ex.version, ex.action, ex.role)
        assert ocppkit.decode(cls, ex.pretty) == decoded
        printed = _run(ex.python, f"{ex.version} {ex.action} {ex.role}")
        assert printed == [ex.json], (ex.version, ex.action, ex.role)
        assert ex.python.splitlines()[-1] == f"# {ex.json}"


def test_reference_examples_are_deterministic(specs: list[Spec]) -> None:
    assert site.pages(specs) == site.pages(specs)


def test_reference_pages(specs: list[Spec]) -> None:
    pages = site.pages(specs)
    for spec in specs:
        messages = [p for p in pages if p.startswith(f"reference/{spec.module}/messages/")]
        assert len(messages) == ACTIONS[spec.module] == len(spec.actions)
        assert {f"reference/{spec.module}/{n}.md" for n in ("index", "enums", "types")} <= set(pages)


def test_site_builds_strictly(built_site: BuiltSite) -> None:
    assert "WARNING" not in built_site.log
    assert (built_site.path / "index.html").is_file()
    assert (built_site.path / "search" / "search_index.json").is_file()
    assert not (built_site.path / "_gen").exists(), "the hooks' sources are not published"


def test_every_action_has_its_page(built_site: BuiltSite, specs: list[Spec]) -> None:
    for spec in specs:
        folder = built_site.path / "reference" / spec.module / "messages"
        pages = sorted(p.parent.name for p in folder.glob("*/index.html"))
        assert len(pages) == ACTIONS[spec.module], spec.version
        assert pages == sorted(a.name for a in spec.actions)
        for name in ("index.html", "enums/index.html", "types/index.html"):
            assert (built_site.path / "reference" / spec.module / name).is_file()
    assert (built_site.path / "reference" / "support-matrix" / "index.html").is_file()


def test_message_page_content(built_site: BuiltSite, specs: list[Spec]) -> None:
    page = (built_site.path / "reference/v201/messages/BootNotification/index.html").read_text(
        encoding="utf-8"
    )
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    for expected in (
        "Charging Station → CSMS",
        "chargingStation",
        "charging_station",
        "ocppkit.v201.CsmsHandlers.on_boot_notification",
        "Wire name",
        "Python attribute",
        "Constraints",
    ):
        assert expected in text, expected
    assert 'href="../../types/#ChargingStationType"' in page
    assert 'href="../../enums/#BootReasonEnumType"' in page
    spec = next(s for s in specs if s.module == "v201")
    action = next(a for a in spec.actions if a.name == "BootNotification")
    request = site.example(spec, action.request)
    assert request.json in text  # the printed output line of the snippet
    for key in ("chargingStation", "vendorName", "PowerUp"):
        assert json.dumps(key) in text


def test_appendix_pages(built_site: BuiltSite) -> None:
    names = [
        "rpc-errors",
        "chargex-codes",
        "charge-point-error-codes",
        "security-events",
        "reason-codes",
        "units-of-measure",
        "open-strings-21",
        "device-model-v201",
        "device-model-v21",
        "glossary-v16",
        "glossary-v201",
        "glossary-v21",
        "crosswalk-messages",
        "crosswalk-concepts",
        "crosswalk-config-keys",
    ]
    for name in names:
        assert (built_site.path / "appendices" / name / "index.html").is_file(), name
    errors = (built_site.path / "appendices/rpc-errors/index.html").read_text(encoding="utf-8")
    assert "FormationViolation" in errors and "OccurrenceConstraintViolation" in errors
    model = (built_site.path / "appendices/device-model-v201/index.html").read_text(encoding="utf-8")
    assert "HeartbeatInterval" in model
