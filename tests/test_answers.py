"""Unit tests of the spoken answers (pure Python, the English response file)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
import re

import pytest
import yaml

from custom_components.magnesium import answers as answers_module
from custom_components.magnesium.answers import Answers, Dose
from custom_components.magnesium.knowledge import FORMS, INTERACTIONS, UPPER_LIMIT_ADULT_MG

RESPONSES = Path(answers_module.__file__).parent / "responses"
TODAY = date(2026, 6, 10)


@pytest.fixture(scope="module")
def en() -> Answers:
    """The English answers."""
    return Answers(yaml.safe_load((RESPONSES / "en.yaml").read_text(encoding="utf-8")))


def test_today(en: Answers) -> None:
    assert en.today("Alex", 0, 0, 350) == (
        "Alex has not taken any magnesium today; the limit is 350 milligrams."
    )
    assert en.today("Alex", 300, 2, 350) == (
        "Alex has taken 300 milligrams of magnesium today, in 2 doses; "
        "50 milligrams are left under the limit of 350."
    )
    assert en.today("Alex", 400.5, 3, 350) == (
        "Alex has taken 400.5 milligrams of magnesium today, over the limit of 350. "
        "Do not take more today without medical advice."
    )


def test_remaining(en: Answers) -> None:
    assert en.remaining("Alex", 350, 350) == (
        "Alex has reached today's limit of 350 milligrams; no more magnesium today."
    )
    assert en.remaining("Alex", 100, 250) == "150 milligrams are left for Alex today, of 250."


def test_next_dose(en: Answers) -> None:
    evening = Dose(150, "glycinate", datetime(2026, 6, 10, 21, 0))
    tomorrow = Dose(150, "malate", datetime(2026, 6, 11, 8, 0))
    assert en.next_dose("Alex", None, TODAY, limit_reached=False) == (
        "Alex has no dose reminders on."
    )
    assert en.next_dose("Alex", evening, TODAY, limit_reached=False) == (
        "Alex's next dose is 150 milligrams of glycinate at 21:00."
    )
    assert en.next_dose("Alex", evening, TODAY, limit_reached=True) == (
        "Alex has reached today's limit; the next planned dose is tomorrow at 21:00."
    )
    assert en.next_dose("Alex", tomorrow, TODAY, limit_reached=False) == (
        "Alex's next dose is 150 milligrams of malate tomorrow at 08:00."
    )


def test_last_bath_and_dose(en: Answers) -> None:
    assert en.last_bath("Alex", datetime(2026, 6, 10, 20, 15), TODAY) == (
        "Alex's last Epsom bath was at 20:15 today."
    )
    assert en.last_bath("Alex", datetime(2026, 6, 3, 20, 15), TODAY) == (
        "Alex's last Epsom bath was 7 days ago."
    )
    assert en.last_dose("Alex", Dose(75.5, "citrate", datetime(2026, 6, 9, 8)), TODAY) == (
        "Alex's last dose was 75.5 milligrams of citrate, yesterday."
    )


def test_slot_taken(en: Answers) -> None:
    planned = Dose(150, "glycinate", datetime(2026, 6, 10, 21))
    assert en.slot_taken("Alex", "evening", taken=None, planned=planned, skipped=True) == (
        "No, Alex skipped the evening magnesium today."
    )
    assert en.slot_taken("Alex", "evening", taken=None, planned=None, skipped=False) == (
        "Alex has no evening dose planned."
    )


def test_logged_and_undone(en: Answers) -> None:
    assert en.logged(
        "glycinate", elemental_mg=150, compound_mg=None, oral_mg=300, limit=350, slot="evening"
    ) == (
        "Logged your evening magnesium: 150 milligrams of glycinate. That makes 300 today, 50 left."
    )
    assert en.undone("side_effect", "nausea", None) == "Removed the last entry: nausea."
    assert en.undone("oral", "glycinate", 150) == (
        "Removed the last entry: 150 milligrams of glycinate."
    )


def test_compare_with_unknown_and_uncovered_forms(en: Answers) -> None:
    assert en.compare("glycinate", "kryptonite").startswith("I don't know the form kryptonite.")
    assert en.compare("orotate", "glycinate") == (
        "Orotate: 7.2 percent magnesium, not covered by my sources. "
        "Glycinate: often recommended for nerve discomfort, gentle on the stomach, often taken "
        "in the evening. Ask your doctor or pharmacist if you are unsure."
    )


def test_numbers_in_the_answers_are_the_knowledge_bases(en: Answers) -> None:
    """Every form is named; the limit, fractions and spacing hours are the knowledge base's."""
    assert set(en.texts["form_names"]) == {form.key for form in FORMS}
    assert set(en.texts["interactions"]) == {item.key for item in INTERACTIONS}
    assert str(UPPER_LIMIT_ADULT_MG) in en.safety("limit")
    for form in FORMS:
        if form.key not in en.texts["forms"]:
            assert f"{form.elemental_fraction * 100:g} percent" in en.form_info(form.key)
    assert "2 hours before or 4 to 6 hours after" in en.texts["interactions"]["quinolone"]
    assert "2 hours before or 4 to 6 hours after" in en.texts["interactions"]["tetracycline"]
    assert "4 hours before or 8 hours after" in en.texts["interactions"]["moxifloxacin"]
    assert "at most 250" in en.safety("limit")


