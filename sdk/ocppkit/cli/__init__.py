"""The ``ocppkit`` command: a reference CSMS, simulated stations, frame validation, spec diff and
a monthly bandwidth report.

Every subcommand lives in a module of this package that defines ``add_parser(subparsers)``; the
parser it adds sets ``run`` (a function of the parsed arguments returning the exit code).

Exit codes, the same for every subcommand:

* ``0``: done, nothing wrong found;
* ``1``: done, and the answer is negative (invalid frames, a budget exceeded, a station that
  failed its sessions);
* ``2``: the command could not do its work (bad arguments, unreadable input, port in use), said
  in one line on standard error, without a traceback;
* ``130``: interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from importlib import import_module

from ocppkit import __version__

__all__ = ["EXIT_FAILED", "EXIT_NEGATIVE", "EXIT_OK", "CliError", "main"]

EXIT_OK = 0
EXIT_NEGATIVE = 1
EXIT_FAILED = 2
EXIT_INTERRUPTED = 130

_COMMANDS = ("serve", "station", "demo", "validate", "diff", "bandwidth")


class CliError(Exception):
    """A failure to report as one line (``ocppkit <command>: error: ...``) and an exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


Run = Callable[[argparse.Namespace], int]


def parser() -> argparse.ArgumentParser:
    """The whole command line (``ocppkit --help``)."""
    top = argparse.ArgumentParser(
        prog="ocppkit",
        description="OCPP 1.6, 2.0.1 and 2.1 from the command line: run a reference CSMS and "
        "simulated stations, validate frames, compare spec folders, budget bandwidth.",
        epilog="Exit codes: 0 ok, 1 negative result (e.g. invalid frames), 2 error, 130 interrupted. "
        "'ocppkit COMMAND --help' describes each command.",
    )
    top.add_argument("--version", action="version", version=f"ocppkit {__version__}")
    sub = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in _COMMANDS:
        import_module(f"ocppkit.cli.{name}").add_parser(sub)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    args = parser().parse_args(argv)
    run: Run = args.run
    try:
        return run(args)
    except CliError as exc:
        print(f"ocppkit {args.command}: error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print(f"ocppkit {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. `ocppkit validate log | head`
        return EXIT_OK


def entry() -> None:
    """The ``ocppkit`` console script."""
    sys.exit(main())
