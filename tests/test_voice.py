"""Voice: sentences through the real built-in conversation agent, and the intents behind them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Context, HomeAssistant
from homeassistant.setup import async_setup_component
import pytest

from custom_components.magnesium.const import DOMAIN

from .conftest import TIME_ZONE, call, setup_entry as add
from .voice.conftest import BERLIN, NOW, ask, start_agent


@pytest.fixture
async def assist(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Home Assistant with the conversation agent, at noon."""
    await start_agent(hass, freezer)


@pytest.mark.usefixtures("assist")
async def test_form_info(hass: HomeAssistant) -> None:
    await add(hass)
    answer = await ask(hass, "What is magnesium glycinate good for?")
    assert answer.startswith(GLYCINATE)


@pytest.mark.usefixtures("assist")
async def test_log_dose_and_today(hass: HomeAssistant) -> None:
    await add(hass)
    answer = await ask(hass, "I took 200 milligrams of magnesium glycinate")
    assert answer == "Logged 200 milligrams of glycinate. That makes 200 today, 150 left."
    log = await call(hass, "get_log")
    assert log["records"][0]["source"] == "voice"
    answer = await ask(hass, "How much magnesium have I taken today?")
    assert answer == (
        "Alex has taken 200 milligrams of magnesium today, in one dose; "
        "150 milligrams are left under the limit of 350."
    )


# Questions whose answers do not depend on what was logged: (sentence, start of the answer)
GLYCINATE = "Magnesium glycinate is often recommended for nerve discomfort"
MALATE = "Magnesium malate supports energy"
NERVE = "Glycinate is often recommended for nerve discomfort"
SLEEP = "Glycinate is often used in the evening and for sleep"
SPASM = "Malate may help the muscle fatigue"
DAYTIME = "Malate supports energy production and is often taken in the morning"
STOMACH = "Glycinate is gentle on digestion"
LIMIT = (
    "The upper limit for magnesium from supplements and from medicines with magnesium, such as "
    "antacids and laxatives, is 350 milligrams a day for adults"
)
SIDE = "Too much magnesium can cause diarrhoea"
KIDNEY = "With kidney disease magnesium can build up"
HEART = "With heart medication"
SPLIT = "Start low, increase gradually"
ANTIBIOTICS = "Some antibiotics must be kept apart from magnesium"
EPSOM = "A warm Epsom salt bath may help relax muscles"
EPSOM_AMOUNT = "About two cups, 300 to 500 grams"
TOPICAL = "Magnesium oil or gel on painful areas"
DOCTOR = "Ask your doctor or pharmacist if you are unsure."

