"""What the subcommands share: version names, logging, running a coroutine with clean exits."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

from ocppkit.cli import CliError
from ocppkit.framecheck import ocpp_version

T = TypeVar("T")


def version_arg(text: str) -> str:
    """``--ocpp`` values: ``1.6``, ``2.0.1``, ``2.1`` (``ocpp1.6`` style too)."""
    try:
        return ocpp_version(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def positive(kind: type[int] | type[float]) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive: {text!r}")
        return value

    return parse


def setup_logging(verbose: int, quiet: bool = False) -> None:
    """A live log on standard error: time, what happened. ``-v``: every frame too."""
    level = logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s.%(msecs)03d %(message)s", datefmt="%H:%M:%S"))
    root = logging.getLogger("ocppkit")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False
    logging.getLogger("websockets").setLevel(logging.WARNING if verbose < 2 else logging.DEBUG)


def run_until_signal(main: Callable[[asyncio.Event], Awaitable[T]]) -> T:
    """Run ``main(stop)``; SIGINT and SIGTERM set ``stop`` (a clean shutdown, not a traceback)."""

    async def runner() -> T:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):  # Windows: Ctrl-C raises instead
                loop.add_signal_handler(sig, stop.set)
        return await main(stop)

    try:
        return asyncio.run(runner())
    except OSError as exc:  # e.g. the port is in use
        raise CliError(str(exc.strerror or exc)) from None
