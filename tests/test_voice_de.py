"""German voice: the German files against the English ones; German sentences through the agent."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
import re
import string
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Context, HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
import yaml

from custom_components.magnesium import intent as intent_module
from custom_components.magnesium.const import DOMAIN

from .conftest import TIME_ZONE, call
from .test_voice import BERLIN, NOW, add, ask

ROOT = Path(intent_module.__file__).parent
WILDCARD = re.compile(r"\{(\w+)\}")
DOCTOR = "Frag deinen Arzt oder Apotheker, wenn du dir unsicher bist."


def _load(folder: str, language: str) -> dict[str, Any]:
    data = yaml.safe_load((ROOT / folder / f"{language}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _texts(node: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """Every text of a response file by its dotted key."""
    texts: dict[str, str] = {}
    for key, value in node.items():
        if isinstance(value, Mapping):
            texts.update(_texts(value, f"{prefix}{key}."))
        else:
            texts[f"{prefix}{key}"] = str(value)
    return texts


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def test_every_english_response_has_a_german_one_with_the_same_placeholders() -> None:
    english = _texts(_load("responses", "en"))
    german = _texts(_load("responses", "de"))
    assert set(german) == set(english)
    for key, text in english.items():
        assert _placeholders(german[key]) == _placeholders(text), key
    assert german["decimal_mark"] == ","
    assert german["and"] == "und"
    assert german["yesterday"] == "gestern"
    assert german["days_ago"] == "vor {days} Tagen"


# Questions whose answers do not depend on what was logged: (sentence, start of the answer)
GLYCINATE = "Magnesiumglycinat wird oft bei Nervenbeschwerden empfohlen"
MALATE = "Magnesiummalat unterstützt die Energieproduktion"
OXIDE = "Magnesiumoxid wird schlecht aufgenommen, zu etwa 4 Prozent"
CITRATE = "Magnesiumcitrat wird gut aufgenommen"
NERVE = "Glycinat wird oft bei Nervenbeschwerden empfohlen"
SLEEP = "Glycinat wird oft am Abend und zum Schlafen genommen"
SPASM = "Malat kann bei der Muskelermüdung und den Muskelkrämpfen helfen"
DAYTIME = "Malat unterstützt die Energieproduktion und wird oft morgens"
STOMACH = "Glycinat ist schonend für die Verdauung"
LIMIT = (
    "Die Obergrenze für Magnesium aus Nahrungsergänzungsmitteln und aus Medikamenten mit "
    "Magnesium, etwa Mitteln gegen Sodbrennen und Abführmitteln, liegt für Erwachsene bei 350"
)
SIDE = "Zu viel Magnesium kann Durchfall, Übelkeit und Bauchkrämpfe verursachen"
KIDNEY = "Bei einer Nierenerkrankung kann sich Magnesium bis zu giftigen Werten anreichern"
HEART = "Sprich bei Herzmedikamenten mit deinem Arzt oder Apotheker"
SPLIT = "Fang mit wenig an, steigere allmählich"
ANTIBIOTICS = "Manche Antibiotika brauchen Abstand zu Magnesium"
EPSOM = "Ein warmes Bittersalzbad kann helfen, die Muskeln zu entspannen"
EPSOM_AMOUNT = "Etwa zwei Tassen, 300 bis 500 Gramm, Bittersalz in ein warmes Bad, für 12 bis 20"
TOPICAL = "Magnesiumöl oder -gel auf schmerzenden Stellen"
GLYCINATE_MALATE = (
    "Glycinat: oft bei Nervenbeschwerden empfohlen, schonend für den Magen, oft am Abend "
    "genommen. Malat:"
)

GENERAL: list[tuple[str, str]] = [
    ("Wofür ist Magnesiumglycinat gut?", GLYCINATE),
    ("Wofür ist Magnesium Glycinat gut?", GLYCINATE),
    ("wofür ist glycinat gut", GLYCINATE),
    ("Wozu ist Magnesiumbisglycinat gut?", GLYCINATE),
    ("Was macht Magnesium Malat?", MALATE),
    ("Erzähl mir etwas über Magnesiumoxid", OXIDE),
    ("Wofür wird Magnesiumcitrat verwendet?", CITRATE),
    ("Ist Magnesiumglycinat gut bei Ischias?", GLYCINATE),
    ("Erzähl mir was über Magnesiumtaurat", "Taurat besteht zu 8,9 Prozent aus Magnesium; meine"),
    ("Erzähl mir etwas über Magnesiumsulfat", "Ein warmes Bittersalzbad kann helfen"),
    ("Welches Magnesium ist besser, Glycinat oder Malat?", GLYCINATE_MALATE),
    ("Magnesiumglycinat oder Malat?", GLYCINATE_MALATE),
    ("Magnesium Glycinat oder Magnesium Malat, was ist besser?", GLYCINATE_MALATE),
    (
        "Was ist der Unterschied zwischen Citrat und Oxid?",
        "Citrat: gut aufgenommen, aber in höheren Dosen abführend. Oxid: schlecht aufgenommen",
    ),
    ("Vergleiche Magnesiumglycinat mit Magnesiumcitrat", "Glycinat: oft bei Nervenbeschwerden"),
    ("Ist Glycinat besser als Oxid?", "Glycinat: oft bei Nervenbeschwerden"),
    ("Was ist besser, Magnesiumglycinat oder Bisglycinat?", "Das ist dieselbe Form. " + GLYCINATE),
    ("Welches Magnesium ist am besten bei Ischias?", NERVE),
    ("Welches Magnesium sollte ich gegen Nervenschmerzen nehmen?", NERVE),
    ("Was ist das beste Magnesium bei Ischias?", NERVE),
    ("Welches Magnesium ist am besten zum Schlafen?", SLEEP),
    ("Welches Magnesium soll ich abends nehmen?", SLEEP),
    ("Was soll ich gegen Muskelkrämpfe nehmen?", SPASM),
    ("Welches Magnesium hilft bei Wadenkrämpfen?", SPASM),
    ("Welches Magnesium soll ich morgens nehmen?", DAYTIME),
    ("Welches Magnesium ist am besten für Energie?", DAYTIME),
    ("Welches Magnesium ist am besten bei einem empfindlichen Magen?", STOMACH),
    ("Magnesium schlägt mir auf den Magen", STOMACH),
    ("Was ist die Höchstmenge an Magnesium pro Tag?", LIMIT),
    ("Wie viel Magnesium darf ich pro Tag nehmen?", LIMIT),
    ("Wieviel Magnesium ist zu viel?", LIMIT),
    ("Was sind die Nebenwirkungen von Magnesium?", SIDE),
    ("Kann Magnesium Durchfall verursachen?", SIDE),
    ("Ist Magnesium bei einer Nierenerkrankung sicher?", KIDNEY),
    ("Kann ich Magnesium bei Nierenproblemen nehmen?", KIDNEY),
    ("Ist Magnesium mit Herzmedikamenten sicher?", HEART),
    ("Kann ich Magnesium mit Herzmedikamenten nehmen?", HEART),
    ("Kann ich Magnesium mit Antibiotika nehmen?", ANTIBIOTICS),
    ("Darf ich Magnesium zusammen mit Antibiotika nehmen?", ANTIBIOTICS),
    ("Wie soll ich Magnesium nehmen?", SPLIT),
    ("Soll ich mein Magnesium aufteilen?", SPLIT),
    (
        "Kann ich Magnesium mit Ciprofloxacin zusammen nehmen?",
        "Nimm Ciprofloxacin mindestens 2 Stunden vor oder 4 bis 6 Stunden nach Magnesium.",
    ),
    (
        "Wie lange zwischen Magnesium und Doxycyclin?",
        "Nimm Doxycyclin mindestens 2 Stunden vor oder 4 bis 6 Stunden nach Magnesium.",
    ),
    (
        "Magnesium und Alendronat",
        "Halte zwischen Alendronsäure und Magnesium mindestens 2 Stunden Abstand.",
    ),
    ("Verträgt sich Magnesium mit Gabapentin?", "Nimm Gabapentin mindestens 2 Stunden nach"),
    ("Kann ich Magnesium mit Levo nehmen?", "Meinst du Levofloxacin oder Levothyroxin?"),
    (
        "Kann ich Magnesium mit Levothyroxin nehmen?",
        "Halte zwischen Levothyroxin und Magnesium mindestens 4 Stunden Abstand.",
    ),
    (
        "Kann ich Magnesium mit Ibuprofen nehmen?",
        "Zum Abstand zwischen Ibuprofen und Magnesium habe ich keinen Rat; das heißt nicht, "
        "dass du sie zusammen nehmen kannst. Frag in der Apotheke nach.",
    ),
    ("Helfen Bittersalzbäder?", EPSOM),
    ("Hilft ein Bittersalzbad bei Ischias?", EPSOM),
    ("Sind Bittersalzbäder gut bei Ischias?", EPSOM),
    ("Wie viel Bittersalz kommt in ein Bad?", EPSOM_AMOUNT),
    ("Wie lange soll ich im Bittersalzbad bleiben?", EPSOM_AMOUNT),
    ("Hilft Magnesiumöl?", TOPICAL),
    ("Wirkt Magnesium Spray?", TOPICAL),
]

# Sentences of the tests below with a person's figures (each must fit one group too)
ABOUT_THE_DAY = [
    "Ich habe zwei Kapseln von meinem Glycinat genommen",
    "Wie viel Magnesium habe ich heute genommen?",
    "Wie viel Magnesium hat Sam heute genommen?",
    "Wie viel Magnesium ist heute noch übrig?",
    "Wie viel Magnesium darf ich heute noch nehmen?",
    "Wie viel Magnesium hat Sam heute noch übrig?",
    "Wann ist meine nächste Dosis?",
    "Wann ist die nächste Dosis für Sam?",
    "Wann muss ich das nächste Mal Magnesium nehmen?",
    "Wann habe ich zuletzt Magnesium genommen?",
    "Was war meine letzte Magnesiumdosis?",
    "Wann hat Sam zuletzt Magnesium genommen?",
    "Wann war mein letztes Bittersalzbad?",
    "Wann hatte ich das letzte Mal ein Bittersalzbad?",
    "Habe ich mein Abendmagnesium schon genommen?",
    "Hab ich heute schon mein Morgenmagnesium genommen?",
    "Hat Sam sein Abendmagnesium schon genommen?",
    "Ich habe 200 Milligramm Magnesiumglycinat genommen",
    "Ich habe gerade 150 mg Magnesium Malat genommen",
    "Ich habe eine 500 mg Magnesiumcitrat Tablette genommen",
    "Trag 100 mg Magnesiumchlorid ein",
    "Ich habe mein Abendmagnesium genommen",
    "Ich habe gerade mein Morgenmagnesium eingenommen",
    "Ich hatte ein Bittersalzbad",
    "Mach den letzten Magnesiumeintrag rückgängig",
    "Lösche die letzte Magnesiumdosis",
]


@pytest.fixture
async def assist(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Home Assistant with the conversation agent, at noon."""
    await hass.config.async_set_time_zone(TIME_ZONE)
    freezer.move_to(NOW)
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    assert await async_setup_component(hass, "intent", {})


