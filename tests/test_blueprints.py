"""The shipped automation blueprints, and their installation into the config folder."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import suppress
from datetime import timedelta
import hashlib
import logging
from pathlib import Path
import threading
from typing import Any
from unittest.mock import patch

from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint.models import Blueprint
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import CoreState, HomeAssistant, ServiceCall
from homeassistant.helpers.storage import Store
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util, yaml as yaml_util
import pytest
from pytest_homeassistant_custom_component.common import (
    async_fire_time_changed,
    async_mock_service,
)

from custom_components.magnesium import blueprint_installer
from custom_components.magnesium.blueprint_installer import (
    DATA_BLUEPRINTS_INSTALLED,
    STORAGE_KEY,
    async_install_blueprints,
)

SOURCE = Path(blueprint_installer.__file__).parent / "blueprints"
NAMES = ("dose_light.yaml", "epsom_bath_reminder.yaml", "evening_dose_reminder.yaml")

EVENING = "binary_sensor.alex_evening_dose_due"
BATH = "binary_sensor.alex_epsom_bath_due"
PERSON = "person.alex"
SPEAKER = "media_player.bedroom"
TTS = "tts.piper"
PHONE = "notify.alex_phone"
LIGHT = "light.bedside"

EVENING_MESSAGE = "Evening magnesium: 150 mg glycinate. 200 mg left today."
BATH_MESSAGE = (
    "Epsom bath tonight: about two cups (300-500 g) of Epsom salt in a warm bath for 12-20 minutes."
)


@pytest.fixture(autouse=True)
def config_dir(hass: HomeAssistant, tmp_path: Path) -> Path:
    """Install into a temporary config folder, never into the package."""
    hass.config.config_dir = str(tmp_path)
    return tmp_path


@pytest.fixture(autouse=True)
def clean_log(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail when Home Assistant logs a warning or an error about our blueprints."""
    yield
    noisy = [
        record.getMessage()
        for record in caplog.get_records("setup") + caplog.get_records("call")
        if record.levelno >= logging.WARNING
        and record.name.startswith(("homeassistant.components", "homeassistant.helpers"))
    ]
    assert noisy == []


def installed(config_dir: Path, name: str = "") -> Path:
    """Where the installer puts the blueprints (or one of them)."""
    folder = config_dir / "blueprints" / "automation" / "magnesium"
    return folder / name if name else folder


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def record(hass_storage: dict[str, Any], hashes: dict[str, str]) -> None:
    """Pretend an earlier run installed files with these hashes."""
    hass_storage[STORAGE_KEY] = {
        "version": 1,
        "minor_version": 1,
        "key": STORAGE_KEY,
        "data": hashes,
    }


async def install_again(hass: HomeAssistant) -> None:
    """Run the installer as on the next start of Home Assistant."""
    hass.data.pop(DATA_BLUEPRINTS_INSTALLED, None)
    await async_install_blueprints(hass)
    await hass.async_block_till_done()


# Installer


async def test_install_copies_every_blueprint(
    hass: HomeAssistant, config_dir: Path, hass_storage: dict[str, Any]
) -> None:
    assert sorted(path.name for path in SOURCE.glob("*.yaml")) == list(NAMES)

    await async_install_blueprints(hass)
    await hass.async_block_till_done()

    assert sorted(path.name for path in installed(config_dir).iterdir()) == list(NAMES)
    for name in NAMES:
        assert installed(config_dir, name).read_bytes() == (SOURCE / name).read_bytes()
    assert hass_storage[STORAGE_KEY]["version"] == 1
    assert hass_storage[STORAGE_KEY]["data"] == {
        name: sha256((SOURCE / name).read_bytes()) for name in NAMES
    }


async def test_install_does_its_file_work_in_the_executor(hass: HomeAssistant) -> None:
    threads: list[int] = []
    real_install = blueprint_installer._install

    def spy(*args: Any) -> blueprint_installer.InstallResult:
        threads.append(threading.get_ident())
        return real_install(*args)

    with patch.object(blueprint_installer, "_install", spy):
        await async_install_blueprints(hass)
    assert len(threads) == 1
    assert threads[0] != hass.loop_thread_id


