"""Intents: questions about forms, safety and a person's own magnesium; commands that log.

Over 400 lines: twenty handlers with their slot schemas; they shrink to translating and rendering
once the command layer holds the logging rules.

The intent integration loads this platform (``async_setup_intents``); the handlers then serve the
built-in agent (through the sentence triggers of ``assist.py``) and LLM agents (as tools:
listed by the Assist API itself before 2026.8, by ``llm.py`` since). Each
handler resolves whose magnesium is meant, asks ``answers`` for the words and speaks them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, time
import logging
import math
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv, intent
from homeassistant.util import dt as dt_util

from .access import async_may_change, person_of_user
from .answers import BATH_TOPICS, GOALS, SAFETY_TOPICS, Answers, Dose
from .compat import vol
from .const import DOMAIN, MAX_AREA_LENGTH, MAX_COMPOUND_MG, MAX_ELEMENTAL_MG
from .grammar import number
from .knowledge import UPPER_LIMIT_ADULT_MG, find_form, normalize
from .ledger import Kind, Record, RecordNotFoundError, Source, make_record
from .products import Product, dose_record, find_products
from .runtime import MagnesiumData
from .schedule import SLOT_REMINDERS, Slot, SlotState, slot_amount, windows
from .texts import DATA_SENTENCES, answers_for, async_load_texts, medicine_topics

_LOGGER = logging.getLogger(__name__)

INTENT_FORM_INFO = "MagnesiumFormInfo"
INTENT_COMPARE = "MagnesiumCompareForms"
INTENT_GOAL = "MagnesiumFormForGoal"
INTENT_SAFETY = "MagnesiumSafety"
INTENT_INTERACTION = "MagnesiumInteraction"
INTENT_BATH_INFO = "MagnesiumBathInfo"
INTENT_TODAY = "MagnesiumToday"
INTENT_REMAINING = "MagnesiumRemaining"
INTENT_NEXT_DOSE = "MagnesiumNextDose"
INTENT_WHEN_ALLOWED = "MagnesiumWhenAllowed"
INTENT_LAST_DOSE = "MagnesiumLastDose"
INTENT_LAST_BATH = "MagnesiumLastBath"
INTENT_SLOT_TAKEN = "MagnesiumSlotTaken"
INTENT_LOG_DOSE = "MagnesiumLogDose"
INTENT_LOG_PLANNED = "MagnesiumLogPlanned"
INTENT_LOG_BATH = "MagnesiumLogBath"
INTENT_UNDO = "MagnesiumUndo"
INTENT_AMOUNT_CHECK = "MagnesiumAmountCheck"
INTENT_EVIDENCE = "MagnesiumEvidence"
INTENT_LOG_TOPICAL = "MagnesiumLogTopical"

_NAME = {vol.Optional("name"): cv.string}
_SLOT = {vol.Required("slot"): vol.In([slot.value for slot in Slot])}


class UnanswerableError(Exception):
    """The intent cannot go on; the message says why (spoken)."""


@dataclass(frozen=True, slots=True)
class Request:
    """What a handler works with."""

    hass: HomeAssistant
    intent: intent.Intent
    answers: Answers
    slots: Mapping[str, Any]

    def slot(self, name: str) -> Any:
        """A slot's value, or None."""
        return self.slots.get(name, {}).get("value")

    def person(self) -> MagnesiumData:
        """Whose magnesium: the named person, the only one, or the speaking user's."""
        entries: list[ConfigEntry[MagnesiumData]] = self.hass.config_entries.async_loaded_entries(
            DOMAIN
        )
        if not entries:
            raise UnanswerableError(self.answers.say("not_set_up"))
        listed = self.answers.spoken_list([entry.title for entry in entries])
        if name := self.slot("name"):
            wanted = normalize(str(name))
            for entry in entries:
                if normalize(entry.title) == wanted:
                    return entry.runtime_data
            raise UnanswerableError(self.answers.say("unknown_person", name=name, names=listed))
        if len(entries) == 1:
            return entries[0].runtime_data
        if person := person_of_user(self.hass, self.intent.context.user_id):
            for entry in entries:
                if entry.runtime_data.tracker.settings.person == person:
                    return entry.runtime_data
        raise UnanswerableError(self.answers.say("which_person", names=listed))

    async def person_to_change(self) -> MagnesiumData:
        """Whose log a command changes: only the speaker's own, unless they are an admin."""
        data = self.person()
        if not await async_may_change(self.hass, self.intent.context.user_id, data.tracker):
            raise UnanswerableError(self.answers.say("not_yours", name=data.tracker.settings.name))
        return data