GENERAL: list[tuple[str, str]] = [
    ("What is magnesium glycinate good for?", GLYCINATE),
    ("what is glycinate good for", GLYCINATE),
    ("What does magnesium malate do?", MALATE),
    ("Tell me about magnesium oxide", "Magnesium oxide is poorly absorbed, about 4 percent"),
    ("Tell me about magnesium citrate", "Magnesium citrate is well absorbed"),
    ("What is magnesium bisglycinate used for?", GLYCINATE),
    ("Is magnesium glycinate good for sciatica?", GLYCINATE),
    ("Tell me about magnesium taurate", "Taurate is 8.9 percent magnesium; my sources say"),
    ("Tell me about Epsom salt", "A warm Epsom salt bath may help relax muscles"),
    (
        "Glycinate or malate?",
        "Glycinate: often recommended for nerve discomfort, gentle on the stomach, often taken in "
        "the evening. Malate:",
    ),
    ("Magnesium citrate or magnesium oxide", "Citrate: well absorbed but laxative"),
    (
        "What's the difference between citrate and oxide?",
        "Citrate: well absorbed but laxative at higher doses. Oxide: poorly absorbed",
    ),
    ("What is the difference between glycinate and malate", "Glycinate: often recommended"),
    ("Compare magnesium glycinate with magnesium citrate", "Glycinate: often recommended"),
    ("Is magnesium glycinate better than magnesium oxide?", "Glycinate: often recommended"),
    ("Glycinate or bisglycinate?", "Those are the same form. Magnesium glycinate"),
    ("Which magnesium is best for sciatica?", NERVE),
    ("What magnesium should I take for nerve pain?", NERVE),
    ("What is the best magnesium for sciatica", NERVE),
    ("Which magnesium is best for sleep?", SLEEP),
    ("Which magnesium should I take at night?", SLEEP),
    ("What should I take for muscle spasms?", SPASM),
    ("Which magnesium is best for cramps", SPASM),
    ("Which magnesium should I take in the morning?", DAYTIME),
    ("What magnesium is best for energy", DAYTIME),
    ("Which magnesium is best for a sensitive stomach?", STOMACH),
    ("Which magnesium is gentle on the stomach", STOMACH),
    ("Magnesium upsets my stomach", STOMACH),
    ("What's the maximum magnesium per day?", LIMIT),
    ("What is the most magnesium I can take a day", LIMIT),
    ("How much magnesium can I take per day?", LIMIT),
    ("What is the daily limit for magnesium?", LIMIT),
    ("How much magnesium is too much?", LIMIT),
    ("What are the side effects of magnesium?", SIDE),
    ("Can magnesium cause diarrhea?", SIDE),
    ("Magnesium side effects", SIDE),
    ("Is magnesium safe with kidney disease?", KIDNEY),
    ("Can I take magnesium with kidney disease?", KIDNEY),
    ("Is magnesium safe with heart medication?", HEART),
    ("Can I take magnesium with heart medication?", HEART),
    ("Can I take magnesium with antibiotics?", ANTIBIOTICS),
    ("How should I take magnesium?", SPLIT),
    ("Should I split my magnesium dose?", SPLIT),
    (
        "Can I take magnesium with ciprofloxacin?",
        "Take ciprofloxacin at least 2 hours before or 4 to 6 hours after magnesium.",
    ),
    (
        "How long between magnesium and doxycycline",
        "Take doxycycline at least 2 hours before or 4 to 6 hours after magnesium.",
    ),
    ("Magnesium and alendronate", "Keep alendronate at least 2 hours apart from magnesium."),
    (
        "Can I take magnesium with gabapentin?",
        "Take gabapentin at least 2 hours after magnesium; keeping them 2 hours apart",
    ),
    ("Can I take magnesium with levo?", "Do you mean levofloxacin or levothyroxine?"),
    (
        "Can I take magnesium with levothyroxine?",
        "Keep levothyroxine at least 4 hours apart from magnesium. " + DOCTOR,
    ),
    (
        "Can I take magnesium with moxifloxacin?",
        "Take moxifloxacin at least 4 hours before or 8 hours after magnesium. " + DOCTOR,
    ),
    (
        "Can I take magnesium with ibuprofen?",
        "I have no spacing advice for ibuprofen and magnesium; that does not mean they can be "
        "taken together. Ask a pharmacist.",
    ),
    ("Do Epsom salt baths help?", EPSOM),
    ("Are epsom baths good for sciatica", EPSOM),
    ("How much Epsom salt in a bath?", EPSOM_AMOUNT),
    ("How long should I soak in an epsom bath", EPSOM_AMOUNT),
    ("Does magnesium oil work?", TOPICAL),
    ("Do magnesium sprays help", TOPICAL),
]


@pytest.mark.usefixtures("assist")
@pytest.mark.parametrize(("sentence", "start"), GENERAL)
async def test_questions_about_forms_and_safety(
    hass: HomeAssistant, sentence: str, start: str
) -> None:
    await add(hass)
    assert (await ask(hass, sentence)).startswith(start)


@pytest.mark.usefixtures("assist")
async def test_health_answers_end_with_doctor_advice(hass: HomeAssistant) -> None:
    await add(hass)
    for sentence in (
        "Which magnesium is best for sciatica?",
        "What are the side effects of magnesium?",
        "Can I take magnesium with ciprofloxacin?",
        "Is magnesium safe with kidney disease?",
    ):
        assert (await ask(hass, sentence)).endswith(DOCTOR), sentence


