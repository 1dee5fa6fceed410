"""Hostile input: every action either stores a valid record or refuses with a message.

Hypothesis draws payloads of every shape (text, huge and negative numbers, NaN, infinity, wrong
types, unknown keys, far-away dates) for each action; a refused call leaves storage unchanged.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
import math
from typing import Any

from homeassistant.components import conversation
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.setup import async_setup_component
from hypothesis import HealthCheck, given, settings, strategies as st
import pytest

from custom_components.magnesium.compat import vol
from custom_components.magnesium.const import DOMAIN
from custom_components.magnesium.knowledge import FORMS

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
}


def payloads(service: str) -> st.SearchStrategy[dict[str, Any]]:
    """Payloads with any subset of the action's fields, sometimes with an unknown key."""
    optional = {**FIELDS[service], "unknown_key": _anything}
    return st.fixed_dictionaries({}, optional=optional)


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
    assert datetime.fromisoformat(record["taken_at"]).year >= 2000


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
    if not hass.config_entries.async_entries(DOMAIN):
        await setup_entry(hass, subentries_data=PRODUCTS)
        await call(hass, "log_dose", form="glycinate", amount_mg=10)
    payload = data.draw(payloads(service))
    before = _stored(hass_storage)
    try:
        response = await hass.services.async_call(
            DOMAIN, service, payload, blocking=True, return_response=True
        )
    except (ServiceValidationError, vol.Invalid) as err:
        refused: Exception | None = err
    else:
        refused = None
    if refused is not None:
        # a message for the user, and nothing stored
        assert str(refused) or getattr(refused, "translation_key", None)
        assert _stored(hass_storage) == before
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
    if service == "undo":  # keep something to undo
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
_sentences = st.one_of(
    st.text(max_size=300),
    st.lists(_words, max_size=12).map(" ".join),
    # long, but not so long that Home Assistant 2025.4's own matcher takes minutes (it needs
    # about 20 s for 10,000 characters, with or without this integration)
    st.sampled_from(["x" * 3000, "magnesium " * 300, "I took " + "9" * 500 + " mg of glycinate"]),
)


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
    hass: HomeAssistant, text: str
) -> None:
    if not hass.config_entries.async_entries(DOMAIN):
        await setup_entry(hass)
    before = len((await call(hass, "get_log"))["records"])
    result = await conversation.async_converse(hass, text, None, Context(), language="en")
    assert isinstance(result.response.speech["plain"]["speech"], str)
    after = (await call(hass, "get_log"))["records"]
    if len(after) > before:
        # only a well-formed dose sentence logs, one record with a valid amount
        assert len(after) == before + 1
        assert text.lower().startswith(("i took", "i had", "log", "i just"))
        _valid(after[-1])
    elif len(after) < before:
        assert len(after) == before - 1
        assert text.lower().startswith(("undo", "delete", "remove"))