type Handler = Callable[[Request], Awaitable[str]]


class MagnesiumIntentHandler(intent.IntentHandler):
    """One intent: validates its slots, runs its handler and speaks the answer."""

    def __init__(
        self, intent_type: str, description: str, slots: dict[Any, Any], handler: Handler
    ) -> None:
        """Describe the intent (the description is what LLM agents read)."""
        self.intent_type = intent_type
        self.description = description
        self._slots = slots
        self._handler = handler

    @property
    def slot_schema(self) -> dict[Any, Any] | None:
        """The slots."""
        return self._slots

    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Answer."""
        hass = intent_obj.hass
        await async_load_texts(hass)
        slots = self.async_validate_slots(intent_obj.slots)
        request = Request(hass, intent_obj, answers_for(hass, intent_obj.language), slots)
        try:
            speech = await self._handler(request)
        except UnanswerableError as err:
            speech = str(err)
        response = intent_obj.create_response()
        response.async_set_speech(speech)
        return response


# -- questions about forms and safety --------------------------------------------------


async def _form_info(request: Request) -> str:
    return request.answers.form_info(str(request.slot("form")))


async def _compare(request: Request) -> str:
    return request.answers.compare(str(request.slot("form")), str(request.slot("other_form")))


async def _goal(request: Request) -> str:
    return request.answers.goal(str(request.slot("goal")))


async def _safety(request: Request) -> str:
    topic = str(request.slot("topic"))
    if topic == "limit" and (data := _person_or_none(request)) is not None:
        settings = data.tracker.settings
        return request.answers.safety(topic, settings.name, settings.daily_limit)
    return request.answers.safety(topic)


async def _amount_check(request: Request) -> str:
    amount = _amount(request.slot("amount"))
    if amount is None:
        return await _safety_limit(request)
    data = _person_or_none(request)
    if data is None:
        return request.answers.amount_check(amount, UPPER_LIMIT_ADULT_MG)
    today = data.tracker.today
    return request.answers.amount_check(
        amount, today.daily_limit, data.tracker.settings.name, today.oral_mg
    )


async def _safety_limit(request: Request) -> str:
    return request.answers.safety("limit")


def _person_or_none(request: Request) -> MagnesiumData | None:
    """The person meant, when there is one to mean; general answers need none."""
    if not request.hass.config_entries.async_loaded_entries(DOMAIN):
        return None
    try:
        return request.person()
    except UnanswerableError:
        return None


async def _evidence(request: Request) -> str:
    return request.answers.evidence()


async def _interaction(request: Request) -> str:
    topics = medicine_topics(request.hass, request.intent.language)
    return request.answers.interaction(str(request.slot("medicine")), topics)


async def _bath_info(request: Request) -> str:
    return request.answers.bath(str(request.slot("topic")))


# -- the person's own magnesium --------------------------------------------------------


def _local(moment: datetime) -> datetime:
    return dt_util.as_local(moment)


async def _today(request: Request) -> str:
    data = request.person()
    today = data.tracker.today
    return request.answers.today(
        data.tracker.settings.name, today.oral_mg, today.total.oral_doses, today.daily_limit
    )


async def _remaining(request: Request) -> str:
    data = request.person()
    today = data.tracker.today
    return request.answers.remaining(data.tracker.settings.name, today.oral_mg, today.daily_limit)


async def _next_dose(request: Request) -> str:
    data = request.person()
    evaluation = data.reminders.evaluation
    upcoming = None
    limit_reached = False
    if evaluation.next_dose is not None:
        at, _slot, amount, form = evaluation.next_dose
        upcoming = Dose(amount, form, _local(at))
        limit_reached = amount <= 0
    text = request.answers.next_dose(
        data.tracker.settings.name,
        upcoming,
        data.tracker.today.day,
        limit_reached=limit_reached,
    )
    if (allowed := data.reminders.allowed_from()) is not None:
        moment, window = allowed
        wait = request.answers.spacing_wait(
            window.medicine, _local(window.medicine_at), _local(moment), data.tracker.today.day
        )
        text = f"{text} {wait}"
    return text


async def _when_allowed(request: Request) -> str:
    data = request.person()
    today = data.tracker.today
    if today.remaining_mg <= 0:
        return request.answers.remaining(
            data.tracker.settings.name, today.oral_mg, today.daily_limit
        )
    if (allowed := data.reminders.allowed_from()) is None:
        return request.answers.say("spacing_allowed", name=data.tracker.settings.name)
    moment, window = allowed
    return request.answers.spacing_wait(
        window.medicine, _local(window.medicine_at), _local(moment), today.day
    )


async def _spacing_logged(data: MagnesiumData, answers: Answers, record: Record, text: str) -> str:
    """The answer to a logged dose, with a note when it fell in a medicine's window."""
    window = await data.reminders.async_check_dose(record)
    if window is None:
        return text
    note = answers.spacing_logged(
        window.medicine, _local(window.medicine_at), _local(window.allowed_from)
    )
    return f"{text} {note}"


