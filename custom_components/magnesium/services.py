"""Actions: log intake, undo, delete and read the log.

Over 400 lines: eleven actions with their schemas; they shrink to translating and rendering once the
command layer holds the logging rules.
"""

from __future__ import annotations

from datetime import datetime, timedelta
import math
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError, Unauthorized
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util

from .access import async_may_change
from .compat import vol
from .const import (
    ATTR_AMOUNT_MG,
    ATTR_AREA,
    ATTR_BASIS,
    ATTR_CONFIG_ENTRY_ID,
    ATTR_END,
    ATTR_FORM,
    ATTR_MEDICINE,
    ATTR_MINUTES,
    ATTR_MINUTES_DELAY,
    ATTR_NOTE,
    ATTR_PRODUCT,
    ATTR_RECORD_ID,
    ATTR_REMINDER,
    ATTR_SALT_G,
    ATTR_START,
    ATTR_SYMPTOM,
    ATTR_TAKEN_AT,
    ATTR_UNITS,
    BASIS_COMPOUND,
    BASIS_ELEMENTAL,
    DOMAIN,
    EARLIEST_YEAR,
    MAX_AREA_LENGTH,
    MAX_BATH_MINUTES,
    MAX_COMPOUND_MG,
    MAX_ELEMENTAL_MG,
    MAX_NOTE_LENGTH,
    MAX_REFILL_UNITS,
    MAX_SALT_G,
    MAX_SNOOZE_MINUTES,
    MAX_TOPICAL_MG,
    SERVICE_DELETE_RECORD,
    SERVICE_GET_LOG,
    SERVICE_LOG_BATH,
    SERVICE_LOG_DOSE,
    SERVICE_LOG_MEDICINE,
    SERVICE_LOG_SIDE_EFFECT,
    SERVICE_LOG_TOPICAL,
    SERVICE_REFILL,
    SERVICE_SKIP_REMINDER,
    SERVICE_SNOOZE_REMINDER,
    SERVICE_UNDO,
    SIDE_EFFECT_SYMPTOMS,
)
from .knowledge import (
    FORMS,
    ORAL_FORM_KEYS,
    SIDE_EFFECTS,
    SPACED_INTERACTIONS,
    TOPICAL_FORM_KEYS,
    Form,
    find_form,
    match_medicine,
)
from .ledger import Kind, Record, RecordNotFoundError, Source, make_record
from .products import MAX_UNITS_PER_DOSE, Product, dose_record, find_products, refill_record
from .reminders import spacing_fields
from .schedule import Reminder

if TYPE_CHECKING:
    from .runtime import MagnesiumData
    from .tracker import MagnesiumTracker

FUTURE_TOLERANCE = timedelta(minutes=1)


def _number(value: Any) -> float:
    """A number (text of one is read too; true and false are not numbers)."""
    if isinstance(value, bool):
        raise vol.Invalid(f"expected a number, got {value!r}")
    return float(vol.Coerce(float)(value))


_ENTRY = vol.Optional(ATTR_CONFIG_ENTRY_ID)
_TAKEN_AT = vol.Optional(ATTR_TAKEN_AT)
_NOTE = vol.Optional(ATTR_NOTE)