def test_every_placeholder_is_filled(en: Answers) -> None:
    """No text has a {placeholder} the code does not fill."""

    def strings(node: object) -> list[str]:
        if isinstance(node, dict):
            return [text for value in node.values() for text in strings(value)]
        return [node] if isinstance(node, str) else []

    names = {name for text in strings(en.texts) for name in re.findall(r"\{([a-z_]+)\}", text)}
    assert names <= {
        "amount",
        "compound",
        "days",
        "form",
        "forms",
        "info",
        "limit",
        "medicine",
        "medicine_time",
        "name",
        "name_a",
        "name_b",
        "names",
        "oral",
        "own",
        "percent",
        "remaining",
        "short_a",
        "short_b",
        "slot",
        "time",
        "what",
        "when",
        "doses",
        "eu_limit",
        "medicines",
        "product",
        "products",
        "units",
        "unit",
        "stock",
        "stock_unit",
        "taken",
        "area",
    }


def test_spacing_answers(en: Answers) -> None:
    from datetime import datetime

    today = datetime(2026, 6, 10, 12, 0)
    assert en.spacing_wait(
        "gabapentin", datetime(2026, 6, 10, 23, 0), datetime(2026, 6, 10, 23, 1), today.date()
    ) == (
        "Magnesium should wait until 23:01, to keep it apart from the gabapentin at 23:00. "
        "Ask your doctor or pharmacist if you are unsure."
    )
    assert en.spacing_wait(
        "quinolone", datetime(2026, 6, 10, 23, 0), datetime(2026, 6, 11, 1, 0), today.date()
    ) == (
        "Magnesium should wait until tomorrow at 01:00, to keep it apart from the quinolone "
        "antibiotic at 23:00. Ask your doctor or pharmacist if you are unsure."
    )


# -- every health answer, in English and German ------------------------------------------


@pytest.fixture(scope="module", params=["en", "de"])
def answers(request: pytest.FixtureRequest) -> Answers:
    """The answers of each language."""
    return Answers(
        yaml.safe_load((RESPONSES / f"{request.param}.yaml").read_text(encoding="utf-8"))
    )


TOPICS = {"antibiotics": ["antibiotics", "Antibiotika"], "kidney": ["kidney", "Niere"]}


def health_answers(answers: Answers) -> list[str]:
    """Every health answer: each form, comparisons, goals, safety, baths, spacing."""
    from custom_components.magnesium.answers import BATH_TOPICS, GOALS, SAFETY_TOPICS

    texts = [answers.form_info(form.key) for form in FORMS]
    texts += [answers.compare("glycinate", "oxide"), answers.compare("citrate", "citrate")]
    texts += [answers.compare("orotate", "malate")]
    texts += [answers.goal(goal) for goal in GOALS]
    texts += [answers.safety(topic) for topic in SAFETY_TOPICS]
    texts += [answers.safety("limit", "Alex", 250)]
    texts += [answers.bath(topic) for topic in BATH_TOPICS]
    texts += [answers.interaction(name, TOPICS) for item in INTERACTIONS for name in item.examples]
    texts += [answers.interaction(item.name, TOPICS) for item in INTERACTIONS]
    texts += [answers.evidence(), answers.amount_check(400, 350), answers.amount_check(100, 350)]
    texts += [
        answers.spacing_wait(
            "levothyroxine", datetime(2026, 6, 10, 8), datetime(2026, 6, 10, 12), TODAY
        )
    ]
    return texts


def test_every_health_answer_ends_with_the_doctor_advice(answers: Answers) -> None:
    doctor = answers.texts["doctor"]
    for text in health_answers(answers):
        assert text.endswith(doctor), text


def test_the_wording_is_no_stronger_than_facts(answers: Answers) -> None:
    """facts.md: "often recommended", "may help relax", "considered", "stomach cramps"."""
    every = " ".join([*health_answers(answers), *(str(text) for text in _strings(answers.texts))])
    lowered = every.lower()
    for word in ("calming", "beruhigend", "treats", "cures", "heilt", " rät zu 250"):
        assert word not in lowered, word
    # "cramping"/"Krämpfe" alone reads as muscle cramps: stomach cramps or muscle spasms only
    assert "cramping" not in lowered
    assert not re.search(r"(?<![a-zäöüß])krämpf", lowered)
    assert not re.search(r"(?<![a-z])cramps", lowered.replace("stomach cramps", ""))


def _strings(node: object) -> list[str]:
    if isinstance(node, dict):
        return [text for value in node.values() for text in _strings(value)]
    return [node] if isinstance(node, str) else []