async def _last_dose(request: Request) -> str:
    data = request.person()
    record = data.tracker.today.last_oral
    last = Dose(record.oral_mg, record.form, _local(record.taken_at)) if record else None
    return request.answers.last_dose(data.tracker.settings.name, last, data.tracker.today.day)


async def _last_bath(request: Request) -> str:
    data = request.person()
    record = data.tracker.today.last_bath
    return request.answers.last_bath(
        data.tracker.settings.name,
        _local(record.taken_at) if record else None,
        data.tracker.today.day,
    )


async def _slot_taken(request: Request) -> str:
    if request.slot("slot") is None:  # "have I taken my magnesium today?"
        return await _today(request)
    data = request.person()
    slot = Slot(request.slot("slot"))
    status = data.reminders.status(SLOT_REMINDERS[slot])
    taken = None
    if status.state is SlotState.SATISFIED:
        taken = _dose_in_window(data, slot)
    planned = None
    if status.state is not SlotState.DISABLED and status.due_at is not None:
        planned = Dose(status.amount_mg, status.form or "", _local(status.due_at))
    return request.answers.slot_taken(
        data.tracker.settings.name,
        slot.value,
        taken=taken,
        planned=planned,
        skipped=status.state is SlotState.SKIPPED,
    )


def _dose_in_window(data: MagnesiumData, slot: Slot) -> Dose | None:
    """The last oral dose logged in today's window of a slot."""
    plans = data.reminders.plan
    today = data.tracker.today
    window = windows(today.day, plans.morning.at, plans.evening.at, data.tracker.ledger.tz)[slot]
    for record in reversed(list(data.tracker.ledger.records_between(window.start, window.end))):
        if record.kind is Kind.ORAL:
            return Dose(record.oral_mg, record.form, _local(record.taken_at))
    return None  # pragma: no cover - a satisfied slot has a dose in its window


# -- commands ----------------------------------------------------------------------------


def _amount(text: Any) -> float | None:
    """An amount in digits or in words ("150", "2,5", "two hundred", "zweihundert")."""
    if text is None:
        return None
    value = number(str(text))
    return value if value is not None and math.isfinite(value) else None


def _nearest_slot_form(data: MagnesiumData) -> str:
    """The form planned for the dose nearest in time: "I took 400 mg of magnesium"."""
    plans = data.reminders.plan
    now = dt_util.now()
    minutes = now.hour * 60 + now.minute

    def distance(slot: Slot) -> int:
        at: time = plans.slot(slot).at
        gap = abs(at.hour * 60 + at.minute - minutes)
        return min(gap, 24 * 60 - gap)

    return str(plans.slot(min(Slot, key=distance)).form)