LOG_DOSE_SCHEMA = vol.Schema(
    {
        _ENTRY: cv.string,
        vol.Optional(ATTR_FORM): cv.string,
        vol.Optional(ATTR_AMOUNT_MG): _number,
        vol.Optional(ATTR_BASIS): vol.In([BASIS_ELEMENTAL, BASIS_COMPOUND]),
        vol.Optional(ATTR_PRODUCT): cv.string,
        vol.Optional(ATTR_UNITS): _number,
        _TAKEN_AT: cv.datetime,
        _NOTE: vol.All(cv.string, vol.Length(max=MAX_NOTE_LENGTH)),
    }
)
LOG_TOPICAL_SCHEMA = vol.Schema(
    {
        _ENTRY: cv.string,
        vol.Optional(ATTR_FORM, default="chloride"): cv.string,
        vol.Optional(ATTR_AREA): vol.All(cv.string, vol.Length(max=MAX_AREA_LENGTH)),
        vol.Optional(ATTR_AMOUNT_MG): _number,
        _TAKEN_AT: cv.datetime,
        _NOTE: vol.All(cv.string, vol.Length(max=MAX_NOTE_LENGTH)),
    }
)
LOG_BATH_SCHEMA = vol.Schema(
    {
        _ENTRY: cv.string,
        vol.Optional(ATTR_SALT_G): _number,
        vol.Optional(ATTR_MINUTES): _number,
        _TAKEN_AT: cv.datetime,
        _NOTE: vol.All(cv.string, vol.Length(max=MAX_NOTE_LENGTH)),
    }
)
REFILL_SCHEMA = vol.Schema(
    {
        _ENTRY: cv.string,
        vol.Required(ATTR_PRODUCT): cv.string,
        vol.Required(ATTR_UNITS): _number,
        _TAKEN_AT: cv.datetime,
        _NOTE: vol.All(cv.string, vol.Length(max=MAX_NOTE_LENGTH)),
    }
)
UNDO_SCHEMA = vol.Schema({_ENTRY: cv.string})
DELETE_SCHEMA = vol.Schema({_ENTRY: cv.string, vol.Required(ATTR_RECORD_ID): cv.string})
LOG_SIDE_EFFECT_SCHEMA = vol.Schema(
    {
        _ENTRY: cv.string,
        vol.Required(ATTR_SYMPTOM): cv.string,
        _TAKEN_AT: cv.datetime,
        _NOTE: vol.All(cv.string, vol.Length(max=MAX_NOTE_LENGTH)),
    }
)
LOG_MEDICINE_SCHEMA = vol.Schema(
    {
        _ENTRY: cv.string,
        vol.Required(ATTR_MEDICINE): cv.string,
        _TAKEN_AT: cv.datetime,
        _NOTE: vol.All(cv.string, vol.Length(max=MAX_NOTE_LENGTH)),
    }
)
REMINDER_SCHEMA = vol.Schema({_ENTRY: cv.string, vol.Required(ATTR_REMINDER): cv.string})
SNOOZE_SCHEMA = REMINDER_SCHEMA.extend({vol.Optional(ATTR_MINUTES_DELAY): _number})
GET_LOG_SCHEMA = vol.Schema(
    {_ENTRY: cv.string, vol.Optional(ATTR_START): cv.datetime, vol.Optional(ATTR_END): cv.datetime}
)


def _invalid(key: str, **placeholders: Any) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={name: str(value) for name, value in placeholders.items()},
    )


def get_data(hass: HomeAssistant, entry_id: str | None) -> MagnesiumData:
    """The log and reminders of the chosen entry, or of the only one."""
    if entry_id is None:
        entries = hass.config_entries.async_loaded_entries(DOMAIN)
        if len(entries) != 1:
            raise _invalid("entry_required" if entries else "no_entries")
        return entries[0].runtime_data  # type: ignore[no-any-return]
    entry = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN:
        raise _invalid("entry_not_found", entry_id=entry_id)
    if entry.state is not ConfigEntryState.LOADED:
        raise _invalid("entry_not_loaded", name=entry.title)
    return entry.runtime_data  # type: ignore[no-any-return]


def get_tracker(hass: HomeAssistant, entry_id: str | None) -> MagnesiumTracker:
    """The log of the chosen entry, or of the only one."""
    return get_data(hass, entry_id).tracker


def _form_list() -> str:
    return ", ".join(form.key for form in FORMS)


def _find_form(text: str) -> Form:
    if (form := find_form(text)) is None:
        raise _invalid("unknown_form", form=text, forms=_form_list())
    return form


def _amount(value: float | None, maximum: float, *, required: bool = True) -> float | None:
    if value is None:
        if required:
            raise _invalid("amount_invalid", amount=value, maximum=maximum)
        return None
    if not math.isfinite(value) or value <= 0 or value > maximum:
        raise _invalid("amount_invalid", amount=value, maximum=f"{maximum:g}")
    return value


def _taken_at(value: datetime | None) -> datetime:
    now = dt_util.utcnow()
    if value is None:
        return now
    moment = dt_util.as_utc(value)
    if moment > now + FUTURE_TOLERANCE:
        raise _invalid("taken_at_future", taken_at=value.isoformat())
    if moment.year < EARLIEST_YEAR:
        raise _invalid("taken_at_too_old", taken_at=value.isoformat(), year=EARLIEST_YEAR)
    return moment


def record_response(record: Record) -> dict[str, Any]:
    """A record as an action response."""
    return {ATTR_RECORD_ID: record.id, **record.as_dict()}


def find_product(tracker: MagnesiumTracker, text: str) -> Product:
    """The one product a name means, or a translated error naming the products."""
    products = list(tracker.products.values())
    found = find_products(products, text)
    if len(found) == 1:
        return found[0]
    names = ", ".join(item.name for item in (found or products)) or "-"
    raise _invalid(
        "product_ambiguous" if found else "unknown_product", product=text, products=names
    )