async def frage(hass: HomeAssistant, text: str, context: Context | None = None) -> str:
    """Say a German sentence to the built-in agent."""
    return await ask(hass, text, language="de", context=context)


@pytest.mark.usefixtures("assist")
@pytest.mark.parametrize(("sentence", "start"), GENERAL)
async def test_questions_about_forms_and_safety(
    hass: HomeAssistant, sentence: str, start: str
) -> None:
    await add(hass)
    assert (await frage(hass, sentence)).startswith(start)


@pytest.mark.usefixtures("assist")
async def test_health_answers_end_with_doctor_advice(hass: HomeAssistant) -> None:
    await add(hass)
    for sentence in (
        "Welches Magnesium ist am besten bei Ischias?",
        "Was sind die Nebenwirkungen von Magnesium?",
        "Kann ich Magnesium mit Ciprofloxacin nehmen?",
        "Ist Magnesium bei einer Nierenerkrankung sicher?",
    ):
        assert (await frage(hass, sentence)).endswith(DOCTOR), sentence


@pytest.mark.usefixtures("assist")
async def test_unknown_form_lists_the_known_ones(hass: HomeAssistant) -> None:
    await add(hass)
    answer = await frage(hass, "Wofür ist Magnesium Unobtainium gut?")
    assert answer == (
        "Die Form Unobtainium kenne ich nicht. Ich kenne Glycinat, Malat, Oxid, Citrat, Taurat, "
        "L-Threonat, Laktat, Aspartat, Carbonat, Hydroxid, Orotat, Chlorid und Bittersalz."
    )