async def _log_dose(request: Request) -> str:
    data = await request.person_to_change()
    answers = request.answers
    if request.slot("product") is not None or request.slot("units") is not None:
        return await _log_product(request, data)
    amount = _amount(request.slot("amount"))
    if request.slot("form") is None and amount is None:
        return answers.say("amount_invalid")
    # no form said: the one planned for the dose nearest in time (the answer names it)
    form_text = str(request.slot("form") or _nearest_slot_form(data))
    basis = request.slot("basis")
    words = form_text.split()
    compound_words = _compound_words(request)
    if words and normalize(words[-1]) in compound_words:
        form_text = " ".join(words[:-1])
        basis = "compound"
    form = find_form(form_text)
    if form is None:
        return answers.unknown_form(form_text)
    if not form.oral:
        return answers.say("logged_not_oral", form=answers.form_name(form).capitalize())
    maximum = MAX_COMPOUND_MG if basis == "compound" else MAX_ELEMENTAL_MG
    if amount is None or amount > maximum:
        return answers.say("amount_invalid")
    compound = amount if basis == "compound" else None
    elemental = round(form.elemental_from_compound(amount), 1) if compound else amount
    record = make_record(
        taken_at=dt_util.utcnow(),
        kind=Kind.ORAL,
        form=form.key,
        source=Source.VOICE,
        elemental_mg=elemental,
        compound_mg=compound,
    )
    await data.tracker.async_add(record)
    today = data.tracker.today
    text = answers.logged(
        form.key,
        elemental_mg=elemental,
        compound_mg=compound,
        oral_mg=today.oral_mg,
        limit=today.daily_limit,
    )
    return await _spacing_logged(data, answers, record, text)


async def _log_product(request: Request, data: MagnesiumData) -> str:
    """Log so many units of one of the person's products ("two capsules of my glycinate")."""
    answers = request.answers
    products = list(data.tracker.products.values())
    if not products:
        return answers.say("no_products")
    text = str(request.slot("product") or "")
    # "log 2 capsules" names no product: the only one, or the only one sold in that unit
    unit = request.slot("unit")
    found = (
        find_products(products, text)
        if text
        else [item for item in products if unit is None or item.unit == unit] or products
    )
    if len(found) != 1:
        names = answers.spoken_list(sorted(item.name for item in found or products))
        if found or not text:
            return answers.say("product_ambiguous", products=names)
        return answers.say("unknown_product", product=text, products=names)
    product = found[0]
    units = _units(request, request.slot("units"))
    if (
        units is None
        or not product.valid_units(units)
        or product.elemental_mg(units) > MAX_ELEMENTAL_MG
    ):
        return answers.say(
            "units_invalid", unit=answers.unit(product.unit, 2), product=product.name
        )
    return await _log_units(data, answers, product, units)


async def _log_units(data: MagnesiumData, answers: Answers, product: Product, units: float) -> str:
    """Log so many units of a product; the answer notes a medicine's window it fell in."""
    record = dose_record(product, units, dt_util.utcnow(), Source.VOICE)
    await data.tracker.async_add(record)
    today = data.tracker.today
    text = answers.logged_product(
        product.name,
        unit=product.unit,
        units=units,
        elemental_mg=product.elemental_mg(units),
        oral_mg=today.oral_mg,
        limit=today.daily_limit,
        stock=data.tracker.outlook(product).stock,
    )
    return await _spacing_logged(data, answers, record, text)


def _units(request: Request, text: Any) -> float | None:
    """A number of units, in digits or in words ("two", "zwei")."""
    if text is None:
        return None
    words: dict[str, float] = {}
    for language in request.hass.data.get(DATA_SENTENCES, {}).values():
        for word, value in (language.get("number_words") or {}).items():
            words[normalize(str(word))] = float(value)
    return words.get(normalize(str(text))) or _amount(text)


def _compound_words(request: Request) -> set[str]:
    sentences = request.hass.data.get(DATA_SENTENCES, {})
    words: set[str] = set()
    for language in sentences.values():
        words.update(normalize(str(word)) for word in language.get("compound_words", []))
    return words


async def _log_planned(request: Request) -> str:
    data = await request.person_to_change()
    answers = request.answers
    slot = Slot(request.slot("slot"))
    slot_name = answers.say(f"slot_names.{slot.value}")
    status = data.reminders.status(SLOT_REMINDERS[slot])
    if status.state is SlotState.SATISFIED:
        taken = _dose_in_window(data, slot)
        time = answers.time(taken.at) if taken else ""
        return answers.say("planned_already", slot=slot_name, time=time)
    if status.state is SlotState.DISABLED:
        return answers.say("planned_off", slot=slot_name)
    # they took it: log the slot's planned amount as said, even past the limit
    plans = data.reminders.plan
    amount = slot_amount(
        plans.slot(slot), plans.daily_target, plans.target_on(data.tracker.today.day)
    )
    product = data.reminders.slot_product(slot)
    if product is not None and (units := product.units_for(amount)) > 0:
        return await _log_units(data, answers, product, units)
    form = plans.slot(slot).form
    record = make_record(
        taken_at=dt_util.utcnow(),
        kind=Kind.ORAL,
        form=form,
        source=Source.VOICE,
        elemental_mg=amount,
    )
    await data.tracker.async_add(record)
    today = data.tracker.today
    text = answers.logged(
        form,
        elemental_mg=amount,
        compound_mg=None,
        oral_mg=today.oral_mg,
        limit=today.daily_limit,
        slot=slot.value,
    )
    return await _spacing_logged(data, answers, record, text)


