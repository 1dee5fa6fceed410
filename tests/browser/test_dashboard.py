"""The dashboard as a person sees it, in Chromium: screenshots, a button, the calendar, a phone.

Saves the screenshots of docs/screenshots/ (light and dark, phone and tablet width), presses
*Evening dose* with the mouse and waits for the new total, reads the calendar's texts (taken
and planned doses apart, units in the plural), swipes over the calendar at phone width (the
page must scroll, not the calendar's list), and checks the integrations page's icon.
"""

from __future__ import annotations

import asyncio
import hashlib
import json

import pytest

from .conftest import Instance
from .driver import (
    BRAND,
    BROWSER,
    DASHBOARD,
    SCREENSHOTS,
    SIZES,
    START_LIMIT,
    DevTools,
)

pytestmark = BROWSER

TOTAL = "sensor.demo_oral_magnesium_today"
EVENING_BUTTON = "button.demo_log_evening_dose"
CALENDAR = (
    "window.__deep(document.body, el => el.tagName === 'HA-FULL-CALENDAR'"
    " && el.getBoundingClientRect().height > 0)[0]"
)


async def show_dashboard(page: DevTools, base: str, size: str, dark: bool) -> None:
    width, height, scale, mobile = SIZES[size]
    await page.view(width, height, scale, mobile, dark)
    await page.goto(base + DASHBOARD)
    await page.wait_for(
        "window.__text && window.__text(document.body).includes('Oral magnesium per day')"
        " && window.__card('sensor.demo_oral_magnesium_today')"
        " && window.__deep(document.body, el => el.tagName === 'HA-GAUGE').length > 0"
        " && window.__deep(document.body, el => el.tagName === 'CANVAS'"
        "    || (el.tagName === 'svg' && el.closest && el.getBoundingClientRect().height > 100))"
        "    .length > 0",
        f"the dashboard ({size}, {'dark' if dark else 'light'})",
    )


async def fit_height(page: DevTools, size: str, dark: bool) -> None:
    """Make the window as tall as the dashboard, so that a screenshot shows all of it."""
    width, _height, scale, mobile = SIZES[size]
    height = 0
    for _ in range(5):
        bottom = await page.js(
            "Math.ceil(Math.max(...window.__deep(document.body, el => el.tagName === 'HA-CARD')"
            ".map(el => el.getBoundingClientRect().bottom + window.scrollY)))"
        )
        if bottom + 16 == height:
            return
        height = int(bottom) + 16
        await page.view(width, height, scale, mobile, dark)
        await asyncio.sleep(0.5)


async def test_screenshots_and_the_evening_button(instance: Instance, page: DevTools) -> None:
    assert instance.ready < START_LIMIT, f"scripts/develop took {instance.ready:.1f} s"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # screenshots: light and dark, phone and tablet width, the whole dashboard
    for dark in (False, True):
        for size in ("phone", "tablet"):
            await show_dashboard(page, instance.base, size, dark)
            await fit_height(page, size, dark)
            await asyncio.sleep(1.5)  # the chart and the gauge settle
            theme = "dark" if dark else "light"
            await page.screenshot(SCREENSHOTS / f"dashboard-{theme}-{size}.png")

    # a person presses "Evening dose": the page shows the new total
    await show_dashboard(page, instance.base, "tablet", False)
    before = await page.state(TOTAL)
    due = await page.state("binary_sensor.demo_evening_dose_due")
    planned = await page.state("number.demo_evening_dose_amount")
    assert before is not None
    assert due is not None
    assert planned is not None
    amount = float(due["attributes"].get("amount_mg", planned["state"]))
    total = float(before["state"]) + amount
    shown = f"{total:,.0f} mg"
    card = f"window.__card('{TOTAL}')"
    assert shown not in await page.text(card)
    await page.click(f"window.__card('{EVENING_BUTTON}')")
    await page.wait_for(
        f"window.__text({card}).includes('{shown}')", f"the new total {shown} on the page"
    )
    state = await page.state(TOTAL)
    assert state is not None
    assert float(state["state"]) == total

    # the calendar tells the dose just taken from the planned ones, in words
    text = await page.wait_for(
        f"(() => {{ const t = window.__text({CALENDAR}); "
        "return t.includes('Taken:') && t.includes('Planned:') ? t : null; })()",
        "taken and planned doses on the calendar",
    )
    assert "(s)" not in text
    assert "capsules of Doctor's Best glycinate" in text