def _check_units(product: Product, units: float | None, maximum: float) -> float:
    """Units of a product: more than 0, at most ``maximum``, whole when counted."""
    if units is None or not math.isfinite(units) or units <= 0 or units > maximum:
        raise _invalid("units_invalid", units=units, maximum=f"{maximum:g}")
    if product.countable and not float(units).is_integer():
        raise _invalid("units_not_whole", units=units, product=product.name, unit=product.unit)
    return units


def _product_units(product: Product, units: float | None) -> float:
    _check_units(product, units, MAX_UNITS_PER_DOSE)
    assert units is not None
    if (elemental := product.elemental_mg(units)) > MAX_ELEMENTAL_MG:
        raise _invalid("amount_invalid", amount=elemental, maximum=f"{MAX_ELEMENTAL_MG:g}")
    return units


def _log_product_record(tracker: MagnesiumTracker, data: dict[str, Any]) -> Record:
    if any(key in data for key in (ATTR_FORM, ATTR_AMOUNT_MG, ATTR_BASIS)):
        raise _invalid("product_and_form")
    product = find_product(tracker, data[ATTR_PRODUCT])
    units = _product_units(product, data.get(ATTR_UNITS))
    return dose_record(
        product, units, _taken_at(data.get(ATTR_TAKEN_AT)), Source.ACTION, data.get(ATTR_NOTE)
    )


async def _async_log_dose(call: ServiceCall) -> ServiceResponse:
    data = get_data(call.hass, call.data.get(ATTR_CONFIG_ENTRY_ID))
    tracker = data.tracker
    if ATTR_PRODUCT in call.data:
        record = _log_product_record(tracker, dict(call.data))
        await tracker.async_add(record)
        return await _dose_response(data, record)
    if ATTR_UNITS in call.data:
        raise _invalid("product_and_form")
    if ATTR_FORM not in call.data or ATTR_AMOUNT_MG not in call.data:
        raise _invalid("form_or_product")
    form = _find_form(call.data[ATTR_FORM])
    if not form.oral:
        raise _invalid("not_oral_form", form=form.key, forms=", ".join(ORAL_FORM_KEYS))
    compound_mg: float | None = None
    if call.data.get(ATTR_BASIS, BASIS_ELEMENTAL) == BASIS_COMPOUND:
        compound_mg = _amount(call.data[ATTR_AMOUNT_MG], MAX_COMPOUND_MG)
        assert compound_mg is not None
        elemental_mg = round(form.elemental_from_compound(compound_mg), 3)
    else:
        elemental = _amount(call.data[ATTR_AMOUNT_MG], MAX_ELEMENTAL_MG)
        assert elemental is not None
        elemental_mg = elemental
    record = make_record(
        taken_at=_taken_at(call.data.get(ATTR_TAKEN_AT)),
        kind=Kind.ORAL,
        form=form.key,
        source=Source.ACTION,
        elemental_mg=elemental_mg,
        compound_mg=compound_mg,
        note=call.data.get(ATTR_NOTE),
    )
    await tracker.async_add(record)
    return await _dose_response(data, record)


async def _dose_response(data: MagnesiumData, record: Record) -> dict[str, Any]:
    """The logged dose and the day's totals, with a warning when it fell in a medicine's window."""
    window = await data.reminders.async_check_dose(record)
    tracker = data.tracker
    today = tracker.today
    response: dict[str, Any] = {
        **record_response(record),
        "oral_today_mg": today.oral_mg,
        "remaining_mg": today.remaining_mg,
        "daily_limit_mg": today.daily_limit,
        "over_limit": today.over_limit,
    }
    if record.product_id and (product := tracker.products.get(record.product_id)):
        response["stock"] = tracker.outlook(product).stock
    if window is not None:
        response["warning"] = {
            "message": data.reminders.spacing_message(window, record.taken_at),
            **spacing_fields(window),
        }
    if today.over_limit and data.stock is not None:
        # said in words too: an amount typed wrong (1150 for 150) must not pass unnoticed
        response["message"] = data.stock.over_limit_message()
    return response


