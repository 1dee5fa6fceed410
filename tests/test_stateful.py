"""Random sequences of actions against a simple model of the log.

Hypothesis draws sequences of steps: log a dose (by form and amount, or a product's units), a
topical application, a bath, a refill or a medicine (now or back-dated), undo, delete a record
(or an unknown id), change the daily limit, restart (Home Assistant stops, and a fresh one
starts on the same storage), and let the clock run (across midnight, month ends and daylight
saving changes). After every step the entities and the ``get_log`` response must equal what a
few lines of plain Python compute from the list of records.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
import copy
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util
from hypothesis import HealthCheck, given, settings, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.magnesium.blueprint_installer import STORAGE_KEY as BLUEPRINTS_KEY
from custom_components.magnesium.const import CONF_DAILY_LIMIT, CONF_DAILY_TARGET, DOMAIN
from custom_components.magnesium.knowledge import ORAL_FORM_KEYS, TOPICAL_FORM_KEYS
from custom_components.magnesium.ledger import UNDO_DEPTH

from .conftest import TIME_ZONE, call, fresh_home_assistant, make_entry
from .test_products import GLYCINATE, product_subentry

SEQUENCES = 300
STEPS = 25

BERLIN = dt_util.get_time_zone(TIME_ZONE)
# where a sequence starts: an ordinary day, the evenings before both daylight saving changes,
# and the last evening of a month
STARTS = [
    datetime(2026, 11, 25, 9, 0, tzinfo=BERLIN),
    datetime(2026, 3, 28, 21, 30, tzinfo=BERLIN),
    datetime(2026, 10, 24, 22, 45, tzinfo=BERLIN),
    datetime(2026, 4, 30, 23, 10, tzinfo=BERLIN),
]
PRODUCT = product_subentry({**GLYCINATE, "stock": 500}, "glyc")


@dataclass
class Model:
    """What the log must show: the records, the undo order and the limit."""

    limit: float = 350.0
    records: dict[str, tuple[datetime, str, float]] = field(default_factory=dict)
    undo: list[str] = field(default_factory=list)

    def add(self, response: dict[str, Any], kind: str) -> None:
        moment = dt_util.parse_datetime(response["taken_at"])
        assert moment is not None
        self.records[response["record_id"]] = (moment, kind, response.get("elemental_mg", 0))
        self.undo.append(response["record_id"])
        del self.undo[:-UNDO_DEPTH]

    def remove(self, record_id: str) -> None:
        del self.records[record_id]
        if record_id in self.undo:
            self.undo.remove(record_id)

    def undo_target(self) -> str | None:
        if self.undo:
            return self.undo[-1]
        if not self.records:
            return None
        return max(self.records, key=lambda record_id: (self.records[record_id][0], record_id))

    def ordered(self) -> list[str]:
        return sorted(self.records, key=lambda record_id: (self.records[record_id][0], record_id))

    def days(self) -> dict[date, list[float]]:
        """Per local day: oral mg, oral doses, topical, baths."""
        days: dict[date, list[float]] = {}
        for moment, kind, mg in self.records.values():
            if kind in ("medicine", "refill"):
                continue  # neither is intake: no day total
            total = days.setdefault(dt_util.as_local(moment).date(), [0.0, 0, 0, 0])
            if kind == "oral":
                total[0] += mg
                total[1] += 1
            else:
                total[2 if kind == "topical" else 3] += 1
        return days

    def last(self, kind: str) -> datetime | None:
        moments = [moment for moment, k, _ in self.records.values() if k == kind]
        return max(moments) if moments else None


_steps = st.one_of(
    st.tuples(
        st.just("dose"),
        st.sampled_from(ORAL_FORM_KEYS),
        st.integers(min_value=1, max_value=400),
        st.one_of(st.none(), st.integers(min_value=0, max_value=60 * 80)),
    ),
    st.tuples(
        st.just("topical"),
        st.sampled_from(TOPICAL_FORM_KEYS),
        st.none(),
        st.one_of(st.none(), st.integers(min_value=0, max_value=60 * 80)),
    ),
    st.tuples(st.just("bath"), st.none(), st.none(), st.one_of(st.none(), st.integers(0, 60 * 80))),
    st.tuples(
        st.just("product"),
        st.none(),
        st.integers(min_value=1, max_value=3),
        st.one_of(st.none(), st.integers(min_value=0, max_value=60 * 80)),
    ),
    st.tuples(
        st.just("refill"),
        st.none(),
        st.integers(min_value=1, max_value=120),
        st.one_of(st.none(), st.integers(min_value=0, max_value=60 * 80)),
    ),
    st.tuples(
        st.just("medicine"),
        st.sampled_from(["ciprofloxacin", "doxycycline", "alendronate", "gabapentin"]),
        st.none(),
        st.one_of(st.none(), st.integers(min_value=0, max_value=60 * 80)),
    ),
    st.tuples(st.just("undo"), st.none(), st.none(), st.none()),
    st.tuples(st.just("delete"), st.none(), st.integers(min_value=0, max_value=50), st.none()),
    st.tuples(st.just("limit"), st.none(), st.sampled_from([100, 200, 350, 500, 1000]), st.none()),
    st.tuples(st.just("restart"), st.none(), st.none(), st.none()),
    st.tuples(st.just("clock"), st.none(), st.integers(min_value=1, max_value=60 * 30), st.none()),
)


def _number(hass: HomeAssistant, key: str) -> float:
    state = hass.states.get(f"sensor.alex_{key}")
    assert state is not None
    return float(state.state)


def _moment(hass: HomeAssistant, key: str) -> datetime | None:
    state = hass.states.get(f"sensor.alex_{key}")
    assert state is not None
    return None if state.state == "unknown" else dt_util.parse_datetime(state.state)


async def _check(hass: HomeAssistant, model: Model, step: Any) -> None:
    today = dt_util.now().date()
    days = model.days()
    oral, doses, topical, _baths = days.get(today, [0.0, 0, 0, 0])
    assert _number(hass, "oral_magnesium_today") == pytest.approx(oral), step
    assert _number(hass, "doses_today") == doses, step
    assert _number(hass, "topical_applications_today") == topical, step
    assert _number(hass, "remaining_today") == pytest.approx(max(0.0, model.limit - oral)), step
    week = sum(days.get(today - timedelta(days=n), [0.0])[0] for n in range(7))
    assert _number(hass, "7_day_average") == pytest.approx(round(week / 7, 3), abs=1e-3), step
    assert _moment(hass, "last_dose") == model.last("oral"), step
    assert _moment(hass, "last_epsom_bath") == model.last("bath"), step

    log = await call(hass, "get_log")
    assert [record["id"] for record in log["records"]] == model.ordered(), step
    assert log["daily_limit_mg"] == model.limit
    shown = {
        date.fromisoformat(day["date"]): [
            day["oral_mg"],
            day["oral_doses"],
            day["topical"],
            day["baths"],
        ]
        for day in log["days"]
    }
    assert shown.keys() == days.keys(), step
    for day, total in days.items():
        assert shown[day][0] == pytest.approx(total[0]), (step, day)
        assert shown[day][1:] == total[1:], (step, day)


async def _step(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    model: Model,
    freezer: FrozenDateTimeFactory,
    step: tuple[str, Any, Any, Any],
) -> None:
    action, form, number, minutes_ago = step
    taken_at = {}
    if minutes_ago is not None:
        taken_at = {"taken_at": (dt_util.utcnow() - timedelta(minutes=minutes_ago)).isoformat()}
    if action == "dose":
        model.add(await call(hass, "log_dose", form=form, amount_mg=number, **taken_at), "oral")
    elif action == "product":
        response = await call(hass, "log_dose", product="glycinate", units=number, **taken_at)
        assert response["elemental_mg"] == 100 * number
        model.add(response, "oral")
    elif action == "refill":
        response = await call(hass, "refill", product="glycinate", units=number, **taken_at)
        model.add(response, "refill")
    elif action == "medicine":
        model.add(await call(hass, "log_medicine", medicine=form, **taken_at), "medicine")
    elif action == "topical":
        model.add(await call(hass, "log_topical", form=form, **taken_at), "topical")
    elif action == "bath":
        model.add(await call(hass, "log_bath", **taken_at), "bath")
    elif action == "undo":
        target = model.undo_target()
        if target is None:
            with pytest.raises(ServiceValidationError):
                await call(hass, "undo")
        else:
            assert (await call(hass, "undo"))["removed"]["record_id"] == target
            model.remove(target)
    elif action == "delete":
        ordered = model.ordered()
        if number < len(ordered):
            record_id = ordered[number]
            response = await call(hass, "delete_record", record_id=record_id)
            assert response["removed"]["record_id"] == record_id
            model.remove(record_id)
        else:
            with pytest.raises(ServiceValidationError):
                await call(hass, "delete_record", record_id=f"01M8A{number:021d}")
    elif action == "limit":
        hass.config_entries.async_update_entry(
            entry,
            options={
                **entry.options,
                CONF_DAILY_LIMIT: float(number),
                CONF_DAILY_TARGET: min(float(number), 300.0),
            },
        )
        model.limit = float(number)
    elif action == "clock":
        freezer.tick(timedelta(minutes=number))
        async_fire_time_changed(hass)
    await hass.async_block_till_done()


class Running:
    """The Home Assistant the sequences run in; a restart stops it and starts a fresh one.

    Each is a Home Assistant of its own (the test's is not used). A sequence goes on in the
    one the last sequence ended in, with a new log.
    """

    def __init__(self, config_dir: str, hass_storage: dict[str, Any]) -> None:
        """Nothing runs until ``async_new_log``."""
        self.config_dir = config_dir
        self.hass_storage = hass_storage
        self._stack = AsyncExitStack()
        self._started = False
        self.hass: HomeAssistant
        self.entry: MockConfigEntry
        self._at_stop: dict[str, Any] = {}

    @property
    def started(self) -> bool:
        """Whether a Home Assistant runs."""
        return self._started

    def _ours(self) -> dict[str, Any]:
        return copy.deepcopy(
            {key: value for key, value in self.hass_storage.items() if key.startswith(DOMAIN)}
        )

    def _stopped(self) -> None:
        self._at_stop = self._ours()

    async def _async_start(self, entry: MockConfigEntry) -> None:
        self.hass, self.entry = await self._stack.enter_async_context(
            fresh_home_assistant(entry, self.config_dir, TIME_ZONE, self._stopped)
        )
        self._started = True

    async def async_new_log(
        self, entry: MockConfigEntry, start: datetime, freezer: FrozenDateTimeFactory
    ) -> None:
        """A new log at ``start``: the last sequence's is removed, its storage emptied."""
        if self._started:
            for old in self.hass.config_entries.async_entries(DOMAIN):
                assert await self.hass.config_entries.async_remove(old.entry_id)
        for key in [
            key for key in self.hass_storage if key.startswith(DOMAIN) and key != BLUEPRINTS_KEY
        ]:
            del self.hass_storage[key]
        freezer.move_to(start)
        if not self._started:
            await self._async_start(entry)
            return
        async_fire_time_changed(self.hass)
        await self.hass.async_block_till_done()
        entry.add_to_hass(self.hass)
        assert await self.hass.config_entries.async_setup(entry.entry_id)
        await self.hass.async_block_till_done()
        self.entry = entry

    async def async_stop(self) -> None:
        """Stop it; the stop must have written everything (the unload after it writes nothing)."""
        self._started = False
        await self._stack.aclose()
        assert self._ours() == self._at_stop, "the unload after the stop wrote to storage"

    async def async_close(self) -> None:
        """Stop it, without checks (after a failure: the next sequence starts afresh)."""
        self._started = False
        await self._stack.aclose()

    async def async_restart(self) -> None:
        """A fresh Home Assistant on what the stopped one left in storage."""
        await self.async_stop()
        await self._async_start(self.entry)


@pytest.fixture
async def running(hass: HomeAssistant, hass_storage: dict[str, Any]) -> AsyncIterator[Running]:
    """The Home Assistants of the sequences (the fixture lasts for all of them)."""
    running = Running(hass.config.config_dir, hass_storage)
    yield running
    if running.started:
        await running.async_stop()


@pytest.mark.usefixtures("time_zone")
@settings(
    max_examples=SEQUENCES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
@given(
    start=st.sampled_from(STARTS),
    steps=st.lists(_steps, min_size=1, max_size=STEPS),
)
async def test_random_sequences_match_the_model(
    running: Running,
    freezer: FrozenDateTimeFactory,
    start: datetime,
    steps: list[tuple[str, Any, Any, Any]],
) -> None:
    await running.async_new_log(make_entry(subentries_data=[PRODUCT]), start, freezer)
    model = Model()
    try:
        await _check(running.hass, model, "start")
        for step in steps:
            if step[0] == "restart":
                await running.async_restart()
            else:
                await _step(running.hass, running.entry, model, freezer, step)
            await _check(running.hass, model, step)
    except BaseException:
        await running.async_close()  # the failure is the one to report
        raise