@pytest.mark.parametrize("dark", [False])
async def test_the_page_scrolls_past_the_calendar_on_a_phone(
    instance: Instance, page: DevTools, dark: bool
) -> None:
    """Four swipes over the calendar move the page, as everywhere else on it."""
    await show_dashboard(page, instance.base, "phone", dark)
    await page.wait_for(f"!!{CALENDAR}", "the calendar card")
    # a swipe over another card scrolls the page
    gauge = "window.__deep(document.body, el => el.tagName === 'HA-GAUGE')[0]"
    top = await page.js(f"({gauge}).getBoundingClientRect().top")
    await page.swipe(gauge, 150)
    await asyncio.sleep(0.3)
    moved = top - await page.js(f"({gauge}).getBoundingClientRect().top")
    assert moved > 50, f"the page moved {moved:.0f} px under a swipe over the gauge"
    # the calendar in the middle of the screen, the rest of the page below it
    await page.js(f"({CALENDAR}).scrollIntoView({{block: 'center'}})")
    await asyncio.sleep(1)
    top = await page.js(f"({CALENDAR}).getBoundingClientRect().top")
    # how far the page can still scroll: until the last card's bottom is on the screen
    room = await page.js(
        "Math.max(...window.__deep(document.body, el => el.tagName === 'HA-CARD')"
        ".map(el => el.getBoundingClientRect().bottom)) - window.innerHeight"
    )
    assert room > 200, f"only {room:.0f} px of page below the calendar"
    for _ in range(4):
        await page.swipe(CALENDAR, 150)
        await asyncio.sleep(0.3)
    moved = top - await page.js(f"({CALENDAR}).getBoundingClientRect().top")
    # the swipes scroll the page (the card goes up with it) to its end, not a list in the card
    assert moved >= room - 20, (
        f"the page moved {moved:.0f} of {room:.0f} px under four swipes over the calendar"
    )


async def test_the_integrations_page_shows_our_icon(instance: Instance, page: DevTools) -> None:
    await page.view(1024, 700, 1, False, False)
    await page.goto(instance.base + "/config/integrations/dashboard")
    src = await page.wait_for(
        "(() => { const img = window.__deep(document.body, el => el.tagName === 'IMG'"
        " && el.src.includes('/api/brands/integration/magnesium/'))[0];"
        " return img && img.complete && img.naturalWidth > 0 ? img.src : null; })()",
        "the magnesium icon on the integrations page",
    )
    digest = await page.js(
        f"fetch({json.dumps(src)}).then(r => r.arrayBuffer())"
        ".then(b => crypto.subtle.digest('SHA-256', b)).then(h =>"
        " Array.from(new Uint8Array(h)).map(x => x.toString(16).padStart(2, '0')).join(''))"
    )
    ours = {
        hashlib.sha256(path.read_bytes()).hexdigest(): path.name for path in BRAND.glob("*.png")
    }
    assert digest in ours, f"{src} is not one of our brand images"
    assert ours[digest].removeprefix("dark_").startswith("icon")
    # the card counts the persons' and products' devices, not "services"
    card = (
        "window.__deep(document.body, el => el.tagName === 'HA-INTEGRATION-CARD'"
        " && window.__text(el).includes('Magnesium'))[0]"
    )
    text = await page.wait_for(
        f"(() => {{ const t = window.__text({card}); return /device/.test(t) ? t : null; }})()",
        "the devices on the magnesium card",
    )
    assert "service" not in text
    await asyncio.sleep(0.5)
    clip = await page.js(
        f"(() => {{ const r = ({card}).getBoundingClientRect();"
        " return {x: r.left - 8, y: r.top - 8, width: r.width + 16, height: r.height + 16,"
        " scale: 1}; })()"
    )
    await page.screenshot(SCREENSHOTS / "integrations-icon.png", clip=clip)
