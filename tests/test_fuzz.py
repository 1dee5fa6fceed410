"""Hostile input: every action either stores a valid record or refuses with a message.

Hypothesis draws payloads of every shape (text, huge and negative numbers, NaN, infinity, wrong
types, unknown keys, far-away dates) for each action; a refused call leaves storage unchanged.
Random and very long text through the conversation agent is answered (or not understood),
never with an error, and nothing is logged.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
import logging
import math
from typing import Any

from homeassistant.components import conversation
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.const import EVENT_HOMEASSISTANT_FINAL_WRITE
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import intent
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from hypothesis import HealthCheck, event, given, settings, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.magnesium.compat import vol
from custom_components.magnesium.const import (
    DOMAIN,
    MAX_AREA_LENGTH,
    MAX_BATH_MINUTES,
    MAX_ELEMENTAL_MG,
    MAX_NOTE_LENGTH,
    MAX_SALT_G,
    MAX_SNOOZE_MINUTES,
    SIDE_EFFECT_SYMPTOMS,
)
from custom_components.magnesium.knowledge import FORMS, TOPICAL_FORM_KEYS
from custom_components.magnesium.schedule import Reminder, SlotState

from .conftest import call, setup_entry

EXAMPLES = 1000

_dates = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
).map(datetime.isoformat)
_anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=700),
    _dates,
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)
_amounts = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf, 0, -5, 1e30, "12", "NaN", "1e400"]),
    st.floats(min_value=-1e6, max_value=1e6),
    st.sampled_from([1, 150, 2000, 20000]),
    _anything,
)
_form_keys = st.sampled_from([form.key for form in FORMS])
_forms = st.one_of(_form_keys, _form_keys, st.text(max_size=30), _anything)
_products = st.one_of(
    st.sampled_from(["Pure glycinate", "glycinate", "citrate powder", "zinc"]),
    st.text(max_size=30),
    _anything,
)
_units = st.one_of(st.sampled_from([1, 2, 1.5, 0.5, 100, 101, 10000]), _amounts)
_reminders = st.one_of(
    st.sampled_from([key.value for key in Reminder]),
    st.sampled_from(["Morning", "epsom bath", "bath", "noon", ""]),
    _anything,
)
_snooze_minutes = st.one_of(
    st.sampled_from([1, 30, 240, 240.5, 241, 0.5, 0, -1, "30", " 45 ", "1e400", True]),
    _amounts,
)
PRODUCTS = [
    ConfigSubentryData(
        data={
            "name": name,
            "form": form,
            "amount_mg": amount,
            "basis": basis,
            "unit": unit,
            "stock": 60,
            "stock_offset": 0,
            "low_days": 7,
        },
        subentry_id=subentry_id,
        subentry_type="product",
        title=name,
        unique_id=None,
    )
    for name, form, amount, basis, unit, subentry_id in (
        ("Pure glycinate", "glycinate", 100, "elemental", "capsule", "glyc"),
        ("Citrate powder", "citrate", 1000, "compound", "scoop", "citr"),
    )
]

FIELDS: dict[str, dict[str, st.SearchStrategy[Any]]] = {
    "log_dose": {
        "form": _forms,
        "amount_mg": _amounts,
        "basis": st.one_of(st.sampled_from(["elemental", "compound"]), _anything),
        "product": _products,
        "units": _units,
        "taken_at": st.one_of(_dates, _anything),
        "note": _anything,
    },
    "refill": {"product": _products, "units": _units, "taken_at": _dates, "note": _anything},
    "log_topical": {
        "form": _forms,
        "area": _anything,
        "amount_mg": _amounts,
        "taken_at": _dates,
        "note": _anything,
    },
    "log_bath": {"salt_g": _amounts, "minutes": _amounts, "taken_at": _dates, "note": _anything},
    "log_side_effect": {
        "symptom": st.one_of(st.sampled_from(["nausea", "cramping", "Diarrhoea"]), _anything),
        "taken_at": _dates,
        "note": _anything,
    },
    "log_medicine": {
        "medicine": st.one_of(
            st.sampled_from(["ciprofloxacin", "Doxycycline", "gabapentin", "diuretics", "aspirin"]),
            _anything,
        ),
        "taken_at": st.one_of(_dates, _anything),
        "note": _anything,
    },
    "delete_record": {"record_id": st.one_of(st.text(max_size=30), _anything)},
    "undo": {},
    "get_log": {"start": st.one_of(_dates, _anything), "end": st.one_of(_dates, _anything)},
    "skip_reminder": {"reminder": _reminders},
    "snooze_reminder": {"reminder": _reminders, "minutes": _snooze_minutes},
}
# the actions that answer nothing (called without asking for a response)
NO_RESPONSE = {"skip_reminder", "snooze_reminder"}

# Values of the right type and near the right range, so that a good share of the calls gets
# past the schema to the integration's own checks (and past them): the hostile values above
# alone almost never make a whole payload that is stored.
_minutes_ago = st.integers(min_value=-5, max_value=60 * 24 * 100).map(
    lambda minutes: (dt_util.utcnow() - timedelta(minutes=minutes)).isoformat()
)
_recent = st.one_of(
    _minutes_ago,
    _minutes_ago,
    st.datetimes(
        min_value=datetime(1990, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
    ).map(datetime.isoformat),
)
_notes = st.text(max_size=MAX_NOTE_LENGTH + 10)
_mg = st.one_of(
    st.integers(min_value=1, max_value=int(MAX_ELEMENTAL_MG) + 10),
    st.floats(min_value=0.01, max_value=3 * MAX_ELEMENTAL_MG),
)
_whole_units = st.integers(min_value=1, max_value=120)
_product_names = st.sampled_from(["Pure glycinate", "glycinate", "citrate powder", "Citrate"])
_Fields = dict[str, st.SearchStrategy[Any]]
# per action, the shapes of a well-formed payload: the fields it always has, and those it may
_times: _Fields = {"taken_at": _recent, "note": _notes}
WELL_FORMED: dict[str, list[tuple[_Fields, _Fields]]] = {
    "log_dose": [
        (
            {"form": _form_keys, "amount_mg": _mg},
            {"basis": st.sampled_from(["elemental", "compound"]), **_times},
        ),
        (
            {
                "product": _product_names,
                "units": st.one_of(_whole_units, st.sampled_from([0.5, 1.5, 2.25])),
            },
            _times,
        ),
    ],
    "refill": [({"product": _product_names, "units": _whole_units}, _times)],
    "log_topical": [
        (
            {},
            {
                "form": st.sampled_from([*TOPICAL_FORM_KEYS, "glycinate"]),
                "area": st.text(max_size=MAX_AREA_LENGTH + 10),
                "amount_mg": _mg,
                **_times,
            },
        )
    ],
    "log_bath": [
        (
            {},
            {
                "salt_g": st.integers(min_value=1, max_value=int(MAX_SALT_G) + 10),
                "minutes": st.integers(min_value=1, max_value=int(MAX_BATH_MINUTES) + 10),
                **_times,
            },
        )
    ],
    "log_side_effect": [
        ({"symptom": st.sampled_from([*SIDE_EFFECT_SYMPTOMS, " Nausea ", "headache"])}, _times)
    ],
    "log_medicine": [
        (
            {
                "medicine": st.sampled_from(
                    ["ciprofloxacin", "Doxycycline", "alendronate", "aspirin"]
                )
            },
            _times,
        )
    ],
    "delete_record": [({}, {})],  # an id of the log is drawn in the test
    "undo": [({}, {})],
    "get_log": [({}, {"start": _recent, "end": _recent})],
    "skip_reminder": [({"reminder": st.sampled_from([key.value for key in Reminder])}, {})],
    "snooze_reminder": [
        (
            {"reminder": st.sampled_from([key.value for key in Reminder])},
            {"minutes": st.integers(min_value=0, max_value=MAX_SNOOZE_MINUTES + 1)},
        )
    ],
}


def payloads(service: str) -> st.SearchStrategy[dict[str, Any]]:
    """Payloads with any subset of the action's fields, hostile or well-formed, sometimes
    with an unknown key."""
    return st.one_of(
        st.fixed_dictionaries({}, optional={**FIELDS[service], "unknown_key": _anything}),
        *(
            st.fixed_dictionaries(required, optional=optional)
            for required, optional in WELL_FORMED[service]
        ),
    )


def _stored(hass_storage: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(
        {key: value for key, value in hass_storage.items() if key.startswith(DOMAIN)}
    )


def _valid(record: dict[str, Any]) -> None:
    for key in ("elemental_mg", "compound_mg", "salt_g", "minutes", "units"):
        if key in record:
            assert isinstance(record[key], float | int), record
            assert math.isfinite(record[key]), record
            assert record[key] > 0, record
    taken_at = datetime.fromisoformat(record["taken_at"])
    assert taken_at.year >= 2000, record
    assert taken_at <= dt_util.utcnow() + timedelta(minutes=1), record


async def _settle(hass: HomeAssistant) -> None:
    """Write what earlier calls left pending: the index (``INDEX_SAVE_DELAY`` after a dose)
    and, a second after a change, the reminders' day and the low-stock state. A delayed write
    firing during a later call would change storage while that call is checked.

    ``async_fire_time_changed`` does not write them: a ``Store`` puts a delayed write off
    again while the event loop's own clock has not reached its time. They are written as at
    shutdown, by the final-write event that a ``Store`` with a pending write listens to.
    """
    for entry in hass.config_entries.async_loaded_entries(DOMAIN):
        await entry.runtime_data.tracker.async_flush()
    hass.bus.async_fire(EVENT_HOMEASSISTANT_FINAL_WRITE)
    await hass.async_block_till_done()


async def _setup(hass: HomeAssistant, service: str) -> MockConfigEntry:
    entry = await setup_entry(hass, subentries_data=PRODUCTS)
    if service not in NO_RESPONSE:
        await call(hass, "log_dose", form="glycinate", amount_mg=10)
        return entry
    # every reminder due from just after midnight on, whenever the test runs: a dose would
    # settle one, so none is logged
    for entity_id, at in (
        ("time.alex_morning_dose_time", "00:00:00"),
        ("time.alex_evening_dose_time", "00:01:00"),
        ("time.alex_epsom_bath_time", "00:00:00"),
    ):
        await hass.services.async_call(
            "time", "set_value", {"entity_id": entity_id, "time": at}, blocking=True
        )
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.alex_epsom_bath_reminder"}, blocking=True
    )
    await hass.async_block_till_done()
    return entry


def _reminder_state(entry: MockConfigEntry) -> tuple[Any, ...]:
    """What the reminder actions change: the day's skipped and snoozed reminders."""
    day = entry.runtime_data.reminders.day_state
    return day.day, sorted(day.skipped), dict(day.snoozed_until)


