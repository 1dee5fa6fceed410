"""A real Home Assistant core with one magnesium entry, for tests/test_crash.py.

    python tests/crash_runner.py CONFIG_DIR create   # add the entry through the config flow, stop
    python tests/crash_runner.py CONFIG_DIR run      # load it, report, log doses until killed

``run`` prints one JSON line once the entry is set up (its state, the ids in the log, our repair
issues and the errors logged while starting), then logs 1 mg doses one after another and prints
each record id only after the action returned it. Nothing here opens a socket: no http server
(a stand-in takes the calendar's views), no frontend, no default integrations; the storage is
the real one, in CONFIG_DIR/.storage.
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
import socket
import sys
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from homeassistant import config_entries, core, loader
from homeassistant.helpers import (
    area_registry,
    category_registry,
    condition,
    device_registry,
    entity,
    entity_registry,
    floor_registry,
    frame,
    issue_registry as ir,
    label_registry,
    restore_state,
    template,
    translation,
    trigger,
)
from homeassistant.setup import async_setup_component

DOMAIN = "magnesium"


class _Errors(logging.Handler):
    """Collects the errors logged while Home Assistant starts."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.name}: {record.getMessage()}")


def _no_network() -> None:
    """Any attempt to reach the network fails loudly (and shows in the report as an error)."""

    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise OSError("crash_runner: no network")

    for name in ("connect", "connect_ex", "bind"):
        setattr(socket.socket, name, refuse)


class _NoHttp:
    """Stands in for the web server the calendar platform depends on: views are not served."""

    def register_view(self, view: Any) -> None:
        """Take a view and serve nothing."""


def _emit(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def _start(config_dir: str) -> core.HomeAssistant:
    hass = core.HomeAssistant(config_dir)
    hass.http = _NoHttp()  # type: ignore[assignment]
    hass.config.components.add("http")  # the calendar's dependency, without a server
    await hass.config.async_set_time_zone("Europe/Berlin")
    hass.config.skip_pip = True
    loader.async_setup(hass)
    hass.config_entries = config_entries.ConfigEntries(hass, {})
    await loader.async_get_custom_components(hass)
    # what homeassistant.bootstrap.async_load_base_functionality does, without importing
    # bootstrap (which imports http, api and the rest of a full start)
    entity.async_setup(hass)
    frame.async_setup(hass)
    template.async_setup(hass)
    translation.async_setup(hass)
    if hasattr(device_registry, "async_setup"):  # Home Assistant 2025.5 and newer
        device_registry.async_setup(hass)
    for registry in (area_registry, category_registry, device_registry, entity_registry):
        await registry.async_load(hass)
    for registry in (floor_registry, ir, label_registry, restore_state):
        await registry.async_load(hass)
    for module in (condition, trigger):
        if hasattr(module, "async_setup"):  # Home Assistant 2025.5 and newer
            await module.async_setup(hass)
    await hass.config_entries.async_initialize()
    hass.set_state(core.CoreState.running)
    return hass


async def _create(config_dir: str) -> None:
    hass = await _start(config_dir)
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": config_entries.SOURCE_USER},
        data={"name": "Crash", "daily_limit": 350, "daily_target": 300},
    )
    assert result["type"] == "create_entry", result
    await hass.async_block_till_done()
    await hass.async_stop()  # writes the config entry
    _emit(result["result"].entry_id)


async def _run(config_dir: str) -> None:
    errors = _Errors()
    logging.getLogger().addHandler(errors)
    hass = await _start(config_dir)
    assert await async_setup_component(hass, DOMAIN, {})
    await hass.async_block_till_done()
    (entry,) = hass.config_entries.async_entries(DOMAIN)
    log: dict[str, Any] = {"records": []}
    if entry.state is config_entries.ConfigEntryState.LOADED:
        response = await hass.services.async_call(
            DOMAIN, "get_log", {}, blocking=True, return_response=True
        )
        assert isinstance(response, dict)
        log = response
    issues = [issue_id for domain, issue_id in ir.async_get(hass).issues if domain == DOMAIN]
    _emit(
        json.dumps(
            {
                "state": entry.state.value,
                "ids": [record["id"] for record in log["records"]],
                "issues": issues,
                "errors": errors.messages,
            }
        )
    )
    while True:
        response = await hass.services.async_call(
            DOMAIN,
            "log_dose",
            {"form": "glycinate", "amount_mg": 1},
            blocking=True,
            return_response=True,
        )
        assert isinstance(response, dict)
        _emit(str(response["record_id"]))


def main() -> None:
    config_dir, mode = sys.argv[1], sys.argv[2]
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    _no_network()
    asyncio.run(_create(config_dir) if mode == "create" else _run(config_dir))


if __name__ == "__main__":
    main()