async def _async_log_medicine(call: ServiceCall) -> ServiceResponse:
    data = get_data(call.hass, call.data.get(ATTR_CONFIG_ENTRY_ID))
    text = call.data[ATTR_MEDICINE]
    match = match_medicine(text)
    if match.ambiguous:  # never a guess between two medicines
        raise _invalid("ambiguous_medicine", medicine=text, medicines=", ".join(match.candidates))
    item = match.interaction
    if item is None or not item.spaced:
        raise _invalid(
            "unknown_medicine",
            medicine=text,
            medicines=", ".join(medicine.key for medicine in SPACED_INTERACTIONS),
        )
    record = make_record(
        taken_at=_taken_at(call.data.get(ATTR_TAKEN_AT)),
        kind=Kind.MEDICINE,
        form=item.key,
        note=call.data.get(ATTR_NOTE),
    )
    await data.tracker.async_add(record)
    allowed = data.reminders.allowed_from()
    response: dict[str, Any] = {
        **record_response(record),
        "allowed_from": allowed[0].isoformat() if allowed else None,
    }
    if (found := await data.reminders.async_check_medicine(record)) is not None:
        dose_at, window = found
        response["warning"] = {
            "message": data.reminders.medicine_conflict_message(window, dose_at),
            "dose_at": dose_at.isoformat(),
            **spacing_fields(window),
        }
    return response


async def _async_refill(call: ServiceCall) -> ServiceResponse:
    tracker = get_tracker(call.hass, call.data.get(ATTR_CONFIG_ENTRY_ID))
    product = find_product(tracker, call.data[ATTR_PRODUCT])
    units = _check_units(product, call.data[ATTR_UNITS], MAX_REFILL_UNITS)
    record = refill_record(
        product, units, _taken_at(call.data.get(ATTR_TAKEN_AT)), call.data.get(ATTR_NOTE)
    )
    await tracker.async_add(record)
    view = tracker.outlook(product)
    return {
        **record_response(record),
        "stock": view.stock,
        "run_out": view.run_out.isoformat() if view.run_out else None,
    }


async def _async_log_topical(call: ServiceCall) -> ServiceResponse:
    tracker = get_tracker(call.hass, call.data.get(ATTR_CONFIG_ENTRY_ID))
    form = _find_form(call.data[ATTR_FORM])
    if form.key not in TOPICAL_FORM_KEYS:
        raise _invalid("not_topical_form", form=form.key, forms=", ".join(TOPICAL_FORM_KEYS))
    record = make_record(
        taken_at=_taken_at(call.data.get(ATTR_TAKEN_AT)),
        kind=Kind.TOPICAL,
        form=form.key,
        elemental_mg=_amount(call.data.get(ATTR_AMOUNT_MG), MAX_TOPICAL_MG, required=False),
        area=call.data.get(ATTR_AREA),
        note=call.data.get(ATTR_NOTE),
    )
    await tracker.async_add(record)
    return {**record_response(record), "topical_today": tracker.today.total.topical}


async def _async_log_bath(call: ServiceCall) -> ServiceResponse:
    tracker = get_tracker(call.hass, call.data.get(ATTR_CONFIG_ENTRY_ID))
    record = make_record(
        taken_at=_taken_at(call.data.get(ATTR_TAKEN_AT)),
        kind=Kind.BATH,
        form="sulfate",
        salt_g=_amount(call.data.get(ATTR_SALT_G), MAX_SALT_G, required=False),
        minutes=_amount(call.data.get(ATTR_MINUTES), MAX_BATH_MINUTES, required=False),
        note=call.data.get(ATTR_NOTE),
    )
    await tracker.async_add(record)
    return {**record_response(record), "baths_today": tracker.today.total.baths}


async def _async_log_side_effect(call: ServiceCall) -> ServiceResponse:
    data = get_data(call.hass, call.data.get(ATTR_CONFIG_ENTRY_ID))
    symptom = call.data[ATTR_SYMPTOM].strip().lower()
    if symptom not in SIDE_EFFECT_SYMPTOMS:
        raise _invalid("unknown_symptom", symptom=symptom, symptoms=", ".join(SIDE_EFFECT_SYMPTOMS))
    record = make_record(
        taken_at=_taken_at(call.data.get(ATTR_TAKEN_AT)),
        kind=Kind.SIDE_EFFECT,
        form=symptom,
        note=call.data.get(ATTR_NOTE),
    )
    await data.tracker.async_add(record)
    return {
        **record_response(record),
        "side_effects_7d": data.tracker.today.side_effects_7d,
        "advice": SIDE_EFFECTS.text,
    }


def _reminder(text: str) -> Reminder:
    try:
        return Reminder(text)
    except ValueError as err:
        raise _invalid(
            "unknown_reminder", reminder=text, reminders=", ".join(item.value for item in Reminder)
        ) from err


async def _async_skip_reminder(call: ServiceCall) -> None:
    data = get_data(call.hass, call.data.get(ATTR_CONFIG_ENTRY_ID))
    key = _reminder(call.data[ATTR_REMINDER])
    if not data.reminders.async_skip(key):
        raise _invalid("reminder_settled", reminder=key.value)