def _check_reminder(
    hass_storage: dict[str, Any],
    entry: MockConfigEntry,
    service: str,
    payload: dict[str, Any],
    called_at: datetime,
) -> None:
    """A reminder skipped, or snoozed by the minutes asked (else the default), and stored."""
    key = Reminder(str(payload["reminder"]))
    reminders = entry.runtime_data.reminders
    status = reminders.status(key)
    stored = hass_storage[f"{DOMAIN}.{entry.entry_id}.reminders"]["data"]["day"]
    if service == "skip_reminder":
        assert status.state is SlotState.SKIPPED, status
        assert key.value in stored["skipped"]
        return
    assert status.state is SlotState.SNOOZED, status
    assert status.snoozed_until is not None
    delay = reminders.options.snooze
    if payload.get("minutes") is not None:
        delay = timedelta(minutes=float(payload["minutes"]))
    assert 1 <= delay.total_seconds() / 60 <= MAX_SNOOZE_MINUTES, payload
    assert called_at + delay <= status.snoozed_until <= dt_util.utcnow() + delay
    assert datetime.fromisoformat(stored["snoozed_until"][key.value]) == status.snoozed_until


@pytest.mark.parametrize("service", list(FIELDS))
@pytest.mark.usefixtures("time_zone")
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
@given(data=st.data())
async def test_every_payload_is_stored_valid_or_refused(
    hass: HomeAssistant, hass_storage: dict[str, Any], service: str, data: st.DataObject
) -> None:
    entries = hass.config_entries.async_entries(DOMAIN)
    entry = entries[0] if entries else await _setup(hass, service)
    payload = data.draw(payloads(service))
    if service == "delete_record" and data.draw(st.booleans()):
        log = await call(hass, "get_log", start="1999-01-01T00:00:00+00:00")
        if log["records"]:
            payload["record_id"] = data.draw(st.sampled_from(log["records"]))["id"]
    await _settle(hass)
    before = _stored(hass_storage)
    reminders_before = _reminder_state(entry)
    called_at = dt_util.utcnow()
    try:
        response = await hass.services.async_call(
            DOMAIN,
            service,
            payload,
            blocking=True,
            return_response=service not in NO_RESPONSE,
        )
    except (ServiceValidationError, vol.Invalid) as err:
        refused: Exception | None = err
    else:
        refused = None
    event("refused" if refused is not None else "succeeded")  # --hypothesis-show-statistics
    if refused is not None:
        # a message for the user, and nothing stored or changed
        assert str(refused) or getattr(refused, "translation_key", None)
        assert _stored(hass_storage) == before
        after = _reminder_state(entry)
        assert after == reminders_before or after[0] != reminders_before[0]  # a new day
        return
    if service in NO_RESPONSE:
        assert response is None
        await _settle(hass)
        _check_reminder(hass_storage, entry, service, payload, called_at)
        return
    assert isinstance(response, dict)
    if service.startswith("log_") or service == "refill":
        _valid(response)
    if "product" in response:
        # a whole number of capsules; never both a product and a form's amount
        assert "form" not in payload
        assert "amount_mg" not in payload
        assert response["product_id"] != "glyc" or float(response["units"]).is_integer()
    if service == "get_log":
        assert _stored(hass_storage) == before
    if service in ("undo", "delete_record"):  # keep something to remove
        await call(hass, "log_dose", form="glycinate", amount_mg=10)


