"""The dialogs of the integration page in Chromium, clicked and typed as a person does.

Adds a person ("Add person", named so on the page), tries to add one for the person who
already has a log (the error belongs on the Person field), opens *Configure* (its title names
the person) and submits it unchanged and after one change, and adds a product and a medicine
to the new person (their titles name the person).
"""

from __future__ import annotations

import asyncio
import json

import pytest

from .conftest import Instance
from .driver import BROWSER, DevTools

pytestmark = BROWSER

PAGE = "/config/integrations/integration/magnesium"
DIALOG = "window.__dialog()"
# a field of the open flow's form, by its name in the schema
FIELD = (
    "window.__deep(window.__dialog(), el => el.schema && el.schema.name === {name!r}"
    " && el.tagName !== 'HA-FORM')[0]"
)
INPUT = "window.__deep({field}, el => ['INPUT', 'TEXTAREA'].includes(el.tagName))[0]"
FORM = "window.__deep(window.__dialog(), el => el.tagName === 'HA-FORM')[0]"
# ui-flows: the settings dialog and the person check are being reworked in config_flow.py


def field(name: str) -> str:
    return FIELD.format(name=name)


def field_input(name: str) -> str:
    return INPUT.format(field=field(name))


async def open_page(page: DevTools, instance: Instance) -> None:
    await page.view(1024, 900, 1, False, False)
    await page.goto(instance.base + PAGE)
    await page.wait_for(
        "!!window.__withText('ha-button', 'Add person')", "the Add person button on the page"
    )


async def dialog_title(page: DevTools, title: str) -> str:
    """Wait for a flow dialog whose text holds ``title``; its whole text."""
    return str(
        await page.wait_for(
            f"(() => {{ const d = {DIALOG}; const t = d && window.__text(d);"
            f" return t && t.includes({json.dumps(title)}) ? t : null; }})()",
            f"the dialog {title!r}",
        )
    )


async def fill(page: DevTools, name: str, text: str) -> None:
    """Type into a field of the form, as with a keyboard."""
    await page.wait_for(f"!!{field_input(name)}", f"the field {name}")
    await page.type(field_input(name), text)
    await asyncio.sleep(0.3)  # the form takes the value


async def submit(page: DevTools) -> None:
    await page.click(f"window.__withText('ha-button', 'Submit', {DIALOG})")
    await asyncio.sleep(0.5)


FINISH = (
    f"window.__deep({DIALOG}, el => el.tagName === 'HA-BUTTON'"
    " && /^(Finish|Skip and finish|Close|OK)$/i.test(window.__text(el).trim()))[0]"
)


async def finished(page: DevTools) -> None:
    """Wait for the flow to end: the dialog closes, or shows its last step, which is closed."""
    state = await page.wait_for(
        f"!{DIALOG} ? 'closed' : ({FINISH} ? 'last step' : null)", "the end of the flow"
    )
    if state != "closed":
        await page.click(FINISH)
        await page.wait_for(f"!{DIALOG}", "the dialog to close")


ITEM_TAGS = (
    "['HA-COMBO-BOX-ITEM', 'MWC-LIST-ITEM', 'HA-LIST-ITEM', 'HA-MD-LIST-ITEM',"
    " 'HA-MD-SELECT-OPTION', 'MD-SELECT-OPTION', 'HA-DROPDOWN-ITEM', 'HA-MD-MENU-ITEM']"
)


def list_item(text: str) -> str:
    return (
        f"window.__deep(document.body, el => {ITEM_TAGS}.includes(el.tagName)"
        f" && window.__text(el).includes({json.dumps(text)}))[0]"
    )


async def pick(page: DevTools, name: str, text: str) -> None:
    """Open a field's picker and click the item, as with the mouse."""
    await page.click(field(name))
    await asyncio.sleep(0.5)
    await page.wait_for(f"!!{list_item(text)}", f"{text} in the picker of {name}")
    await page.click(list_item(text))
    await asyncio.sleep(0.5)


async def test_add_a_person(instance: Instance, page: DevTools) -> None:
    await open_page(page, instance)
    assert not await page.js("!!window.__withText('ha-button', 'Add service')")
    await page.click("window.__withText('ha-button', 'Add person')")
    await dialog_title(page, "Add a person")
    await fill(page, "name", "Alex")
    await submit(page)
    await finished(page)
    await page.wait_for("!!window.__hass().states['sensor.alex_oral_magnesium_today']", "Alex")


