"""The sentence tables: every row understood as its intent (pure), then said to the real agent.

Each language has one table (``tables/<language>.yaml``): a sentence, the intent it asks and the
slots that matter. The first runner checks what the integration understands, without Home
Assistant (fast, every row a test). The second says every row of a language to the built-in
conversation agent of a real Home Assistant, one after the other, and checks the answer: a
question gets the answer its intent and slots give, a command logs what it says (then the
record is removed again, so every row meets the same day).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from hassil import recognize_all
from homeassistant.core import Context, HomeAssistant
import pytest

from custom_components.magnesium.assist import understand_sentence
from custom_components.magnesium.const import DOMAIN
from custom_components.magnesium.grammar import number
from custom_components.magnesium.knowledge import UPPER_LIMIT_ADULT_MG, normalize
from custom_components.magnesium.texts import answers_for, medicine_topics
from tests.conftest import call, make_entry
from tests.test_products import CITRATE_POWDER, GLYCINATE, product_subentry

from .conftest import LANGUAGES, ask, grammars, table, trigger

GRAMMARS = grammars()
NUMBER_WORDS = {
    word: value
    for grammar in GRAMMARS.values()
    for word, value in (grammar.data.get("number_words") or {}).items()
}
KNOWN_NAMES = {"alex", "sam"}
PRODUCTS = ("doctor s best glycinate", "citrate powder")
COMMANDS = {
    "MagnesiumLogDose",
    "MagnesiumLogPlanned",
    "MagnesiumLogBath",
    "MagnesiumLogTopical",
    "MagnesiumUndo",
}


TRIGGER = trigger(GRAMMARS)


def _known(slot: str, value: str) -> bool:
    if slot == "name":
        return normalize(value) in KNOWN_NAMES
    if slot == "product":
        return bool(normalize(value)) and any(
            word in product for product in PRODUCTS for word in normalize(value).split()
        )
    return True


def _same(slot: str, wanted: Any, got: Any) -> bool:
    if got is None:
        return False
    if slot in ("amount", "units"):
        return number(got, NUMBER_WORDS) == number(wanted, NUMBER_WORDS)
    if slot == "product":
        return set(normalize(str(got)).split()) & set(normalize(str(wanted)).split()) != set()
    return normalize(str(got)) == normalize(str(wanted))


ROWS = [(language, row) for language in LANGUAGES for row in table(language)]


@pytest.mark.parametrize(
    ("language", "row"), ROWS, ids=[f"{language}: {row['say']}" for language, row in ROWS]
)
def test_each_sentence_is_understood(language: str, row: dict[str, Any]) -> None:
    """The trigger lets it in, and the grammar (or the fallback) finds its intent and slots."""
    assert next(iter(recognize_all(row["say"], TRIGGER)), None) is not None, "not heard"
    found = understand_sentence(GRAMMARS, row["say"], language, _known)
    assert found is not None, "not understood"
    assert (found.intent, found.language) == (row["intent"], language), found
    for slot, wanted in (row.get("slots") or {}).items():
        assert _same(slot, wanted, found.slots.get(slot)), (slot, wanted, found.slots)


def test_the_tables_are_large_and_mostly_blind() -> None:
    """At least 200 English and 80 German sentences; most written blind."""
    for language, least in (("en", 200), ("de", 80)):
        rows = table(language)
        sources = Counter(row["source"] for row in rows)
        assert len(rows) >= least
        assert sources["blind"] >= len(rows) / 2
        assert {row["intent"] for row in rows} >= COMMANDS


def test_commands_are_never_left_to_the_fallback() -> None:
    """A command is understood by its templates, never guessed from its words."""
    for language, row in ROWS:
        if row["intent"] in COMMANDS:
            found = understand_sentence(GRAMMARS, row["say"], language, _known)
            assert found is not None
            assert not found.fallback, row["say"]


# -- the real agent ------------------------------------------------------------------------


async def _home(hass: HomeAssistant, admin: Any) -> Context:
    """Alex (the speaking user's person) and Sam, each with the two products."""
    for title in ("Alex", "Sam"):
        entry = make_entry(
            title=title,
            person=f"person.{title.lower()}",
            subentries_data=[
                product_subentry(GLYCINATE, f"{title}-glyc"),
                product_subentry(CITRATE_POWDER, f"{title}-citr"),
            ],
        )
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    hass.states.async_set("person.alex", "home", {"user_id": admin.id})
    return Context(user_id=admin.id)


def _entry_id(hass: HomeAssistant, name: str) -> str:
    return next(
        entry.entry_id for entry in hass.config_entries.async_entries(DOMAIN) if entry.title == name
    )


def _expected(hass: HomeAssistant, language: str, row: dict[str, Any]) -> str | None:
    """The answer a question's intent and slots give (None: not worked out here)."""
    answers = answers_for(hass, language)
    slots = row.get("slots") or {}
    name = slots.get("name", "Alex")
    match row["intent"]:
        case "MagnesiumFormInfo":
            return answers.form_info(slots["form"])
        case "MagnesiumCompareForms":
            return answers.compare(slots["form"], slots["other_form"])
        case "MagnesiumFormForGoal":
            return answers.goal(slots["goal"])
        case "MagnesiumEvidence":
            return answers.evidence()
        case "MagnesiumBathInfo":
            return answers.bath(slots["topic"])
        case "MagnesiumSafety" if slots["topic"] == "limit":
            return answers.safety("limit", name, UPPER_LIMIT_ADULT_MG)
        case "MagnesiumSafety":
            return answers.safety(slots["topic"])
        case "MagnesiumAmountCheck":
            return answers.amount_check(
                number(slots["amount"], NUMBER_WORDS) or 0, UPPER_LIMIT_ADULT_MG, name
            )
        case "MagnesiumInteraction" if "medicine" in slots:
            return answers.interaction(slots["medicine"], medicine_topics(hass, language))
    return None


# One sentence per intent that asks about the person's own day, to compare answers with
CANONICAL = {
    "en": {
        "MagnesiumToday": "How much magnesium has {name} taken today?",
        "MagnesiumRemaining": "How much magnesium does {name} have left?",
        "MagnesiumNextDose": "When is the next magnesium dose for {name}?",
        "MagnesiumWhenAllowed": "When can {name} take magnesium again?",
        "MagnesiumLastDose": "What was the last magnesium dose for {name}?",
        "MagnesiumLastBath": "When did {name} last have an epsom bath?",
        "MagnesiumSlotTaken": "Has {name} taken the {slot} magnesium yet?",
    },
    "de": {
        "MagnesiumToday": "Wie viel Magnesium hat {name} heute genommen?",
        "MagnesiumRemaining": "Wie viel Magnesium hat {name} heute noch übrig?",
        "MagnesiumNextDose": "Wann ist die nächste Dosis für {name}?",
        "MagnesiumWhenAllowed": "Wann kann {name} wieder Magnesium nehmen?",
        "MagnesiumLastDose": "Wann hat {name} zuletzt Magnesium genommen?",
        "MagnesiumLastBath": "Wann hatte {name} zuletzt ein Bittersalzbad?",
        "MagnesiumSlotTaken": "Hat {name} heute schon die {slot}dosis genommen?",
    },
}
SLOT_WORDS = {
    "en": {"morning": "morning", "evening": "evening"},
    "de": {"morning": "Morgen", "evening": "Abend"},
}


async def _records(hass: HomeAssistant, name: str) -> list[dict[str, Any]]:
    log = await call(hass, "get_log", config_entry_id=_entry_id(hass, name))
    records: list[dict[str, Any]] = log["records"]
    return records


@pytest.mark.usefixtures("agent")
@pytest.mark.parametrize("language", LANGUAGES)
async def test_every_sentence_gets_its_answer(
    hass: HomeAssistant, hass_admin_user: Any, language: str
) -> None:
    """Every row said to the built-in agent; the answers and the log checked."""
    context = await _home(hass, hass_admin_user)
    failures: list[str] = []
    for row in table(language):
        slots = row.get("slots") or {}
        name = slots.get("name") if slots.get("name") in ("Alex", "Sam") else "Alex"
        intent = row["intent"]
        if intent == "MagnesiumUndo":  # something to undo
            await call(
                hass,
                "log_dose",
                config_entry_id=_entry_id(hass, name),
                form="malate",
                amount_mg=10,
            )
        before = await _records(hass, name)
        answer = await ask(hass, row["say"], language, context)
        after = await _records(hass, name)
        known = {record["id"] for record in before}
        new = [record for record in after if record["id"] not in known]
        for record in new:
            await call(
                hass,
                "delete_record",
                config_entry_id=_entry_id(hass, name),
                record_id=record["id"],
            )
        problem = None
        if "says" in row:
            if row["says"] not in answer:
                problem = f"expected {row['says']!r}"
        elif intent in COMMANDS and intent != "MagnesiumUndo":
            if len(new) != 1 or new[0]["source"] != "voice":
                problem = "nothing logged"
            else:
                record = new[0]
                kind = {
                    "MagnesiumLogBath": "bath",
                    "MagnesiumLogTopical": "topical",
                }.get(intent, "oral")
                if record["kind"] != kind:
                    problem = f"logged {record['kind']}"
                elif "form" in slots and record["form"] != slots["form"]:
                    problem = f"logged {record['form']}"
                elif "amount" in slots and number(slots["amount"], NUMBER_WORDS) not in (
                    record.get("elemental_mg"),
                    record.get("compound_mg"),
                ):
                    problem = f"logged {record.get('elemental_mg')} mg"
                elif "units" in slots and number(slots["units"], NUMBER_WORDS) != record.get(
                    "units"
                ):
                    problem = f"logged {record.get('units')} units"
        elif intent == "MagnesiumUndo" and len(after) != len(before) - 1:
            problem = "nothing removed"
            await call(hass, "undo", config_entry_id=_entry_id(hass, name))
        elif intent in CANONICAL[language]:
            if intent == "MagnesiumSlotTaken" and "slot" not in slots:
                intent = "MagnesiumToday"  # "have I taken my magnesium today?"
            slot = SLOT_WORDS[language].get(slots.get("slot", ""), "")
            wanted = await ask(
                hass, CANONICAL[language][intent].format(name=name, slot=slot), language, context
            )
            if answer != wanted:
                problem = f"expected {wanted!r}"
        elif (wanted := _expected(hass, language, row)) is not None and answer != wanted:
            problem = f"expected {wanted!r}"
        if problem is not None:
            failures.append(f"{row['say']!r}: {problem}; said {answer!r}")
    assert not failures, "\n".join(failures)
