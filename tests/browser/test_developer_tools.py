"""Developer tools → Actions in Chromium: log a dose in YAML mode and ask for a dashboard.

Typed with the keyboard into the action editor as a person does, performed with the mouse;
the amount is then on the person's total, and the dashboard the action returns names the
person's own entities.
"""

from __future__ import annotations

import asyncio
import json

from .conftest import Instance
from .driver import BROWSER, DevTools

pytestmark = BROWSER

TOTAL = "sensor.demo_oral_magnesium_today"
EDITOR = (
    "window.__deep(document.body, el => el.classList && el.classList.contains('cm-content'))[0]"
)
PERFORM = "window.__withText('ha-progress-button', 'Perform action')"


async def perform(page: DevTools, instance: Instance, yaml: str, answer: str) -> str:
    """Type an action in YAML mode and perform it; the page's text once it shows ``answer``.

    The text comes without white space (the editor shows each token apart).
    """
    await page.view(1024, 900, 1, False, False)
    await page.goto(instance.base + "/developer-tools/action")
    await page.wait_for(f"!!{PERFORM}", "the Perform action button")
    await page.click("window.__withText('ha-button', 'YAML mode')")
    await page.wait_for(f"!!{EDITOR}", "the YAML editor")
    await page.click(EDITOR)
    await page.press("a", "KeyA", 65, modifiers=2)  # Ctrl+A: replace what the editor holds
    await page.send("Input.insertText", text=yaml)
    await asyncio.sleep(0.5)
    await page.click(PERFORM)
    return str(
        await page.wait_for(
            "(() => { const t = window.__text(document.body).replace(/\\s+/g, '');"
            f" return t.includes({json.dumps(answer)}) ? t : null; }})()",
            f"the action's response ({answer})",
        )
    )


async def demo_entry_id(page: DevTools) -> str:
    entries = await page.js(
        "window.__hass().callWS({type: 'config_entries/get', domain: 'magnesium'})"
    )
    return str(next(entry["entry_id"] for entry in entries if entry["title"] == "Demo"))


async def test_log_dose_in_developer_tools(instance: Instance, page: DevTools) -> None:
    await page.goto(instance.base + "/developer-tools/action")
    await page.wait_for(f"!!window.__hass() && !!window.__hass().states['{TOTAL}']", "the states")
    before = await page.state(TOTAL)
    assert before is not None
    entry_id = await demo_entry_id(page)
    text = await perform(
        page,
        instance,
        "action: magnesium.log_dose\n"
        "data:\n"
        f"  config_entry_id: {entry_id}\n"
        "  form: citrate\n"
        "  amount_mg: 120\n",
        "oral_today_mg:",
    )
    expected = float(before["state"]) + 120
    assert f"oral_today_mg:{expected:g}" in text
    await page.wait_for(
        f"Number(window.__hass().states['{TOTAL}'].state) === {expected}",
        f"{expected:g} mg on Demo's total",
    )


async def test_a_dashboard_from_developer_tools(instance: Instance, page: DevTools) -> None:
    await page.goto(instance.base + "/developer-tools/action")
    await page.wait_for("!!window.__hass()", "the page")
    entry_id = await demo_entry_id(page)
    text = await perform(
        page,
        instance,
        f"action: magnesium.dashboard\ndata:\n  config_entry_id: {entry_id}\n",
        "views:",
    )
    # the response is the dashboard, as YAML for the raw configuration editor
    for part in ("title:MagnesiumDemo", "views:", "type:sections"):
        assert part in text, part