async def _log_bath(request: Request) -> str:
    data = await request.person_to_change()
    record = make_record(
        taken_at=dt_util.utcnow(), kind=Kind.BATH, form="sulfate", source=Source.VOICE
    )
    await data.tracker.async_add(record)
    return request.answers.say("bath_logged")


async def _log_topical(request: Request) -> str:
    data = await request.person_to_change()
    answers = request.answers
    form = find_form(str(request.slot("form") or "chloride"))
    if form is None or not form.topical:
        form = find_form("chloride")
    assert form is not None
    area = str(request.slot("area") or "").strip() or None
    record = make_record(
        taken_at=dt_util.utcnow(),
        kind=Kind.TOPICAL,
        form=form.key,
        source=Source.VOICE,
        area=area[:MAX_AREA_LENGTH] if area else None,
    )
    await data.tracker.async_add(record)
    where = answers.say("topical_area", area=area) if area else ""
    return answers.say("topical_logged", form=answers.form_name(form).capitalize(), area=where)


async def _undo(request: Request) -> str:
    data = await request.person_to_change()
    try:
        record = await data.tracker.async_undo()
    except RecordNotFoundError:  # pragma: no cover - the ledger names only known ids
        record = None
    if record is None:
        return request.answers.say("nothing_to_undo")
    answers = request.answers
    if record.kind is Kind.REFILL and record.units is not None:
        unit = data.tracker.products.get(record.product_id or "")
        what = answers.say(
            "undone_refill",
            units=record.units,
            unit=answers.unit(unit.unit, record.units) if unit else "",
            product=record.product or record.form,
        )
        return answers.say("undone", what=what)
    return answers.undone(record.kind.value, record.form, record.elemental_mg)