_words = st.sampled_from(
    [
        "I",
        "took",
        "magnesium",
        "mg",
        "milligrams",
        "of",
        "glycinate",
        "my",
        "evening",
        "undo",
        "the",
        "last",
        "200",
        "-5",
        "nan",
        "1e400",
        "epsom",
        "bath",
        "how",
        "much",
        "today",
        "?",
    ]
)
# the integration's own sentences (sentences/en.yaml), their wildcards filled with anything:
# these reach its intent handlers
TEMPLATES = [
    "I took {amount} mg of {form}",
    "I just had {amount} milligrams of magnesium {form}",
    "log {amount} mg of {form}",
    "I took a {amount} mg magnesium {form}",
    "I took {units} capsules of {product}",
    "log {units} scoops of my {product}",
    "what is magnesium {form} good for",
    "tell me about magnesium {form}",
    "magnesium {form} or {other}",
    "can I take magnesium with {medicine}",
    "how long between magnesium and {medicine}",
    "how much magnesium has {name} taken today",
    "how much magnesium does {name} have left",
    "when is the next magnesium dose for {name}",
    "when can {name} take magnesium again",
    "what was the last magnesium dose for {name}",
    "when did {name} last have an epsom bath",
    "has {name} taken their evening magnesium yet",
    "how much magnesium did I take today",
    "how much magnesium is left today",
    "when is my next magnesium dose",
    "can I take my magnesium now",
    "what's the maximum magnesium per day",
    "did I take my magnesium tonight",
    "I took my evening magnesium",
    "log my morning dose",
    "I just had an epsom salt bath",
    "undo the last magnesium entry",
]
_fill = st.one_of(
    st.sampled_from(["glycinate", "citrate", "Alex", "alex", "Pure glycinate", "citrate powder"]),
    st.sampled_from(["zinc", "0", "-5", "nan", "inf", "1e400", "two", "half a", "a", "1,5"]),
    st.integers(min_value=-(10**6), max_value=10**12).map(str),
    st.floats().map(str),
    st.text(max_size=40),
)
_filled = st.tuples(
    st.sampled_from(TEMPLATES),
    st.fixed_dictionaries(
        dict.fromkeys(("amount", "form", "units", "product", "other", "medicine", "name"), _fill)
    ),
).map(lambda drawn: drawn[0].format(**drawn[1]))
_sentences = st.one_of(
    st.text(max_size=300),
    st.lists(_words, max_size=12).map(" ".join),
    _filled,
    _filled,
    # long, but not so long that Home Assistant 2025.4's own matcher takes minutes (it needs
    # about 20 s for 10,000 characters, with or without this integration)
    st.sampled_from(["x" * 3000, "magnesium " * 300, "I took " + "9" * 500 + " mg of glycinate"]),
)