@pytest.mark.usefixtures("assist")
async def test_log_dose_and_today(hass: HomeAssistant) -> None:
    await add(hass)
    assert await frage(hass, "Ich habe 200 Milligramm Magnesiumglycinat genommen") == (
        "200 Milligramm Glycinat eingetragen. Damit sind es heute 200, noch 150 übrig."
    )
    log = await call(hass, "get_log")
    assert [(item["form"], item["elemental_mg"], item["source"]) for item in log["records"]] == [
        ("glycinate", 200.0, "voice")
    ]
    assert await frage(hass, "Wie viel Magnesium habe ich heute genommen?") == (
        "Alex hat heute 200 Milligramm Magnesium genommen, in einer Dosis; "
        "bis zur Grenze von 350 bleiben 150 Milligramm."
    )


@pytest.mark.usefixtures("assist")
async def test_questions_about_the_day(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    await add(hass)
    assert await frage(hass, "Wie viel Magnesium habe ich heute genommen?") == (
        "Alex hat heute noch kein Magnesium genommen; die Grenze liegt bei 350 Milligramm."
    )
    assert await frage(hass, "Was war meine letzte Magnesiumdosis?") == (
        "Alex hat noch keine Dosis eingetragen."
    )
    assert await frage(hass, "Wann war mein letztes Bittersalzbad?") == (
        "Alex hat noch kein Bittersalzbad eingetragen."
    )
    assert await frage(hass, "Wann ist meine nächste Dosis?") == (
        "Die nächste Dosis für Alex ist 150 Milligramm Glycinat um 21:00 Uhr."
    )
    assert await frage(hass, "Hab ich heute schon mein Morgenmagnesium genommen?") == (
        "Nein, Alex hat das Morgenmagnesium noch nicht genommen; "
        "150 Milligramm Malat sind um 08:00 Uhr geplant."
    )
    await call(hass, "log_dose", form="malate", amount_mg=150, taken_at="2026-06-10T08:05:00+02:00")
    await call(hass, "log_bath", taken_at="2026-06-09T20:00:00+02:00")
    assert await frage(hass, "Habe ich mein Morgenmagnesium schon genommen?") == (
        "Ja, Alex hat das Morgenmagnesium um 08:05 Uhr genommen: 150 Milligramm Malat."
    )
    assert await frage(hass, "Wann habe ich zuletzt Magnesium genommen?") == (
        "Die letzte Dosis von Alex war 150 Milligramm Malat um 08:05 Uhr."
    )
    assert await frage(hass, "Wann hatte ich das letzte Mal ein Bittersalzbad?") == (
        "Das letzte Bittersalzbad von Alex war gestern."
    )
    assert await frage(hass, "Wie viel Magnesium ist heute noch übrig?") == (
        "Für Alex bleiben heute 200 von 350 Milligramm."
    )
    assert await frage(hass, "Wie viel Magnesium darf ich heute noch nehmen?") == (
        "Für Alex bleiben heute 200 von 350 Milligramm."
    )
    assert await frage(hass, "Habe ich mein Abendmagnesium schon genommen?") == (
        "Nein, Alex hat das Abendmagnesium noch nicht genommen; "
        "150 Milligramm Glycinat sind um 21:00 Uhr geplant."
    )
    # two days later
    freezer.move_to(datetime(2026, 6, 12, 9, 0, tzinfo=BERLIN))
    assert await frage(hass, "Wann habe ich zuletzt Magnesium genommen?") == (
        "Die letzte Dosis von Alex war 150 Milligramm Malat, vor 2 Tagen."
    )
    assert await frage(hass, "Wann muss ich das nächste Mal Magnesium nehmen?") == (
        "Die nächste Dosis für Alex ist 150 Milligramm Glycinat um 21:00 Uhr."
    )


@pytest.mark.usefixtures("assist")
async def test_logging_by_voice(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    await add(hass)
    assert await frage(hass, "Ich habe gerade 150 mg Magnesium Malat genommen") == (
        "150 Milligramm Malat eingetragen. Damit sind es heute 150, noch 200 übrig."
    )
    # the label's weight of the compound, with the German decimal comma
    assert await frage(hass, "Ich habe eine 500 mg Magnesiumcitrat Tablette genommen") == (
        "500 Milligramm Citrat eingetragen, also 81 Milligramm Magnesium. "
        "Damit sind es heute 231, noch 119 übrig."
    )
    # logged as said, even past the limit, and the answer says so
    freezer.move_to(datetime(2026, 6, 10, 21, 0, tzinfo=BERLIN))
    assert await frage(hass, "Ich habe mein Abendmagnesium genommen") == (
        "150 Milligramm Glycinat eingetragen. Damit sind es heute 381, über der Grenze "
        "von 350: nimm heute nicht mehr ohne ärztlichen Rat. " + DOCTOR
    )
    assert await frage(hass, "Abendmagnesium genommen") == (
        "Dein Abendmagnesium ist schon eingetragen, um 21:00 Uhr."
    )
    assert await frage(hass, "Ich hatte ein Bittersalzbad") == (
        "Bittersalzbad eingetragen. Ein warmes Bad kann helfen, die Muskeln zu entspannen; es "
        "wird nicht auf die Grenze angerechnet."
    )
    assert await frage(hass, "Mach den letzten Magnesiumeintrag rückgängig") == (
        "Letzten Eintrag entfernt: ein Bittersalzbad."
    )
    assert await frage(hass, "Lösche die letzte Magnesiumdosis") == (
        "Letzten Eintrag entfernt: 150 Milligramm Glycinat."
    )
    log = await call(hass, "get_log")
    # logged at the same (frozen) moment: compared without order
    assert sorted(
        (item["form"], item.get("elemental_mg"), item.get("compound_mg"), item["source"])
        for item in log["records"]
    ) == [("citrate", 81.0, 500.0, "voice"), ("malate", 150.0, None, "voice")]
    assert await frage(hass, "Trag 100 mg Magnesiumchlorid ein") == (
        "100 Milligramm Chlorid eingetragen. Damit sind es heute 331, noch 19 übrig."
    )
    assert await frage(hass, "Ich habe 100 Milligramm Magnesiumsulfat genommen") == (
        "Bittersalz wird nicht über den Mund eingenommen. Sag, dass du ein Bittersalzbad "
        "hattest, oder trag das Öl oder Gel in der App ein."
    )
    assert await frage(hass, "Ich habe viele Milligramm Magnesiumglycinat genommen") == (
        "Ich habe die Menge nicht verstanden. Sag sie in Milligramm, zum Beispiel "
        "150 Milligramm Glycinat."
    )
    assert await frage(hass, "Ich habe gerade mein Morgenmagnesium eingenommen") == (
        "Dein Morgenmagnesium ist schon eingetragen, um 12:00 Uhr."
    )


@pytest.mark.usefixtures("assist")
async def test_planned_dose_logged(hass: HomeAssistant) -> None:
    await add(hass)
    assert await frage(hass, "Ich habe gerade mein Morgenmagnesium eingenommen") == (
        "Dein Morgenmagnesium ist eingetragen: 150 Milligramm Malat. "
        "Damit sind es heute 150, noch 200 übrig."
    )
    log = await call(hass, "get_log")
    assert [(item["form"], item["elemental_mg"], item["source"]) for item in log["records"]] == [
        ("malate", 150.0, "voice")
    ]


@pytest.mark.usefixtures("assist")
async def test_undo_with_nothing_logged(hass: HomeAssistant) -> None:
    await add(hass)
    assert await frage(hass, "Entferne den letzten Magnesiumeintrag") == (
        "Es gibt nichts rückgängig zu machen."
    )


@pytest.mark.usefixtures("assist")
async def test_no_log_loaded(hass: HomeAssistant) -> None:
    entry = await add(hass)
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert await frage(hass, "Wie viel Magnesium habe ich heute genommen?") == (
        "Es ist kein Magnesiumprotokoll geladen. Prüfe Magnesium unter Einstellungen, "
        "Geräte & Dienste."
    )
    assert (await frage(hass, "Welches Magnesium ist am besten zum Schlafen?")).startswith(SLEEP)


@pytest.mark.usefixtures("assist")
async def test_several_persons(hass: HomeAssistant, hass_admin_user: Any) -> None:
    await add(hass, title="Alex", person="person.alex")
    await add(hass, title="Sam", person="person.sam")
    sam = next(
        entry.entry_id
        for entry in hass.config_entries.async_entries(DOMAIN)
        if entry.title == "Sam"
    )
    await call(hass, "log_dose", config_entry_id=sam, form="malate", amount_mg=100)
    await call(hass, "log_bath", config_entry_id=sam, taken_at="2026-06-10T07:30:00+02:00")
    assert await frage(hass, "Wie viel Magnesium habe ich heute genommen?") == (
        "Wessen Magnesium? Alex und Sam?"
    )
    assert await frage(hass, "Wie viel Magnesium hat Sam heute genommen?") == (
        "Sam hat heute 100 Milligramm Magnesium genommen, in einer Dosis; "
        "bis zur Grenze von 350 bleiben 250 Milligramm."
    )
    assert await frage(hass, "Wie viel Magnesium hat Sam heute noch übrig?") == (
        "Für Sam bleiben heute 250 von 350 Milligramm."
    )
    assert await frage(hass, "Wann hat Sam zuletzt Magnesium genommen?") == (
        "Die letzte Dosis von Sam war 100 Milligramm Malat um 12:00 Uhr."
    )
    assert await frage(hass, "Wann hat Sam zuletzt ein Bittersalzbad genommen?") == (
        "Das letzte Bittersalzbad von Sam war heute um 07:30 Uhr."
    )
    assert await frage(hass, "Wann ist die nächste Dosis für Sam?") == (
        "Die nächste Dosis für Sam ist 150 Milligramm Glycinat um 21:00 Uhr."
    )
    assert await frage(hass, "Hat Sam sein Abendmagnesium schon genommen?") == (
        "Nein, Sam hat das Abendmagnesium noch nicht genommen; "
        "150 Milligramm Glycinat sind um 21:00 Uhr geplant."
    )
    assert await frage(hass, "Wie viel Magnesium hat Robin heute genommen?") == (
        "Robin kenne ich nicht. Ich kenne Alex und Sam."
    )
    # a user linked to a person: "ich" is that person
    hass.states.async_set("person.sam", "home", {"user_id": hass_admin_user.id})
    context = Context(user_id=hass_admin_user.id)
    assert await frage(hass, "Was ist die Höchstmenge an Magnesium pro Tag?", context) == (
        f"{LIMIT} Milligramm am Tag; in der EU bei höchstens 250. Nahrung zählt nicht mit. "
        "Für Sam ist die Grenze auf 350 Milligramm eingestellt. " + DOCTOR
    )
    assert await frage(hass, "Ich habe 50 mg Magnesiumglycinat genommen", context) == (
        "50 Milligramm Glycinat eingetragen. Damit sind es heute 150, noch 200 übrig."
    )
