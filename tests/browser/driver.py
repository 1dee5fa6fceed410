"""The browser suite's driver: the development instance, and Chromium over the DevTools protocol.

``development_instance`` starts ``scripts/develop`` on a fresh configuration folder (the demo
entry with a week of data) and stops it with Ctrl-C; ``chromium`` starts the system's Chromium
(nothing is downloaded) in the instance's time zone and yields a ``DevTools`` page, driven over
the DevTools protocol through a websocket (aiohttp), with the mouse, the keyboard and touch
as a person would.

The tests are marked ``browser``: left out of the normal runs (see pyproject.toml), run once by
scripts/test with ``-m browser``. They skip when there is no Chromium or no development
environment, except with MAGNESIUM_BROWSER_REQUIRED=1 (scripts/test), where that is a failure.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
import itertools
import json
import os
from pathlib import Path
import re
import shutil
import signal
import socket
import subprocess
import time
from typing import Any

import aiohttp
import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
SCREENSHOTS = ROOT / "docs" / "screenshots"
BRAND = ROOT / "custom_components" / "magnesium" / "brand"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DEVELOP_VENV = ROOT / ".venv-develop" / "bin" / "python"
DASHBOARD = "/dashboard-magnesium/today"
START_LIMIT = 60  # seconds from scripts/develop to an answering, set-up instance
SIZES = {"phone": (390, 844, 2, True), "tablet": (1024, 768, 1, False)}
# The browser is where the person is: in the instance's time zone (the calendar card shows its
# events in the browser's).
TIME_ZONE = re.search(
    r"^\s*time_zone:\s*(\S+)", (ROOT / "config" / "configuration.yaml").read_text(), re.M
)

# scripts/test sets MAGNESIUM_BROWSER_REQUIRED=1: there a missing browser fails instead of skipping.
REQUIRED = os.environ.get("MAGNESIUM_BROWSER_REQUIRED") == "1"
BROWSER = [
    pytest.mark.browser,
    pytest.mark.skipif(not REQUIRED and CHROMIUM is None, reason="no chromium installed"),
    pytest.mark.skipif(
        not REQUIRED and not DEVELOP_VENV.exists(),
        reason="no development environment (scripts/setup --develop)",
    ),
]

# Text of a node and all shadow roots below it, as rendered (no scripts or styles).
JS_HELPERS = """
window.__deep = (root, test) => {
  const found = [];
  const walk = (node) => {
    if (node.nodeType === 1 && test(node)) found.push(node);
    if (node.shadowRoot) walk(node.shadowRoot);
    for (const child of node.children || []) walk(child);
  };
  walk(root);
  return found;
};
window.__text = (root) => {
  let out = "";
  const walk = (node) => {
    if (node.nodeType === 3) { out += node.textContent + " "; return; }
    if (node.nodeType === 1 && ["SCRIPT", "STYLE"].includes(node.tagName)) return;
    if (node.shadowRoot) walk(node.shadowRoot);
    for (const child of node.childNodes) walk(child);
  };
  walk(root);
  return out.replace(/\\s+/g, " ");
};
// The element of a tag whose own rendered text includes a text (innermost first).
window.__withText = (tag, text, root) => window.__deep(root || document.body, (el) =>
  el.tagName === tag.toUpperCase() && window.__text(el).includes(text)).reverse()[0];
// The open dialog of a flow (config, options, subentry), or undefined (a closed one renders
// nothing).
window.__dialog = () => window.__deep(document.body, (el) =>
  el.tagName === "DIALOG-DATA-ENTRY-FLOW" && el.shadowRoot
  && el.shadowRoot.querySelector("ha-dialog, ha-md-dialog, ha-wa-dialog"))[0];