@pytest.mark.usefixtures("assist")
async def test_unknown_form_lists_the_known_ones(hass: HomeAssistant) -> None:
    await add(hass)
    answer = await ask(hass, "What is magnesium unobtainium good for?")
    assert answer.startswith("I don't know the form unobtainium. I know glycinate, malate,")
    assert answer.endswith("chloride and Epsom salt.")
    answer = await ask(hass, "I took 100 milligrams of magnesium unobtainium")
    assert answer.startswith("I don't know the form unobtainium.")


@pytest.mark.usefixtures("assist")
async def test_questions_about_the_day(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    await add(hass)
    assert await ask(hass, "How much magnesium have I taken today?") == (
        "Alex has not taken any magnesium today; the limit is 350 milligrams."
    )
    assert await ask(hass, "When was my last dose?") == "Alex has not logged a dose yet."
    assert await ask(hass, "When was my last epsom bath") == (
        "Alex has not logged an Epsom bath yet."
    )
    assert await ask(hass, "When is my next magnesium dose?") == (
        "Alex's next dose is 150 milligrams of glycinate at 21:00."
    )
    assert await ask(hass, "Have I taken my morning magnesium?") == (
        "No, Alex has not taken the morning magnesium yet; "
        "150 milligrams of malate is planned at 08:00."
    )
    await call(hass, "log_dose", form="malate", amount_mg=150, taken_at="2026-06-10T08:05:00+02:00")
    await call(hass, "log_bath", taken_at="2026-06-09T20:00:00+02:00")
    assert await ask(hass, "Did I take my morning magnesium yet") == (
        "Yes, Alex took the morning magnesium at 08:05: 150 milligrams of malate."
    )
    assert await ask(hass, "what was my last magnesium dose") == (
        "Alex's last dose was 150 milligrams of malate at 08:05."
    )
    assert await ask(hass, "When did I last have an epsom salt bath") == (
        "Alex's last Epsom bath was yesterday."
    )
    assert await ask(hass, "How much magnesium is left for today?") == (
        "200 milligrams are left for Alex today, of 350."
    )
    assert await ask(hass, "how much more magnesium can I take today") == (
        "200 milligrams are left for Alex today, of 350."
    )
    assert await ask(hass, "Have I taken my evening magnesium?") == (
        "No, Alex has not taken the evening magnesium yet; "
        "150 milligrams of glycinate is planned at 21:00."
    )
    assert await ask(hass, "What is my magnesium total today") == (
        "Alex has taken 150 milligrams of magnesium today, in one dose; "
        "200 milligrams are left under the limit of 350."
    )
    # two days later
    freezer.move_to(datetime(2026, 6, 12, 9, 0, tzinfo=BERLIN))
    assert await ask(hass, "When did I last take magnesium") == (
        "Alex's last dose was 150 milligrams of malate, 2 days ago."
    )
    assert await ask(hass, "When is my next dose") == (
        "Alex's next dose is 150 milligrams of glycinate at 21:00."
    )


@pytest.mark.usefixtures("assist")
async def test_logging_by_voice(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    await add(hass)
    assert await ask(hass, "I just took 150 mg of magnesium malate") == (
        "Logged 150 milligrams of malate. That makes 150 today, 200 left."
    )
    assert await ask(hass, "I took 500 mg of magnesium citrate tablet") == (
        "Logged 500 milligrams of citrate, which is 81 milligrams of magnesium. "
        "That makes 231 today, 119 left."
    )
    # logged as said, even past the limit, and the answer says so
    freezer.move_to(datetime(2026, 6, 10, 21, 0, tzinfo=BERLIN))
    assert await ask(hass, "I took my evening magnesium") == (
        "Logged 150 milligrams of glycinate. "
        "That makes 381 today, over the limit of 350: do not take more today without "
        "medical advice. " + DOCTOR
    )
    assert await ask(hass, "I took my evening magnesium") == (
        "Your evening magnesium is already logged, at 21:00."
    )
    assert await ask(hass, "I had an epsom salt bath") == (
        "Logged an Epsom bath. A warm bath may help relax the muscles; it does not count toward "
        "the limit."
    )
    assert await ask(hass, "Undo the last magnesium entry") == (
        "Removed the last entry: an Epsom bath."
    )
    assert await ask(hass, "undo last magnesium dose") == (
        "Removed the last entry: 150 milligrams of glycinate."
    )
    log = await call(hass, "get_log")
    # logged at the same (frozen) moment: compared without order
    assert sorted(
        (item["form"], item.get("elemental_mg"), item.get("compound_mg"), item["source"])
        for item in log["records"]
    ) == [("citrate", 81.0, 500.0, "voice"), ("malate", 150.0, None, "voice")]
    assert await ask(hass, "log 100 milligrams of magnesium chloride") == (
        "Logged 100 milligrams of chloride. That makes 331 today, 19 left."
    )
    assert await ask(hass, "I took 100 milligrams of magnesium sulfate") == (
        "Epsom salt is not taken by mouth. Say that you had an Epsom salt bath, "
        "or log the oil or gel in the app."
    )
    assert await ask(hass, "I took lots milligrams of magnesium glycinate") == (
        "I did not get the amount. Say it in milligrams, for example 150 milligrams of glycinate."
    )
    assert await ask(hass, "I took my morning magnesium") == (
        "Your morning magnesium is already logged, at 12:00."
    )


@pytest.mark.usefixtures("assist")
async def test_undo_with_nothing_logged(hass: HomeAssistant) -> None:
    await add(hass)
    assert await ask(hass, "Delete the last magnesium entry") == "There is nothing to undo."


@pytest.mark.usefixtures("assist")
async def test_no_log_loaded(hass: HomeAssistant) -> None:
    entry = await add(hass)
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert await ask(hass, "How much magnesium have I taken today?") == (
        "No magnesium log is loaded. Check Magnesium under Settings, Devices and services."
    )
    # general questions still work
    assert (await ask(hass, "Which magnesium is best for sleep?")).startswith(SLEEP)


@pytest.mark.usefixtures("assist")
async def test_several_persons(hass: HomeAssistant, hass_admin_user: Any) -> None:
    await add(hass, title="Alex", person="person.alex")
    await add(hass, title="Sam", person="person.sam")
    await call(hass, "log_dose", config_entry_id=_entry(hass, "Sam"), form="malate", amount_mg=100)
    assert await ask(hass, "How much magnesium have I taken today?") == (
        "Whose magnesium? Alex and Sam?"
    )
    assert await ask(hass, "How much magnesium has Sam taken today?") == (
        "Sam has taken 100 milligrams of magnesium today, in one dose; "
        "250 milligrams are left under the limit of 350."
    )
    assert await ask(hass, "how much magnesium did alex take today") == (
        "Alex has not taken any magnesium today; the limit is 350 milligrams."
    )
    assert await ask(hass, "How much magnesium has Robin taken today?") == (
        "I don't know Robin. I know Alex and Sam."
    )
    # a user linked to a person: "I" is that person
    hass.states.async_set("person.sam", "home", {"user_id": hass_admin_user.id})
    context = Context(user_id=hass_admin_user.id)
    assert await ask(hass, "How much magnesium is left?", context=context) == (
        "250 milligrams are left for Sam today, of 350."
    )
    assert await ask(hass, "I took 50 mg of magnesium glycinate", context=context) == (
        "Logged 50 milligrams of glycinate. That makes 150 today, 200 left."
    )
    assert await ask(hass, "What's the maximum magnesium per day?", context=context) == (
        f"{LIMIT}; in the EU it is at most 250. Food does not count. "
        "Sam's limit is set to 350 milligrams. " + DOCTOR
    )


def _entry(hass: HomeAssistant, title: str) -> str:
    return next(
        entry.entry_id
        for entry in hass.config_entries.async_entries(DOMAIN)
        if entry.title == title
    )


async def test_sentences_work_when_conversation_loads_later(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    await hass.config.async_set_time_zone(TIME_ZONE)
    freezer.move_to(NOW)
    await add(hass)
    assert "conversation" not in hass.config.components
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    await hass.async_block_till_done()
    assert (await ask(hass, "Which magnesium is best for sleep?")).startswith(SLEEP)