# the error answers of text that matches no sentence (or no entity of Home Assistant's own)
NOT_UNDERSTOOD = {
    intent.IntentResponseErrorCode.NO_INTENT_MATCH,
    intent.IntentResponseErrorCode.NO_VALID_TARGETS,
}


@pytest.fixture
async def agent(hass: HomeAssistant, time_zone: str) -> None:
    """The conversation agent, on the real clock (a frozen clock slows hypothesis down)."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    assert await async_setup_component(hass, "intent", {})


@pytest.mark.usefixtures("agent")
@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
@given(text=_sentences)
async def test_random_text_to_the_agent_never_raises_or_logs_unasked(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture, text: str
) -> None:
    if not hass.config_entries.async_entries(DOMAIN):
        await setup_entry(hass, subentries_data=PRODUCTS)
    before = len((await call(hass, "get_log"))["records"])
    caplog.clear()
    result = await conversation.async_converse(hass, text, None, Context(), language="en")
    response = result.response
    speech = response.speech["plain"]["speech"]
    assert isinstance(speech, str)
    # Home Assistant turns a handler's exception into an error answer ("Error handling ...")
    # and logs it: an answer, or text not understood, is all that may come back
    if response.response_type is intent.IntentResponseType.ERROR:
        assert response.error_code in NOT_UNDERSTOOD, (text, response.error_code, speech)
    # nothing logged; the event loop's own "took 0.1 seconds" warnings (debug mode, a slow
    # machine) are not the answer's
    logged = [
        record
        for record in caplog.records
        if record.levelno >= logging.ERROR
        or (record.levelno >= logging.WARNING and record.name != "asyncio")
    ]
    assert not logged, [record.getMessage() for record in logged]
    after = (await call(hass, "get_log"))["records"]
    if len(after) > before:
        # only a well-formed dose sentence logs, one record with a valid amount
        assert len(after) == before + 1
        assert text.lower().startswith(("i took", "i had", "log", "i just"))
        _valid(after[-1])
    elif len(after) < before:
        assert len(after) == before - 1
        assert text.lower().startswith(("undo", "delete", "remove"))
