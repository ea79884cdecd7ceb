"""``python -m codegen generate [--check]``: regenerate ``generated/`` from ``specs/``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from codegen.pipeline import build, check, write

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m codegen", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="render generated/ from specs/")
    gen.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 listing stale, missing and extra files"
    )
    gen.add_argument(
        "--specs", type=Path, default=ROOT / "specs", help="the specs folder (default: %(default)s)"
    )
    gen.add_argument(
        "--out", type=Path, default=ROOT / "generated", help="the output folder (default: %(default)s)"
    )
    gen.add_argument(
        "--allow-warnings", action="store_true", help="do not fail on generator warnings (errors always fail)"
    )
    args = parser.parse_args(argv)

    files, problems = build(args.specs, args.out)
    for problem in problems.items:
        print(problem, file=sys.stderr)
    if problems.errors or (problems.items and not args.allow_warnings):
        print(f"codegen: {len(problems.items)} problem(s); nothing written", file=sys.stderr)
        return 2
    if args.check:
        stale = check(files, args.out)
        for line in stale:
            print(line)
        if stale:
            print(
                f"codegen: generated/ is not current ({len(stale)} file(s)); run `python -m codegen generate`"
            )
            return 1
        print(f"codegen: generated/ is current ({len(files)} files)")
        return 0
    changed = write(files, args.out)
    print(f"codegen: wrote {len(files)} files to {args.out} ({changed} changed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