HANDLERS: tuple[MagnesiumIntentHandler, ...] = (
    MagnesiumIntentHandler(
        INTENT_FORM_INFO,
        "Says what a form of magnesium (such as glycinate, malate, citrate or oxide) is good "
        "for, from the integration's knowledge base.",
        {vol.Required("form"): cv.string},
        _form_info,
    ),
    MagnesiumIntentHandler(
        INTENT_COMPARE,
        "Compares two forms of magnesium, such as glycinate and malate.",
        {vol.Required("form"): cv.string, vol.Required("other_form"): cv.string},
        _compare,
    ),
    MagnesiumIntentHandler(
        INTENT_GOAL,
        "Says which form of magnesium suits a goal: nerve_pain (sciatica), sleep (calm), "
        "spasm (muscle spasms or fatigue), daytime, or stomach (a sensitive stomach).",
        {vol.Required("goal"): vol.In(GOALS)},
        _goal,
    ),
    MagnesiumIntentHandler(
        INTENT_SAFETY,
        "Safety advice about magnesium: limit (the maximum per day), side_effects, kidney "
        "(kidney disease), antibiotics, heart (heart medication), gabapentin, split "
        "(how to start and split the daily amount), overdose (what too much does and its "
        "signs), or pregnancy (pregnancy and breastfeeding).",
        {vol.Required("topic"): vol.In(SAFETY_TOPICS), **_NAME},
        _safety,
    ),
    MagnesiumIntentHandler(
        INTENT_AMOUNT_CHECK,
        "Whether an amount of magnesium a day (amount, in milligrams) is within a person's "
        "daily limit from supplements, or the adults' upper limit when no person is set up.",
        {vol.Required("amount"): cv.string, **_NAME},
        _amount_check,
    ),
    MagnesiumIntentHandler(
        INTENT_EVIDENCE,
        "What the studies show about magnesium for sciatica and nerve pain (whether it helps, "
        "whether there is proof).",
        {},
        _evidence,
    ),
    MagnesiumIntentHandler(
        INTENT_INTERACTION,
        "Says whether and how far apart magnesium can be taken with a medicine or condition, "
        "such as ciprofloxacin, doxycycline, alendronate, gabapentin or kidney disease.",
        {vol.Required("medicine"): cv.string},
        _interaction,
    ),
    MagnesiumIntentHandler(
        INTENT_BATH_INFO,
        "About Epsom salt baths and magnesium on the skin: epsom_help (do they help), "
        "epsom_amount (how much salt and how long), or topical (oils and gels).",
        {vol.Required("topic"): vol.In(BATH_TOPICS)},
        _bath_info,
    ),
    MagnesiumIntentHandler(
        INTENT_TODAY,
        "How much oral magnesium a person has taken today, against their daily limit. "
        "Without a name, the speaking user's or the only person's.",
        dict(_NAME),
        _today,
    ),
    MagnesiumIntentHandler(
        INTENT_REMAINING,
        "How much magnesium a person can still take today under their daily limit.",
        dict(_NAME),
        _remaining,
    ),
    MagnesiumIntentHandler(
        INTENT_NEXT_DOSE,
        "When a person's next planned magnesium dose is, with its amount and form.",
        dict(_NAME),
        _next_dose,
    ),
    MagnesiumIntentHandler(
        INTENT_WHEN_ALLOWED,
        "Whether a person may take magnesium now, or from when: it waits while a medicine "
        "that must be kept apart (quinolone or tetracycline antibiotics, bisphosphonates, "
        "gabapentin) is too close, and once the daily limit is reached.",
        dict(_NAME),
        _when_allowed,
    ),
    MagnesiumIntentHandler(
        INTENT_LAST_DOSE,
        "What and when a person's last oral magnesium dose was.",
        dict(_NAME),
        _last_dose,
    ),
    MagnesiumIntentHandler(
        INTENT_LAST_BATH,
        "When a person's last Epsom salt bath was.",
        dict(_NAME),
        _last_bath,
    ),
    MagnesiumIntentHandler(
        INTENT_SLOT_TAKEN,
        "Whether a person has taken their morning or evening magnesium dose today (without a "
        "slot: what they have taken today).",
        {vol.Optional("slot"): vol.In([slot.value for slot in Slot]), **_NAME},
        _slot_taken,
    ),
    MagnesiumIntentHandler(
        INTENT_LOG_DOSE,
        "Logs an oral magnesium dose: either amount in milligrams and form (basis 'compound' "
        "when the amount is the compound's weight from the label, such as a 500 mg citrate "
        "tablet, else elemental magnesium), or units of one of the person's products by its "
        "name (such as 2 capsules of Doctor's Best glycinate).",
        {
            vol.Optional("amount"): cv.string,
            vol.Optional("form"): cv.string,
            vol.Optional("basis"): vol.In(["elemental", "compound"]),
            vol.Optional("product"): cv.string,
            vol.Optional("units"): cv.string,
            vol.Optional("unit"): cv.string,
            **_NAME,
        },
        _log_dose,
    ),
    MagnesiumIntentHandler(
        INTENT_LOG_TOPICAL,
        "Logs magnesium put on the skin (oil, gel, spray or lotion of magnesium chloride), "
        "optionally where (area, such as lower back or calf). It does not count toward the "
        "daily limit.",
        {vol.Optional("form"): cv.string, vol.Optional("area"): cv.string, **_NAME},
        _log_topical,
    ),
    MagnesiumIntentHandler(
        INTENT_LOG_PLANNED,
        'Logs a person\'s planned morning or evening dose ("I took my evening magnesium").',
        {**_SLOT, **_NAME},
        _log_planned,
    ),
    MagnesiumIntentHandler(
        INTENT_LOG_BATH,
        "Logs an Epsom salt bath for a person.",
        dict(_NAME),
        _log_bath,
    ),
    MagnesiumIntentHandler(
        INTENT_UNDO,
        "Removes the last magnesium entry a person logged.",
        dict(_NAME),
        _undo,
    ),
)


async def async_setup_intents(hass: HomeAssistant) -> None:
    """Register the intents (called by the intent integration)."""
    for handler in HANDLERS:
        intent.async_register(hass, handler)
