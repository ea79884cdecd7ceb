"""The built documentation site in a real browser: headless Chromium (Debian's ``chromium``
package), driven over the Chrome DevTools Protocol with ``websockets``.

The site (``docs_site.built_site``) is served by ``http.server`` on 127.0.0.1. The test opens a
message page and checks that its tables are rendered (laid out, with the fields in them), that the
site search finds ``BootNotification`` when one types it, and that no request leaves loopback; it
saves screenshots of the page and of the search results in the test's temporary folder. Skipped,
with the reason, where ``chromium`` is not installed.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import dataclasses
import functools
import json
import shutil
import subprocess
import threading
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from websockets.asyncio.client import ClientConnection, connect

from ocppkit import v201

if TYPE_CHECKING:
    from docs_site import BuiltSite

pytest_plugins = ("docs_site",)

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--no-default-browser-check",
    "--mute-audio",
    "--window-size=1280,1000",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
)
TIMEOUT = 30.0
PAGE = "reference/v201/messages/BootNotification/"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """``folder`` over HTTP on 127.0.0.1 (a free port), in a thread; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@contextlib.contextmanager
def chromium(executable: str, profile: Path) -> Iterator[str]:
    """A headless Chromium with a fresh profile; yields the WebSocket URL of its first page."""
    profile.mkdir(parents=True, exist_ok=True)
    port_file = profile / "DevToolsActivePort"  # Chromium writes its DevTools port there
    port_file.unlink(missing_ok=True)
    process = subprocess.Popen(
        [executable, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + TIMEOUT
        while not port_file.exists() or not port_file.read_text().strip():
            if process.poll() is not None or time.monotonic() > deadline:
                err = process.stderr.read().decode(errors="replace") if process.stderr else ""
                raise RuntimeError(f"chromium did not start its DevTools endpoint:\n{err[-3000:]}")
            time.sleep(0.05)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=TIMEOUT) as reply:
            targets = json.load(reply)
        yield next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        if process.stderr is not None:
            process.stderr.close()


class DevTools:
    """Just enough of the Chrome DevTools Protocol: commands, events, and JavaScript values."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.last_id = 0
        self.events: list[dict[str, Any]] = []

    async def _receive(self) -> dict[str, Any]:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(self.ws.recv(), TIMEOUT))
        return message

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        self.last_id += 1
        ident = self.last_id
        await self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = await self._receive()
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            self.events.append(message)

    async def event(self, method: str) -> dict[str, Any]:
        """The first event ``method`` not yet consumed (waiting for it if need be)."""
        while True:
            for i, message in enumerate(self.events):
                if message.get("method") == method:
                    del self.events[i]
                    params: dict[str, Any] = message.get("params", {})
                    return params
            self.events.append(await self._receive())

    async def evaluate(self, expression: str) -> Any:
        result = await self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def wait_for(self, expression: str, what: str) -> Any:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            value = await self.evaluate(expression)
            if value:
                return value
            await asyncio.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}")

    async def open(self, url: str) -> None:
        await self.send("Page.navigate", url=url)
        await self.event("Page.loadEventFired")

    async def screenshot(self, path: Path) -> Path:
        shot = await self.send("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def requested(self) -> list[str]:
        return [
            e["params"]["request"]["url"]
            for e in self.events
            if e.get("method") == "Network.requestWillBeSent"
        ]


@contextlib.asynccontextmanager
async def devtools(url: str) -> AsyncIterator[DevTools]:
    async with connect(url, max_size=64 * 2**20, open_timeout=TIMEOUT) as ws:
        tools = DevTools(ws)
        for domain in ("Page", "Runtime", "Network"):
            await tools.send(f"{domain}.enable")
        yield tools


TABLES = """(() => {
  const tables = [...document.querySelectorAll("article table")];
  const fields = tables.filter(t => t.querySelector("th") && t.querySelector("th").parentElement.textContent.includes("Wire name"));
  return {
    title: document.querySelector("article h1").textContent.trim(),
    fieldTables: fields.length,
    laidOut: fields.every(t => t.getBoundingClientRect().height > 40 && t.getBoundingClientRect().width > 300),
    rows: fields.map(t => t.querySelectorAll("tbody tr").length),
    wire: fields.flatMap(t => [...t.querySelectorAll("tbody tr td:first-child")].map(td => td.textContent.trim())),
    links: [...document.querySelectorAll("article a[href*='types/#'], article a[href*='enums/#']")].length,
    examples: document.querySelectorAll("article .tabbed-set").length,
  };
})()"""

RESULTS = """(() => [...document.querySelectorAll(".md-search-result__item a")].map(a => ({
  href: a.getAttribute("href"), text: a.textContent.trim().slice(0, 200)
})))()"""


async def _browse(site: Path, base: str, ws_url: str, shots: Path) -> dict[str, Any]:
    async with devtools(ws_url) as tools:
        await tools.open(base + PAGE)
        tables = await tools.evaluate(TABLES)
        await tools.screenshot(shots / "message-page.png")

        await tools.evaluate("document.querySelector('.md-search__input').focus()")
        for char in "BootNotification":
            await tools.send("Input.dispatchKeyEvent", type="keyDown", text=char, key=char)
            await tools.send("Input.dispatchKeyEvent", type="keyUp", key=char)
        results = await tools.wait_for(
            f"(() => {{ const r = {RESULTS}; return r.length ? r : null; }})()", "search results"
        )
        await tools.screenshot(shots / "search.png")
        return {"tables": tables, "results": results, "requested": tools.requested()}


@pytest.fixture(scope="session")  # session-scoped, so that it comes before the site's build
def chromium_executable() -> str:
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.skip("chromium is not installed (Debian: apt-get install -y chromium)")
    return executable


@pytest.mark.browser
def test_site_in_chromium(chromium_executable: str, built_site: BuiltSite, tmp_path: Path) -> None:
    executable = chromium_executable  # first: no site build when there is no browser
    profile = tmp_path / "profile"
    with serve(built_site.path) as base, chromium(executable, profile) as ws_url:
        seen = asyncio.run(asyncio.wait_for(_browse(built_site.path, base, ws_url, tmp_path), 4 * TIMEOUT))

    tables = seen["tables"]
    assert tables["title"].startswith("BootNotification")
    assert tables["fieldTables"] == 2, tables  # request and response
    assert tables["laidOut"], tables
    fields = [dataclasses.fields(c) for c in (v201.BootNotificationRequest, v201.BootNotificationResponse)]
    assert tables["rows"] == [len(f) for f in fields], tables  # one row per field
    assert tables["wire"] == [f.metadata["wire"] for f in fields[0] + fields[1]], tables
    assert tables["links"] >= 4, tables
    assert tables["examples"] == 2, tables

    hrefs = [r["href"] for r in seen["results"]]
    assert any("reference/v201/messages/BootNotification/" in h for h in hrefs), seen["results"]
    assert any("reference/v16/messages/BootNotification/" in h for h in hrefs), seen["results"]

    outside = [u for u in seen["requested"] if not u.startswith(base) and not u.startswith("data:")]
    assert not outside, f"the site asked for more than loopback: {outside}"
    for shot in ("message-page.png", "search.png"):
        assert (tmp_path / shot).read_bytes().startswith(b"\x89PNG"), shot