@pytest.mark.parametrize(
    ("language", "key", "words"),
    [
        ("en", "evidence", "no trial has tested magnesium taken by mouth for sciatica"),
        ("de", "evidence", "keine Studie hat Magnesium zum Einnehmen bei Ischias geprüft"),
        ("en", "goals.nerve_pain", "No trial has tested magnesium taken by mouth for sciatica"),
        ("de", "goals.nerve_pain", "Keine Studie hat Magnesium zum Einnehmen bei Ischias geprüft"),
        ("en", "goals.nerve_pain", "injected magnesium"),
        ("de", "goals.nerve_pain", "gespritztem Magnesium"),
        ("en", "forms.glycinate", "is often recommended for nerve discomfort"),
        ("de", "forms.glycinate", "wird oft bei Nervenbeschwerden empfohlen"),
        ("en", "baths.epsom_help", "may help relax muscles"),
        ("de", "baths.epsom_help", "kann helfen, die Muskeln zu entspannen"),
        ("en", "forms.oxide", "considered ineffective for nerve pain"),
        ("de", "forms.oxide", "gilt es allgemein als unwirksam"),
        ("en", "safety.side_effects", "stomach cramps"),
        ("de", "safety.side_effects", "Bauchkrämpfe"),
        ("en", "safety.limit", "at most 250"),
        ("de", "safety.limit", "höchstens 250"),
        ("en", "safety.limit", "medicines with magnesium, such as antacids and laxatives"),
        ("de", "safety.limit", "Medikamenten mit Magnesium"),
        ("en", "safety.pregnancy", "is the same, 350 milligrams a day. Ask a doctor"),
        ("de", "safety.pregnancy", "dieselbe Obergrenze"),
        ("en", "baths.epsom_help", "Not on broken or irritated skin; with diabetes, ask a doctor"),
        ("de", "baths.epsom_help", "Nicht auf verletzter oder gereizter Haut; mit Diabetes"),
        ("en", "forms.chloride", "most often cause diarrhoea"),
        ("de", "forms.chloride", "am häufigsten Durchfall"),
        ("en", "interactions.diuretic", "proton-pump inhibitors taken for a long time"),
        ("de", "interactions.diuretic", "Protonenpumpenhemmer über lange Zeit"),
        ("en", "forms.hydroxide", "counts toward the daily limit"),
        ("de", "forms.hydroxide", "zählt zur Tagesgrenze"),
    ],
)
def test_corrected_wording(language: str, key: str, words: str) -> None:
    texts = Answers(yaml.safe_load((RESPONSES / f"{language}.yaml").read_text(encoding="utf-8")))
    said = (
        texts.safety(key.split(".")[1])
        if key.startswith("safety.")
        else texts.say(key, medicine="x", limit=350, eu_limit=250)
    )
    assert words in said


@pytest.mark.parametrize(("language", "question"), [("en", "Do you mean"), ("de", "Meinst du")])
def test_levo_asks_which_medicine(language: str, question: str) -> None:
    texts = Answers(yaml.safe_load((RESPONSES / f"{language}.yaml").read_text(encoding="utf-8")))
    said = texts.interaction("levo", TOPICS)
    names = ("levofloxacin", "levothyroxine") if language == "en" else (
        "Levofloxacin", "Levothyroxin"
    )  # fmt: skip
    joiner = " or " if language == "en" else " oder "
    assert said == f"{question} {names[0]}{joiner}{names[1]}?"


@pytest.mark.parametrize(
    ("language", "said"),
    [
        (
            "en",
            "I have no spacing advice for omeprazole and magnesium; that does not mean they can "
            "be taken together. Ask a pharmacist.",
        ),
        (
            "de",
            "Zum Abstand zwischen Omeprazole und Magnesium habe ich keinen Rat; das heißt nicht, "
            "dass du sie zusammen nehmen kannst. Frag in der Apotheke nach.",
        ),
    ],
)
def test_an_unknown_medicine_has_no_advice(language: str, said: str) -> None:
    texts = Answers(yaml.safe_load((RESPONSES / f"{language}.yaml").read_text(encoding="utf-8")))
    assert texts.interaction("omeprazole", TOPICS) == said


@pytest.mark.parametrize(
    ("medicine", "words"),
    [
        ("ciprofloxacin", "at least 2 hours before or 4 to 6 hours after"),
        ("ofloxacin", "at least 2 hours before or 4 to 6 hours after"),
        ("norfloxacin", "at least 2 hours before or 4 to 6 hours after"),
        ("moxifloxacin", "at least 4 hours before or 8 hours after"),
        ("tetracycline", "at least 2 hours before or 4 to 6 hours after"),
        ("demeclocycline", "at least 2 hours before or 4 to 6 hours after"),
        ("risedronate", "at least 2 hours apart"),
        ("ibandronate", "at least 2 hours apart"),
        ("levothyroxine", "at least 4 hours apart"),
        ("dolutegravir", "2 hours before or 6 hours after"),
        ("gabapentin", "2 hours apart either way"),
    ],
)
def test_each_medicine_s_spacing_is_said(en: Answers, medicine: str, words: str) -> None:
    assert words in en.interaction(medicine, TOPICS)