async def test_a_person_who_has_a_log_is_not_offered(instance: Instance, page: DevTools) -> None:
    """Demo already has a log: the Person picker does not offer Demo (nothing typed is lost)."""
    await open_page(page, instance)
    await page.click("window.__withText('ha-button', 'Add person')")
    await dialog_title(page, "Add a person")
    await fill(page, "name", "Demo again")
    await page.click(field("person"))
    await asyncio.sleep(2)
    assert not await page.js(f"!!{list_item('Demo')}"), "Demo is offered"
    assert await page.js(f"!!{FORM}"), f"the form was thrown away: {await page.text(DIALOG)}"


def entry_row(title: str) -> str:
    return (
        "window.__deep(document.body, el => el.tagName === 'HA-CONFIG-ENTRY-ROW'"
        f" && window.__text(el).trim().startsWith({json.dumps(title + ' ')}))[0]"
    )


async def configure(page: DevTools, instance: Instance, title: str) -> str:
    """Open Configure on a person's entry; the dialog's text."""
    await open_page(page, instance)
    button = (
        f"window.__deep({entry_row(title)}, el => el.tagName === 'HA-ICON-BUTTON'"
        " && el.label === 'Configure')[0]"
    )
    await page.wait_for(f"!!{button}", f"Configure on {title}")
    await page.click(button)
    return await dialog_title(page, f"Magnesium settings for {title}")


async def test_configure_unchanged_and_after_one_change(instance: Instance, page: DevTools) -> None:
    await configure(page, instance, "Demo")
    await submit(page)
    await finished(page)  # saved as it was

    await configure(page, instance, "Demo")
    await fill(page, "daily_target", "250")
    await submit(page)
    await finished(page)
    await asyncio.sleep(3)
    target = await page.js("window.__hass().states['sensor.demo_daily_target']")
    assert float(target["state"]) == 250, target["state"]  # the new target, saved


async def add_to(page: DevTools, instance: Instance, button: str, person: str) -> None:
    """Press "Add product" or "Add medicine" on the page and choose whose."""
    await open_page(page, instance)
    await page.click(f"window.__withText('ha-button', {json.dumps(button)})")
    choice = (
        "window.__deep(document.body, el => ['HA-LIST-ITEM', 'HA-MD-LIST-ITEM', 'MWC-LIST-ITEM',"
        " 'HA-CLICKABLE-LIST-ITEM', 'HA-LIST-ITEM-BUTTON'].includes(el.tagName)"
        f" && window.__text(el).trim() === {json.dumps(person)})[0]"
    )
    chosen = await page.wait_for(
        f"!!{choice} || ({DIALOG} && window.__text({DIALOG}).includes({json.dumps(person)}))",
        f"{person} to choose",
    )
    if chosen and await page.js(f"!!{choice}"):
        await page.click(choice)


@pytest.mark.xfail(
    reason="picking the medicine in the frontend's list is not reliable yet (the dialog closes)",
    strict=False,
)
async def test_add_a_product_and_a_medicine(instance: Instance, page: DevTools) -> None:
    await add_to(page, instance, "Add product", "Alex")
    await dialog_title(page, "Add a product for Alex")
    await fill(page, "name", "Night glycinate")
    await fill(page, "stock", "30")
    await submit(page)
    await finished(page)
    stock = await page.wait_for(
        "Object.values(window.__hass().states).find(s => s.entity_id.startsWith('sensor.')"
        " && s.entity_id.endsWith('_stock')"
        " && (s.attributes.friendly_name || '').startsWith('Night glycinate'))",
        "the new product's stock",
    )
    assert stock["state"] == "30"

    await add_to(page, instance, "Add medicine", "Alex")
    await dialog_title(page, "A medicine of Alex to keep apart from magnesium")
    await pick(page, "medicine", "Gabapentin")
    await fill(page, "times", "08:00")
    await submit(page)
    await finished(page)
    await open_page(page, instance)
    await page.wait_for("window.__text(document.body).includes('(08:00)')", "the medicine")