window.__hass = () => document.querySelector("home-assistant").hass;
window.__card = (entity) => window.__deep(document.body, (el) =>
  el.tagName === "HUI-TILE-CARD" && el._config && el._config.entity === entity)[0];
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class DevTools:
    """A page of Chromium, driven over the DevTools protocol."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.ids = itertools.count(1)
        self.pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.session: str | None = None
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        async for message in self.ws:
            data = json.loads(message.data)
            if (future := self.pending.pop(data.get("id", -1), None)) is not None:
                future.set_result(data)

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        message_id = next(self.ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.pending[message_id] = future
        message: dict[str, Any] = {"id": message_id, "method": method, "params": params}
        if self.session and not method.startswith("Target."):
            message["sessionId"] = self.session
        await self.ws.send_str(json.dumps(message))
        reply = await asyncio.wait_for(future, 30)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return dict(reply.get("result", {}))

    async def open_page(self) -> None:
        target = await self.send("Target.createTarget", url="about:blank")
        attached = await self.send(
            "Target.attachToTarget", targetId=target["targetId"], flatten=True
        )
        self.session = attached["sessionId"]
        await self.send("Page.enable")
        await self.send("Runtime.enable")
        await self.send("Page.addScriptToEvaluateOnNewDocument", source=JS_HELPERS)
        if TIME_ZONE:
            await self.send("Emulation.setTimezoneOverride", timezoneId=TIME_ZONE[1])

    async def js(self, expression: str) -> Any:
        result = await self.send(
            "Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def wait_for(self, expression: str, what: str, seconds: float = 30) -> Any:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with suppress(RuntimeError):
                if value := await self.js(expression):
                    return value
            await asyncio.sleep(0.25)
        if shots := os.environ.get("MAGNESIUM_BROWSER_SHOTS"):  # what the page looked like
            await self.screenshot(Path(shots) / f"timeout-{int(time.time())}.png")
        text = await self.js("window.__text ? window.__text(document.body) : ''")
        raise AssertionError(f"timed out waiting for {what}; the page shows: {text[:1500]}")

    async def view(self, width: int, height: int, scale: int, mobile: bool, dark: bool) -> None:
        await self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=scale,
            mobile=mobile,
        )
        await self.send("Emulation.setTouchEmulationEnabled", enabled=mobile, maxTouchPoints=5)
        await self.send(
            "Emulation.setEmulatedMedia",
            features=[
                {"name": "prefers-color-scheme", "value": "dark" if dark else "light"},
                {"name": "prefers-reduced-motion", "value": "reduce"},
            ],
        )

    async def goto(self, url: str) -> None:
        await self.send("Page.navigate", url=url)

    async def click(self, expression: str) -> None:
        """Click the middle of an element, with the mouse, as a person would."""
        box = await self.js(
            f"(() => {{ const el = {expression}; el.scrollIntoView({{block: 'center'}});"
            " const r = el.getBoundingClientRect();"
            " return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()"
        )
        for kind in ("mousePressed", "mouseReleased"):
            await self.send(
                "Input.dispatchMouseEvent",
                type=kind,
                x=box["x"],
                y=box["y"],
                button="left",
                clickCount=1,
            )

    async def text(self, expression: str = "document.body") -> str:
        """The rendered text of an element (through shadow roots)."""
        return str(await self.js(f"window.__text({expression})"))

    async def state(self, entity_id: str) -> dict[str, Any] | None:
        """An entity's state as the page has it."""
        state = await self.js(f"window.__hass().states[{json.dumps(entity_id)}]")
        return dict(state) if state else None

    async def type(self, expression: str, text: str) -> None:
        """Click into an input field and type, as with a keyboard (replacing what it holds)."""
        await self.click(expression)
        await self.js(f"(() => {{ const el = {expression}; el.select && el.select(); }})()")
        await self.send("Input.insertText", text=text)

    async def press(self, key: str, code: str, key_code: int, modifiers: int = 0) -> None:
        """Press and release one key in the focused element (modifiers: 2 Ctrl, 8 Shift)."""
        for kind in ("rawKeyDown", "keyUp"):
            await self.send(
                "Input.dispatchKeyEvent",
                type=kind,
                key=key,
                code=code,
                windowsVirtualKeyCode=key_code,
                modifiers=modifiers,
            )

    async def swipe(self, expression: str, distance: float) -> None:
        """Move a finger up from the middle of an element by ``distance`` pixels (down if < 0)."""
        box = await self.js(
            f"(() => {{ const r = ({expression}).getBoundingClientRect();"
            " return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()"
        )
        x, y = box["x"], box["y"]
        steps = 10
        await self.send(
            "Input.dispatchTouchEvent", type="touchStart", touchPoints=[{"x": x, "y": y}]
        )
        for step in range(1, steps + 1):
            point = {"x": x, "y": y - distance * step / steps}
            await self.send("Input.dispatchTouchEvent", type="touchMove", touchPoints=[point])
            await asyncio.sleep(0.016)
        await self.send("Input.dispatchTouchEvent", type="touchEnd", touchPoints=[])

    async def screenshot(self, path: Path, clip: dict[str, float] | None = None) -> None:
        options: dict[str, Any] = {"clip": clip} if clip else {}
        shot = await self.send("Page.captureScreenshot", format="png", **options)
        await asyncio.to_thread(path.write_bytes, base64.b64decode(shot["data"]))


def _ctrl_c_as_in_a_terminal() -> None:
    """Let SIGINT reach the script, also where this test was started with it ignored.

    A process started in the background by a non-interactive shell (as CI runners do) has
    SIGINT ignored, and a shell cannot trap a signal that was ignored when it started.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@contextmanager
def development_instance(config: Path, port: int) -> Iterator[float]:
    """scripts/develop on a fresh folder; yields seconds to ready; stops it with Ctrl-C."""
    log = (config.parent / "develop.log").open("w")
    started = time.monotonic()
    process = subprocess.Popen(
        [str(ROOT / "scripts" / "develop"), "--config", str(config), "--port", str(port)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=_ctrl_c_as_in_a_terminal,  # noqa: PLW1509 - no threads started yet
    )
    try:
        ready = None
        while time.monotonic() - started < START_LIMIT + 30:
            if process.poll() is not None:
                raise AssertionError(f"scripts/develop ended: {_tail(config)}")
            if "Ctrl-C stops it" in (config.parent / "develop.log").read_text():
                ready = time.monotonic() - started
                break
            time.sleep(0.2)
        assert ready is not None, f"not ready: {_tail(config)}"
        yield ready
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl-C
        try:
            code = process.wait(60)
        except subprocess.TimeoutExpired:
            process.terminate()  # the script stops Home Assistant on SIGTERM too
            process.wait(60)
            raise
        finally:
            log.close()
    assert code == 0, _tail(config)  # Home Assistant stopped cleanly
    assert "Home Assistant stopped (0)" in (config.parent / "develop.log").read_text()


def _tail(config: Path) -> str:
    return (config.parent / "develop.log").read_text()[-3000:]


@asynccontextmanager
async def chromium(profile: Path) -> AsyncIterator[DevTools]:
    process = await asyncio.create_subprocess_exec(
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--remote-debugging-port=0",
        f"--user-data-dir={profile}",
        "about:blank",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        active = profile / "DevToolsActivePort"
        for _ in range(200):
            if active.exists() and len(active.read_text().splitlines()) == 2:
                break
            await asyncio.sleep(0.1)
        port, path = active.read_text().splitlines()
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(f"ws://127.0.0.1:{port}{path}", max_msg_size=0) as ws,
        ):
            tools = DevTools(ws)
            await tools.open_page()
            try:
                yield tools
            finally:
                tools.reader.cancel()
                with suppress(asyncio.CancelledError):
                    await tools.reader
    finally:
        process.terminate()
        await process.wait()
