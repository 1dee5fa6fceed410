"""Who may change a log, and many changes at once."""

from __future__ import annotations

import asyncio
from typing import Any

from homeassistant.auth.models import User
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import Unauthorized
from homeassistant.helpers import intent
import pytest

from custom_components.magnesium.const import DOMAIN

from .conftest import call, sensor_state, setup_entry
from .test_voice import ask, assist  # noqa: F401 - the fixture


def _entry_id(hass: HomeAssistant, title: str) -> str:
    return next(
        entry.entry_id
        for entry in hass.config_entries.async_entries(DOMAIN)
        if entry.title == title
    )


async def _remove(hass: HomeAssistant, service: str, user: User | None, **data: Any) -> None:
    await hass.services.async_call(
        DOMAIN,
        service,
        data,
        blocking=True,
        context=Context(user_id=user.id if user else None),
    )


@pytest.mark.usefixtures("time_zone")
async def test_only_admins_or_the_person_remove_records(
    hass: HomeAssistant, hass_admin_user: User, hass_read_only_user: User
) -> None:
    await setup_entry(hass, title="Alex", person="person.alex")
    alex = _entry_id(hass, "Alex")
    first = await call(hass, "log_dose", form="glycinate", amount_mg=100)
    await call(hass, "log_dose", form="glycinate", amount_mg=50)
    # a user who is not an admin and not Alex: refused, nothing removed
    for service, data in (("undo", {}), ("delete_record", {"record_id": first["record_id"]})):
        with pytest.raises(Unauthorized):
            await _remove(hass, service, hass_read_only_user, config_entry_id=alex, **data)
    assert sensor_state(hass, "oral_magnesium_today") == "150.0"
    # the user linked to Alex's person may
    hass.states.async_set("person.alex", "home", {"user_id": hass_read_only_user.id})
    await _remove(hass, "undo", hass_read_only_user, config_entry_id=alex)
    assert sensor_state(hass, "oral_magnesium_today") == "100.0"
    # so may an admin, and Home Assistant itself (an automation: no user)
    await _remove(hass, "delete_record", hass_admin_user, record_id=first["record_id"])
    assert sensor_state(hass, "oral_magnesium_today") == "0.0"
    await call(hass, "log_dose", form="glycinate", amount_mg=30)
    await _remove(hass, "undo", None)
    assert sensor_state(hass, "oral_magnesium_today") == "0.0"


@pytest.mark.usefixtures("assist")
async def test_voice_changes_only_the_speakers_own_log(
    hass: HomeAssistant, hass_admin_user: User, hass_read_only_user: User
) -> None:
    await setup_entry(hass, title="Alex", person="person.alex")
    await setup_entry(hass, title="Sam", person="person.sam")
    hass.states.async_set("person.sam", "home", {"user_id": hass_read_only_user.id})
    sam = Context(user_id=hass_read_only_user.id)
    assert await ask(hass, "I took 50 mg of magnesium glycinate", context=sam) == (
        "Logged 50 milligrams of glycinate. That makes 50 today, 300 left."
    )
    # naming someone else: Sam may ask, not act
    assert (await ask(hass, "How much magnesium has Alex taken today?", context=sam)).startswith(
        "Alex has not taken any magnesium today"
    )
    for intent_type, slots in (
        ("MagnesiumLogDose", {"amount": "100", "form": "malate"}),
        ("MagnesiumLogBath", {}),
        ("MagnesiumUndo", {}),
        ("MagnesiumLogPlanned", {"slot": "evening"}),
    ):
        response = await intent.async_handle(
            hass,
            "test",
            intent_type,
            {"name": {"value": "Alex"}, **{key: {"value": value} for key, value in slots.items()}},
            context=sam,
            language="en",
        )
        assert response.speech["plain"]["speech"].startswith(
            "Only Alex, or an administrator, can change Alex's magnesium log."
        ), intent_type
    log = await call(hass, "get_log", config_entry_id=_entry_id(hass, "Alex"))
    assert log["records"] == []
    # an admin may act for a named person
    response = await intent.async_handle(
        hass,
        "test",
        "MagnesiumLogBath",
        {"name": {"value": "Alex"}},
        context=Context(user_id=hass_admin_user.id),
        language="en",
    )
    assert response.speech["plain"]["speech"].startswith("Logged an Epsom bath.")


@pytest.mark.usefixtures("assist")
async def test_a_user_not_linked_to_the_only_person_cannot_log_by_voice(
    hass: HomeAssistant, hass_read_only_user: User
) -> None:
    await setup_entry(hass, title="Alex", person="person.alex")
    other = Context(user_id=hass_read_only_user.id)
    assert (await ask(hass, "I took 50 mg of magnesium glycinate", context=other)).startswith(
        "Only Alex, or an administrator, can change Alex's magnesium log."
    )
    assert (await call(hass, "get_log"))["records"] == []


@pytest.mark.usefixtures("time_zone")
async def test_a_thousand_concurrent_doses(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    entry = await setup_entry(hass, limit=350)
    await asyncio.gather(
        *(
            hass.services.async_call(
                DOMAIN, "log_dose", {"form": "glycinate", "amount_mg": 1.5}, blocking=True
            )
            for _ in range(1000)
        )
    )
    log = await call(hass, "get_log")
    assert len(log["records"]) == 1000
    assert len({record["id"] for record in log["records"]}) == 1000
    assert sensor_state(hass, "oral_magnesium_today") == "1500.0"
    assert sensor_state(hass, "doses_today") == "1000"
    assert log["days"][-1]["oral_doses"] == 1000
    # every one is in the month's file, which each call wrote before it answered
    stored = [
        record["id"]
        for key, data in hass_storage.items()
        if key.startswith(f"magnesium.{entry.entry_id}.20")
        for record in data["data"]["records"]
    ]
    assert sorted(stored) == sorted(record["id"] for record in log["records"])