async def _async_snooze_reminder(call: ServiceCall) -> None:
    data = get_data(call.hass, call.data.get(ATTR_CONFIG_ENTRY_ID))
    key = _reminder(call.data[ATTR_REMINDER])
    delay = None
    if (minutes := call.data.get(ATTR_MINUTES_DELAY)) is not None:
        if not math.isfinite(minutes) or not 1 <= minutes <= MAX_SNOOZE_MINUTES:
            raise _invalid("snooze_invalid", minutes=minutes, maximum=MAX_SNOOZE_MINUTES)
        delay = timedelta(minutes=minutes)
    if not data.reminders.async_snooze(key, delay):
        raise _invalid("reminder_not_due", reminder=key.value)


async def _async_tracker_to_change(call: ServiceCall) -> MagnesiumTracker:
    """The chosen log, when the caller may remove records from it."""
    tracker = get_tracker(call.hass, call.data.get(ATTR_CONFIG_ENTRY_ID))
    if not await async_may_change(call.hass, call.context.user_id, tracker):
        raise Unauthorized(context=call.context, config_entry_id=tracker.entry_id)
    return tracker


async def _async_undo(call: ServiceCall) -> ServiceResponse:
    tracker = await _async_tracker_to_change(call)
    record = await tracker.async_undo()
    if record is None:
        raise _invalid("nothing_to_undo")
    return {"removed": record_response(record), "oral_today_mg": tracker.today.oral_mg}


async def _async_delete_record(call: ServiceCall) -> ServiceResponse:
    tracker = await _async_tracker_to_change(call)
    record_id = call.data[ATTR_RECORD_ID]
    try:
        record = await tracker.async_remove(record_id)
    except RecordNotFoundError as err:
        raise _invalid("record_not_found", record_id=record_id) from err
    return {"removed": record_response(record), "oral_today_mg": tracker.today.oral_mg}


async def _async_get_log(call: ServiceCall) -> ServiceResponse:
    tracker = get_tracker(call.hass, call.data.get(ATTR_CONFIG_ENTRY_ID))
    start_utc = _as_utc(call.data.get(ATTR_START))
    end_utc = _as_utc(call.data.get(ATTR_END))
    if start_utc and end_utc and start_utc > end_utc:
        raise _invalid("range_invalid", start=start_utc.isoformat(), end=end_utc.isoformat())
    records, days = await tracker.async_get_log(start_utc, end_utc)
    return {
        "records": [record.as_dict() for record in records],
        "days": [
            {
                "date": day.isoformat(),
                "oral_mg": total.oral_mg,
                "oral_doses": total.oral_doses,
                "topical": total.topical,
                "baths": total.baths,
                "side_effects": total.side_effects,
            }
            for day, total in days
        ],
        "daily_limit_mg": tracker.settings.daily_limit,
    }


def _as_utc(value: datetime | None) -> datetime | None:
    return dt_util.as_utc(value) if value is not None else None


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions."""
    for name, handler, schema, supports in (
        (SERVICE_LOG_DOSE, _async_log_dose, LOG_DOSE_SCHEMA, SupportsResponse.OPTIONAL),
        (SERVICE_LOG_TOPICAL, _async_log_topical, LOG_TOPICAL_SCHEMA, SupportsResponse.OPTIONAL),
        (SERVICE_LOG_BATH, _async_log_bath, LOG_BATH_SCHEMA, SupportsResponse.OPTIONAL),
        (SERVICE_REFILL, _async_refill, REFILL_SCHEMA, SupportsResponse.OPTIONAL),
        (SERVICE_UNDO, _async_undo, UNDO_SCHEMA, SupportsResponse.OPTIONAL),
        (SERVICE_DELETE_RECORD, _async_delete_record, DELETE_SCHEMA, SupportsResponse.OPTIONAL),
        (
            SERVICE_LOG_SIDE_EFFECT,
            _async_log_side_effect,
            LOG_SIDE_EFFECT_SCHEMA,
            SupportsResponse.OPTIONAL,
        ),
        (
            SERVICE_LOG_MEDICINE,
            _async_log_medicine,
            LOG_MEDICINE_SCHEMA,
            SupportsResponse.OPTIONAL,
        ),
        (SERVICE_SKIP_REMINDER, _async_skip_reminder, REMINDER_SCHEMA, SupportsResponse.NONE),
        (SERVICE_SNOOZE_REMINDER, _async_snooze_reminder, SNOOZE_SCHEMA, SupportsResponse.NONE),
        (SERVICE_GET_LOG, _async_get_log, GET_LOG_SCHEMA, SupportsResponse.ONLY),
    ):
        hass.services.async_register(
            DOMAIN, name, handler, schema=schema, supports_response=supports
        )
