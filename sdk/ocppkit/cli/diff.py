"""`ocppkit diff OLD_SPECS NEW_SPECS`: what changed between two spec folders, before regenerating.

    ocppkit diff specs/ocpp-2.0.1 specs/ocpp-2.1              # Markdown on standard output
    ocppkit diff old/ocpp-2.1 specs/ocpp-2.1 --json -o d.json  # the JSON report, to a file
    ocppkit diff old/ocpp-2.1 specs/ocpp-2.1 --exit-code       # exit 1 when something changed

The work is `ocppkit.specdiff`'s (what is compared, and the JSON report's keys, are described
there). Exit codes: 0 the report was written (with `--exit-code`: and nothing differs), 1 with
`--exit-code` when something differs, 2 a folder cannot be read or the report cannot be written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ocppkit import specdiff
from ocppkit.cli import EXIT_NEGATIVE, EXIT_OK, CliError

__all__ = ["add_parser", "report", "run"]


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Add the `diff` command to `ocppkit`'s subcommands."""
    parser = subparsers.add_parser(
        "diff",
        help="compare two spec folders (schemas and appendix tables)",
        description="Report what changed between two OCPP spec folders: actions, messages, types and "
        "fields added or removed, required-ness, type, constraint and enum changes, and the appendix "
        "tables' rows added, removed or changed. A folder is a version folder (specs/ocpp-2.1: its "
        "*schemas/ and appendices*/ subfolders) or a bare folder of schema files.",
        epilog="Exit codes: 0 report written, 1 with --exit-code when there are differences, 2 error.",
    )
    parser.add_argument("old", metavar="OLD_SPECS", help="the folder compared from")
    parser.add_argument("new", metavar="NEW_SPECS", help="the folder compared to")
    output = parser.add_mutually_exclusive_group()
    output.add_argument(
        "--format",
        choices=("markdown", "json"),
        default="markdown",
        help="the report's format (default: markdown)",
    )
    output.add_argument(
        "--json", dest="format", action="store_const", const="json", help="the same as --format json"
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write the report to FILE instead of standard output"
    )
    parser.add_argument(
        "--exit-code",
        action="store_true",
        help="exit with 1 when there are differences, 0 when there are none (like git diff)",
    )
    parser.set_defaults(run=run)
    return parser


def report(old: str | Path, new: str | Path, fmt: str = "markdown") -> tuple[str, bool]:
    """The report comparing folder `old` with folder `new` in format `fmt` (`markdown` or `json`),
    and whether anything differs; raises `CliError` (exit code 2) when a folder cannot be read."""
    try:
        diff = specdiff.compare(specdiff.load(old), specdiff.load(new))
    except specdiff.SpecDiffError as exc:
        raise CliError(" ".join(str(exc).split())) from None
    text = specdiff.render_json(diff) if fmt == "json" else specdiff.render_markdown(diff)
    return text, diff.differences


def _write(text: str, output: str | None) -> None:
    if output is None or output == "-":
        try:
            sys.stdout.write(text)
        except UnicodeEncodeError:  # a console that cannot show the report's characters
            sys.stdout.flush()
            sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.flush()
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot write {output}: {exc.strerror or exc}") from None


def run(args: argparse.Namespace) -> int:
    """Compare `args.old` with `args.new` and write the report; the exit code."""
    text, differences = report(args.old, args.new, args.format)
    _write(text, args.output)
    return EXIT_NEGATIVE if args.exit_code and differences else EXIT_OK