async def test_second_call_in_the_same_run_does_nothing(
    hass: HomeAssistant, config_dir: Path
) -> None:
    await async_install_blueprints(hass)
    installed(config_dir, "dose_light.yaml").unlink()

    await async_install_blueprints(hass)
    assert not installed(config_dir, "dose_light.yaml").exists()

    await install_again(hass)
    assert installed(config_dir, "dose_light.yaml").exists()


async def test_second_run_does_not_rewrite(
    hass: HomeAssistant, config_dir: Path, hass_storage: dict[str, Any]
) -> None:
    await async_install_blueprints(hass)
    stored = dict(hass_storage[STORAGE_KEY]["data"])
    inodes = {name: installed(config_dir, name).stat().st_ino for name in NAMES}

    with patch.object(blueprint_installer, "_write_atomic") as write:
        await install_again(hass)
    write.assert_not_called()
    assert {name: installed(config_dir, name).stat().st_ino for name in NAMES} == inodes
    assert hass_storage[STORAGE_KEY]["data"] == stored


async def test_user_changed_file_is_kept(
    hass: HomeAssistant,
    config_dir: Path,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    await async_install_blueprints(hass)
    shipped_hash = hass_storage[STORAGE_KEY]["data"]["evening_dose_reminder.yaml"]
    mine = b"blueprint:\n  name: My own reminder\n  domain: automation\n"
    installed(config_dir, "evening_dose_reminder.yaml").write_bytes(mine)

    caplog.set_level(logging.DEBUG, logger=blueprint_installer.__name__)
    await install_again(hass)

    assert installed(config_dir, "evening_dose_reminder.yaml").read_bytes() == mine
    assert hass_storage[STORAGE_KEY]["data"]["evening_dose_reminder.yaml"] == shipped_hash
    assert "Keeping blueprint" in caplog.text
    assert "evening_dose_reminder.yaml" in caplog.text


async def test_file_present_before_the_first_install_is_kept(
    hass: HomeAssistant, config_dir: Path, hass_storage: dict[str, Any]
) -> None:
    installed(config_dir).mkdir(parents=True)
    mine = b"# mine\n"
    installed(config_dir, "dose_light.yaml").write_bytes(mine)

    await async_install_blueprints(hass)
    await hass.async_block_till_done()

    assert installed(config_dir, "dose_light.yaml").read_bytes() == mine
    assert "dose_light.yaml" not in hass_storage[STORAGE_KEY]["data"]
    assert (
        installed(config_dir, "epsom_bath_reminder.yaml").read_bytes()
        == (SOURCE / "epsom_bath_reminder.yaml").read_bytes()
    )


async def test_older_shipped_version_is_upgraded(
    hass: HomeAssistant, config_dir: Path, hass_storage: dict[str, Any]
) -> None:
    old = b"blueprint:\n  name: An older version we shipped\n  domain: automation\n"
    installed(config_dir).mkdir(parents=True)
    installed(config_dir, "epsom_bath_reminder.yaml").write_bytes(old)
    record(hass_storage, {"epsom_bath_reminder.yaml": sha256(old)})

    await async_install_blueprints(hass)
    await hass.async_block_till_done()

    new = (SOURCE / "epsom_bath_reminder.yaml").read_bytes()
    assert installed(config_dir, "epsom_bath_reminder.yaml").read_bytes() == new
    assert hass_storage[STORAGE_KEY]["data"]["epsom_bath_reminder.yaml"] == sha256(new)
    assert not list(installed(config_dir).glob(".*"))


async def test_matching_file_gets_recorded(
    hass: HomeAssistant, config_dir: Path, hass_storage: dict[str, Any]
) -> None:
    """A file equal to ours is recorded, so that a later version can replace it."""
    installed(config_dir).mkdir(parents=True)
    content = (SOURCE / "dose_light.yaml").read_bytes()
    installed(config_dir, "dose_light.yaml").write_bytes(content)
    record(hass_storage, {"dose_light.yaml": "0" * 64})

    await async_install_blueprints(hass)
    await hass.async_block_till_done()

    assert hass_storage[STORAGE_KEY]["data"]["dose_light.yaml"] == sha256(content)


async def test_broken_record_is_ignored(
    hass: HomeAssistant, config_dir: Path, hass_storage: dict[str, Any]
) -> None:
    record(hass_storage, ["not", "a", "dict"])  # type: ignore[arg-type]

    await async_install_blueprints(hass)
    await hass.async_block_till_done()

    assert sorted(path.name for path in installed(config_dir).iterdir()) == list(NAMES)
    assert set(hass_storage[STORAGE_KEY]["data"]) == set(NAMES)


async def test_unreadable_record_logs_a_warning(
    hass: HomeAssistant,
    config_dir: Path,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    record(hass_storage, {"dose_light.yaml": "1" * 64})
    with patch.object(Store, "async_load", side_effect=OSError("disk on fire")):
        await async_install_blueprints(hass)
        await hass.async_block_till_done()

    assert "Could not read the record of installed blueprints: disk on fire" in caplog.text
    assert sorted(path.name for path in installed(config_dir).iterdir()) == list(NAMES)
    assert hass_storage[STORAGE_KEY]["data"] == {"dose_light.yaml": "1" * 64}


async def test_unwritable_folder_logs_a_warning(
    hass: HomeAssistant, config_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (config_dir / "blueprints").mkdir()
    (config_dir / "blueprints" / "automation").write_text("not a folder")

    await async_install_blueprints(hass)
    await hass.async_block_till_done()

    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "Could not install the Magnesium blueprints" in warnings[0].getMessage()


async def test_permission_error_logs_a_warning(
    hass: HomeAssistant, config_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with patch.object(Path, "mkdir", side_effect=PermissionError(13, "Read-only file system")):
        await async_install_blueprints(hass)
        await hass.async_block_till_done()

    assert not installed(config_dir).exists()
    assert "Read-only file system" in caplog.text
    assert any(r.levelno == logging.WARNING for r in caplog.records)


async def test_one_failing_file_does_not_stop_the_others(
    hass: HomeAssistant,
    config_dir: Path,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    installed(config_dir, "dose_light.yaml").mkdir(parents=True)

    await async_install_blueprints(hass)
    await hass.async_block_till_done()

    assert "Could not read blueprint" in caplog.text
    assert set(hass_storage[STORAGE_KEY]["data"]) == {
        "epsom_bath_reminder.yaml",
        "evening_dose_reminder.yaml",
    }
    assert installed(config_dir, "evening_dose_reminder.yaml").is_file()


async def test_failing_write_leaves_no_temporary_file(
    hass: HomeAssistant, config_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with patch("os.replace", side_effect=OSError("disk full")):
        await async_install_blueprints(hass)
        await hass.async_block_till_done()

    assert list(installed(config_dir).iterdir()) == []
    assert caplog.text.count("Could not write blueprint") == len(NAMES)


# Blueprint validity


@pytest.mark.parametrize("name", NAMES)
def test_blueprint_is_valid(name: str) -> None:
    data = yaml_util.load_yaml_dict(SOURCE / name)
    blueprint = Blueprint(
        data, path=name, expected_domain="automation", schema=AUTOMATION_BLUEPRINT_SCHEMA
    )
    assert blueprint.validate() is None
    assert blueprint.name.startswith("Magnesium: ")
    assert blueprint.metadata["homeassistant"] == {"min_version": "2025.4.0"}
    assert "source_url" not in blueprint.metadata
    assert "default" not in blueprint.inputs["due_sensor"]
    assert yaml_util.load_yaml_dict(SOURCE / name)["blueprint"]["input"]["due_sensor"][
        "selector"
    ] == {"entity": {"filter": [{"integration": "magnesium", "domain": "binary_sensor"}]}}


def test_blueprint_inputs() -> None:
    def inputs(name: str) -> dict[str, Any]:
        return Blueprint(
            yaml_util.load_yaml_dict(SOURCE / name),
            expected_domain="automation",
            schema=AUTOMATION_BLUEPRINT_SCHEMA,
        ).inputs

    reminder = inputs("evening_dose_reminder.yaml")
    assert set(reminder) == {
        "due_sensor",
        "person",
        "media_players",
        "tts_entity",
        "notify_entities",
        "repeat_minutes",
        "max_repeats",
    }
    assert {key: value.get("default") for key, value in reminder.items()} == {
        "due_sensor": None,
        "person": None,
        "media_players": [],
        "tts_entity": "",
        "notify_entities": [],
        "repeat_minutes": 15,
        "max_repeats": 3,
    }
    bath = inputs("epsom_bath_reminder.yaml")
    assert set(bath) == set(reminder) - {"repeat_minutes", "max_repeats"}
    light = inputs("dose_light.yaml")
    assert set(light) == {"due_sensor", "light", "color", "brightness"}
    assert light["color"]["default"] == [255, 120, 0]
    assert light["brightness"]["default"] == 60


# Blueprints at work


async def use_blueprint(hass: HomeAssistant, name: str, **inputs: Any) -> None:
    """Install the blueprints and set up one automation from one of them."""
    await async_install_blueprints(hass)
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": [
                {
                    "id": "magnesium_test",
                    "alias": "Magnesium test",
                    "use_blueprint": {"path": f"magnesium/{name}", "input": inputs},
                }
            ]
        },
    )
    await hass.async_block_till_done()
    state = hass.states.get("automation.magnesium_test")
    assert state is not None
    assert state.state == "on"


def running(hass: HomeAssistant) -> int:
    """How many runs of the test automation are under way."""
    state = hass.states.get("automation.magnesium_test")
    assert state is not None
    return int(state.attributes["current"])


async def settle(hass: HomeAssistant) -> None:
    """Let the automation act; a run that waits for its next reminder stays pending."""
    with suppress(TimeoutError):
        async with asyncio.timeout(0.2):
            await hass.async_block_till_done()


async def advance(hass: HomeAssistant, minutes: float) -> None:
    """Let time pass for the automation's timers."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=minutes, seconds=1))
    await settle(hass)


def due(hass: HomeAssistant, entity_id: str, message: str | None) -> None:
    """Turn a due sensor on, with the attributes the integration sets."""
    attributes: dict[str, Any] = {}
    if entity_id != BATH:
        attributes = {"amount_mg": 150.0, "form": "glycinate", "limit_reached": False}
    if message is not None:
        attributes["message"] = message
    hass.states.async_set(entity_id, "on", attributes)


class Calls:
    """The calls of the mocked announcement actions."""

    def __init__(self, hass: HomeAssistant) -> None:
        self.tts = async_mock_service(hass, "tts", "speak")
        self.notify = async_mock_service(hass, "notify", "send_message")

    @staticmethod
    def _data(calls: list[ServiceCall]) -> list[dict[str, Any]]:
        return [dict(call.data) for call in calls]

    def spoken(self) -> list[dict[str, Any]]:
        return self._data(self.tts)

    def sent(self) -> list[dict[str, Any]]:
        return self._data(self.notify)


def spoken(message: str) -> dict[str, Any]:
    return {ATTR_ENTITY_ID: [TTS], "media_player_entity_id": [SPEAKER], "message": message}


def sent(message: str) -> dict[str, Any]:
    return {ATTR_ENTITY_ID: [PHONE], "message": message}


EVENING_INPUTS: dict[str, Any] = {
    "due_sensor": EVENING,
    "person": PERSON,
    "media_players": [SPEAKER],
    "tts_entity": TTS,
    "notify_entities": [PHONE],
}


async def test_evening_reminder_announces_and_repeats_until_taken(hass: HomeAssistant) -> None:
    calls = Calls(hass)
    hass.states.async_set(PERSON, "home")
    hass.states.async_set(EVENING, "off")
    await use_blueprint(hass, "evening_dose_reminder.yaml", **EVENING_INPUTS)
    assert calls.spoken() == calls.sent() == []

    due(hass, EVENING, EVENING_MESSAGE)
    await settle(hass)
    assert calls.spoken() == [spoken(EVENING_MESSAGE)]
    assert calls.sent() == [sent(EVENING_MESSAGE)]
    assert running(hass) == 1

    await advance(hass, 14)
    assert len(calls.tts) == len(calls.notify) == 1

    later = "Evening magnesium: 150 mg glycinate. 200 mg left today. Still due."
    due(hass, EVENING, later)
    await advance(hass, 15)
    assert calls.spoken() == [spoken(EVENING_MESSAGE), spoken(later)]
    assert calls.sent() == [sent(EVENING_MESSAGE), sent(later)]

    hass.states.async_set(EVENING, "off")
    await settle(hass)
    assert running(hass) == 0
    for _ in range(4):
        await advance(hass, 15)
    assert len(calls.tts) == len(calls.notify) == 2


async def test_evening_reminder_repeats_at_most_max_repeats(hass: HomeAssistant) -> None:
    calls = Calls(hass)
    hass.states.async_set(PERSON, "home")
    hass.states.async_set(EVENING, "off")
    await use_blueprint(
        hass, "evening_dose_reminder.yaml", **EVENING_INPUTS, repeat_minutes=5, max_repeats=2
    )

    due(hass, EVENING, EVENING_MESSAGE)
    await settle(hass)
    for _ in range(5):
        await advance(hass, 5)
    assert calls.spoken() == [spoken(EVENING_MESSAGE)] * 3
    assert calls.sent() == [sent(EVENING_MESSAGE)] * 3
    assert running(hass) == 0


async def test_evening_reminder_default_repeats(hass: HomeAssistant) -> None:
    calls = Calls(hass)
    hass.states.async_set(PERSON, "home")
    hass.states.async_set(EVENING, "off")
    await use_blueprint(
        hass,
        "evening_dose_reminder.yaml",
        due_sensor=EVENING,
        person=PERSON,
        notify_entities=[PHONE],
    )

    due(hass, EVENING, EVENING_MESSAGE)
    await settle(hass)
    for _ in range(6):
        await advance(hass, 15)
    assert calls.sent() == [sent(EVENING_MESSAGE)] * 4
    assert calls.spoken() == []


async def test_evening_reminder_without_repeat(hass: HomeAssistant) -> None:
    calls = Calls(hass)
    hass.states.async_set(PERSON, "home")
    hass.states.async_set(EVENING, "off")
    await use_blueprint(hass, "evening_dose_reminder.yaml", **EVENING_INPUTS, repeat_minutes=0)

    due(hass, EVENING, EVENING_MESSAGE)
    await settle(hass)
    assert running(hass) == 0
    await advance(hass, 15)
    assert len(calls.tts) == len(calls.notify) == 1


async def test_evening_reminder_only_when_home(hass: HomeAssistant) -> None:
    calls = Calls(hass)
    hass.states.async_set(PERSON, "not_home")
    hass.states.async_set(EVENING, "off")
    await use_blueprint(hass, "evening_dose_reminder.yaml", **EVENING_INPUTS)

    due(hass, EVENING, EVENING_MESSAGE)
    await settle(hass)
    await advance(hass, 15)
    assert calls.spoken() == calls.sent() == []

    hass.states.async_set(PERSON, "home")
    await settle(hass)
    assert calls.spoken() == [spoken(EVENING_MESSAGE)]
    assert calls.sent() == [sent(EVENING_MESSAGE)]

    hass.states.async_set(PERSON, "not_home")
    await settle(hass)
    assert running(hass) == 0
    await advance(hass, 15)
    assert len(calls.tts) == len(calls.notify) == 1


async def test_evening_reminder_arrival_without_due_dose(hass: HomeAssistant) -> None:
    calls = Calls(hass)
    hass.states.async_set(PERSON, "not_home")
    hass.states.async_set(EVENING, "off")
    await use_blueprint(hass, "evening_dose_reminder.yaml", **EVENING_INPUTS)

    hass.states.async_set(PERSON, "home")
    await settle(hass)
    assert calls.spoken() == calls.sent() == []


async def test_evening_reminder_not_after_restart(hass: HomeAssistant) -> None:
    """A sensor coming back from unavailable is no new reminder."""
    calls = Calls(hass)
    hass.states.async_set(PERSON, "home")
    hass.states.async_set(EVENING, "unavailable")
    await use_blueprint(hass, "evening_dose_reminder.yaml", **EVENING_INPUTS)

    due(hass, EVENING, EVENING_MESSAGE)
    await settle(hass)
    assert calls.spoken() == calls.sent() == []


async def test_evening_reminder_fallback_message(hass: HomeAssistant) -> None:
    calls = Calls(hass)
    hass.states.async_set(PERSON, "home")
    hass.states.async_set(EVENING, "off")
    await use_blueprint(hass, "evening_dose_reminder.yaml", **EVENING_INPUTS)

    due(hass, EVENING, None)
    await settle(hass)
    assert calls.spoken() == [spoken("Time for your evening magnesium.")]
    assert calls.sent() == [sent("Time for your evening magnesium.")]


async def test_evening_reminder_speaks_only_with_tts_and_speakers(hass: HomeAssistant) -> None:
    calls = Calls(hass)
    hass.states.async_set(PERSON, "home")
    hass.states.async_set(EVENING, "off")
    await use_blueprint(
        hass,
        "evening_dose_reminder.yaml",
        due_sensor=EVENING,
        person=PERSON,
        media_players=[SPEAKER],
        repeat_minutes=0,
    )

    due(hass, EVENING, EVENING_MESSAGE)
    await settle(hass)
    assert calls.spoken() == calls.sent() == []


async def test_evening_reminder_speaks_without_notify(hass: HomeAssistant) -> None:
    calls = Calls(hass)
    hass.states.async_set(PERSON, "home")
    hass.states.async_set(EVENING, "off")
    await use_blueprint(
        hass,
        "evening_dose_reminder.yaml",
        due_sensor=EVENING,
        person=PERSON,
        media_players=[SPEAKER],
        tts_entity=TTS,
        repeat_minutes=0,
    )

    due(hass, EVENING, EVENING_MESSAGE)
    await settle(hass)
    assert calls.spoken() == [spoken(EVENING_MESSAGE)]
    assert calls.sent() == []


BATH_INPUTS: dict[str, Any] = {**EVENING_INPUTS, "due_sensor": BATH}


async def test_bath_reminder_announces_once(hass: HomeAssistant) -> None:
    calls = Calls(hass)
    hass.states.async_set(PERSON, "home")
    hass.states.async_set(BATH, "off")
    await use_blueprint(hass, "epsom_bath_reminder.yaml", **BATH_INPUTS)

    due(hass, BATH, BATH_MESSAGE)
    await settle(hass)
    assert calls.spoken() == [spoken(BATH_MESSAGE)]
    assert calls.sent() == [sent(BATH_MESSAGE)]
    assert running(hass) == 0

    for _ in range(4):
        await advance(hass, 15)
    assert len(calls.tts) == len(calls.notify) == 1

    hass.states.async_set(BATH, "off")
    await settle(hass)
    due(hass, BATH, BATH_MESSAGE)
    await settle(hass)
    assert len(calls.tts) == len(calls.notify) == 2


async def test_bath_reminder_only_when_home(hass: HomeAssistant) -> None:
    calls = Calls(hass)
    hass.states.async_set(PERSON, "not_home")
    hass.states.async_set(BATH, "off")
    await use_blueprint(hass, "epsom_bath_reminder.yaml", **BATH_INPUTS)

    due(hass, BATH, BATH_MESSAGE)
    await settle(hass)
    assert calls.spoken() == calls.sent() == []

    hass.states.async_set(PERSON, "home")
    await settle(hass)
    assert calls.spoken() == [spoken(BATH_MESSAGE)]
    assert calls.sent() == [sent(BATH_MESSAGE)]

    hass.states.async_set(BATH, "off")
    hass.states.async_set(PERSON, "not_home")
    await settle(hass)
    hass.states.async_set(PERSON, "home")
    await settle(hass)
    assert len(calls.tts) == len(calls.notify) == 1


async def test_bath_reminder_notify_only_with_fallback(hass: HomeAssistant) -> None:
    calls = Calls(hass)
    hass.states.async_set(PERSON, "home")
    hass.states.async_set(BATH, "off")
    await use_blueprint(
        hass, "epsom_bath_reminder.yaml", due_sensor=BATH, person=PERSON, notify_entities=[PHONE]
    )

    due(hass, BATH, None)
    await settle(hass)
    assert calls.spoken() == []
    assert calls.sent() == [sent("Time for your Epsom bath tonight.")]


class LightCalls:
    """The calls of the mocked light actions."""

    def __init__(self, hass: HomeAssistant) -> None:
        self.on = async_mock_service(hass, "light", "turn_on")
        self.off = async_mock_service(hass, "light", "turn_off")

    def __call__(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        return [dict(call.data) for call in self.on], [dict(call.data) for call in self.off]


GLOW = {ATTR_ENTITY_ID: [LIGHT], "rgb_color": [255, 120, 0], "brightness_pct": 60}
DARK = {ATTR_ENTITY_ID: [LIGHT]}


async def test_light_follows_the_sensor(hass: HomeAssistant) -> None:
    calls = LightCalls(hass)
    hass.states.async_set(EVENING, "off")
    await use_blueprint(hass, "dose_light.yaml", due_sensor=EVENING, light=[LIGHT])
    assert calls() == ([], [])

    due(hass, EVENING, EVENING_MESSAGE)
    await settle(hass)
    assert calls() == ([GLOW], [])

    hass.states.async_set(EVENING, "off")
    await settle(hass)
    assert calls() == ([GLOW], [DARK])

    hass.states.async_set(EVENING, "unavailable")
    await settle(hass)
    assert calls() == ([GLOW], [DARK])


async def test_light_colour_and_brightness(hass: HomeAssistant) -> None:
    calls = LightCalls(hass)
    hass.states.async_set(BATH, "off")
    await use_blueprint(
        hass,
        "dose_light.yaml",
        due_sensor=BATH,
        light=[LIGHT, "light.hall"],
        color=[0, 80, 255],
        brightness=25,
    )

    due(hass, BATH, BATH_MESSAGE)
    await settle(hass)
    assert calls() == (
        [{ATTR_ENTITY_ID: [LIGHT, "light.hall"], "rgb_color": [0, 80, 255], "brightness_pct": 25}],
        [],
    )


@pytest.mark.parametrize(("sensor", "expected"), [("on", ([GLOW], [])), ("off", ([], [DARK]))])
async def test_light_at_start(
    hass: HomeAssistant, sensor: str, expected: tuple[list[Any], list[Any]]
) -> None:
    calls = LightCalls(hass)
    hass.set_state(CoreState.not_running)
    hass.states.async_set(EVENING, sensor)
    await use_blueprint(hass, "dose_light.yaml", due_sensor=EVENING, light=[LIGHT])
    assert calls() == ([], [])

    await hass.async_start()
    await settle(hass)
    assert calls() == expected


async def test_evening_reminder_is_quiet_while_snoozed(hass: HomeAssistant) -> None:
    calls = Calls(hass)
    hass.states.async_set(PERSON, "home")
    hass.states.async_set(EVENING, "off")
    await use_blueprint(hass, "evening_dose_reminder.yaml", **EVENING_INPUTS)
    due(hass, EVENING, EVENING_MESSAGE)
    await settle(hass)
    assert len(calls.tts) == 1
    snoozed = {
        "amount_mg": 150.0,
        "form": "glycinate",
        "limit_reached": False,
        "message": EVENING_MESSAGE,
        "snoozed_until": dt_util.utcnow() + timedelta(minutes=20),
    }
    hass.states.async_set(EVENING, "on", snoozed)
    await advance(hass, 15)
    assert len(calls.tts) == len(calls.notify) == 1  # the repeat fell in the snooze
    due(hass, EVENING, EVENING_MESSAGE)  # the snooze is over: the attribute is gone
    await advance(hass, 15)
    assert len(calls.tts) == len(calls.notify) == 2


async def test_evening_reminder_with_the_integration(
    hass: HomeAssistant, freezer: Any, hass_storage: dict[str, Any]
) -> None:
    """The blueprint driven by a real magnesium entry: announced at 21:00, quiet once taken.

    Without repeats, so that every run ends: the frozen clock also freezes the loop's timers.
    """
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from .conftest import TIME_ZONE, call, setup_entry

    berlin = ZoneInfo(TIME_ZONE)
    await hass.config.async_set_time_zone(TIME_ZONE)
    freezer.move_to(datetime(2026, 6, 10, 20, 0, tzinfo=berlin))
    calls = Calls(hass)
    hass.states.async_set(PERSON, "home")
    await setup_entry(hass)
    await call(
        hass,
        "log_dose",
        form="malate",
        amount_mg=150,
        taken_at=datetime(2026, 6, 10, 8, 0, tzinfo=berlin).isoformat(),
    )
    await use_blueprint(hass, "evening_dose_reminder.yaml", **EVENING_INPUTS, repeat_minutes=0)
    assert calls.spoken() == []

    freezer.move_to(datetime(2026, 6, 10, 21, 0, tzinfo=berlin))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert calls.spoken() == [spoken(EVENING_MESSAGE)]
    assert calls.sent() == [sent(EVENING_MESSAGE)]

    await call(hass, "log_dose", form="glycinate", amount_mg=150)
    await hass.async_block_till_done()
    assert hass.states.get(EVENING).state == "off"  # type: ignore[union-attr]
    freezer.move_to(datetime(2026, 6, 10, 21, 30, tzinfo=berlin))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert len(calls.tts) == 1
