"""Fixtures: a real Home Assistant with the integration set up from a config entry."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from homeassistant import loader
from homeassistant.config_entries import ConfigEntryState, ConfigSubentryData
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_test_home_assistant,
)

from custom_components.magnesium.const import (
    CONF_DAILY_LIMIT,
    CONF_DAILY_TARGET,
    CONF_PERSON,
    DOMAIN,
)

TIME_ZONE = "Europe/Berlin"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let the loader find custom_components/magnesium."""


@pytest.fixture(autouse=True)
def private_config_dir(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """Give each Home Assistant under test its own config folder (blueprints are copied there)."""
    if "hass" in request.fixturenames:
        hass: HomeAssistant = request.getfixturevalue("hass")
        hass.config.config_dir = str(tmp_path)


@pytest.fixture
async def time_zone(hass: HomeAssistant) -> str:
    """Run the tests in a time zone with daylight saving."""
    await hass.config.async_set_time_zone(TIME_ZONE)
    return TIME_ZONE


def make_entry(
    title: str = "Alex",
    person: str | None = None,
    limit: float = 350,
    target: float = 300,
    extra_options: dict[str, Any] | None = None,
    created_at: datetime | None = None,
    **kw: Any,
) -> MockConfigEntry:
    """A config entry like the config flow makes.

    Made at ``created_at``; by default at the start of the local day, so that the day's
    reminders are all due (a reminder whose time came before the entry existed is not).
    """
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=title,
        data={},
        options={
            CONF_PERSON: person,
            CONF_DAILY_LIMIT: limit,
            CONF_DAILY_TARGET: target,
            **(extra_options or {}),
        },
        unique_id=person or f"name:{title.lower()}",
        **kw,
    )
    made = created_at or dt_util.start_of_local_day()
    object.__setattr__(entry, "created_at", dt_util.as_utc(made))
    return entry


async def setup_entry(hass: HomeAssistant, **kw: Any) -> MockConfigEntry:
    """Add an entry and set it up."""
    config_entry = make_entry(**kw)
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    return config_entry


@pytest.fixture
async def entry(hass: HomeAssistant, time_zone: str) -> MockConfigEntry:
    """One person's entry, set up."""
    return await setup_entry(hass)


async def call(hass: HomeAssistant, service: str, **data: Any) -> dict[str, Any]:
    """Call one of our actions, blocking, and return its response."""
    response = await hass.services.async_call(
        DOMAIN, service, data, blocking=True, return_response=True
    )
    assert isinstance(response, dict)
    return response


def sensor_state(hass: HomeAssistant, key: str, person: str = "alex") -> str:
    """The state of one of a person's sensors."""
    entity = hass.states.get(f"sensor.{person}_{key}")
    assert entity is not None
    return entity.state


@asynccontextmanager
async def fresh_home_assistant(
    entry: MockConfigEntry,
    config_dir: str,
    time_zone: str = TIME_ZONE,
    stopped: Callable[[], None] | None = None,
) -> AsyncIterator[tuple[HomeAssistant, MockConfigEntry]]:
    """A new Home Assistant on the same storage, with a copy of the entry set up.

    The storage is the test's (``hass_storage``, or the files in ``config_dir``). The copy
    keeps what Home Assistant keeps of an entry across a restart: its options, subentries
    (products, medicines) and creation time too. On leaving, Home Assistant stops as it does
    for a restart (the stop and final-write events; entries are not unloaded), ``stopped`` is
    called, and then the integration's entries are unloaded so that none of their timers is
    left on the event loop the test shares.
    """
    async with async_test_home_assistant(config_dir=config_dir) as hass:
        hass.data.pop(loader.DATA_CUSTOM_COMPONENTS)  # find custom_components/magnesium
        await hass.config.async_set_time_zone(time_zone)
        again = MockConfigEntry(
            domain=DOMAIN,
            entry_id=entry.entry_id,
            title=entry.title,
            data=dict(entry.data),
            options=dict(entry.options),
            unique_id=entry.unique_id,
            version=entry.version,
            minor_version=entry.minor_version,
            subentries_data=[
                ConfigSubentryData(
                    data=dict(subentry.data),
                    subentry_id=subentry.subentry_id,
                    subentry_type=subentry.subentry_type,
                    title=subentry.title,
                    unique_id=subentry.unique_id,
                )
                for subentry in entry.subentries.values()
            ],
        )
        object.__setattr__(again, "created_at", entry.created_at)
        again.add_to_hass(hass)
        assert await hass.config_entries.async_setup(again.entry_id)
        await hass.async_block_till_done()
        try:
            yield hass, again
        finally:
            await hass.async_stop(force=True)
            if stopped is not None:
                stopped()
            for item in hass.config_entries.async_entries(DOMAIN):
                if item.state is ConfigEntryState.LOADED:
                    await hass.config_entries.async_unload(item.entry_id)
