"""The answer to a sentence about magnesium that fits no template: taken from the words it holds.

Pure Python, no Home Assistant imports. Only a sentence that names magnesium, a form or Epsom
salt comes here (the keyword sentences of ``grammar.py``; everything else stays Home
Assistant's). It never changes the log: a command that was not understood gets an answer, not a
guess. What it looks for, in this order (the words of each step are the sentence file's
``fallback`` section, the forms, goals and medicines its lists):

1. a safety word: too much (with an amount: that amount against the limit), pregnancy, kidney
   disease, heart medication, side effects, the daily limit, how to split the dose;
2. a medicine: how far apart from magnesium;
3. a question of evidence ("is there proof", "does it really work"): for oils and baths their
   answer, else what the studies show;
4. two forms: the two side by side; one form: what it is good for;
5. a goal with a question word: the form for it (a complaint before a time of day);
6. a bath or an oil: their answers; a goal: the form for it;
7. nothing of these: one sentence that says what can be asked (intent ``None``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
import re
from typing import Any

from .grammar import Grammar, Match, number, prepare

HELP = "help"
# Of several goals in one sentence, the one that names a complaint wins over a time of day
# ("cramps at night" asks about cramps).
GOAL_ORDER = ("nerve_pain", "spasm", "stomach", "sleep", "daytime")
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:mg|milligrams?|milligramm)\b", re.IGNORECASE)


def _has(text: str, words: Iterable[str], *, glued: bool = False) -> bool:
    """Whether the text says one of the words (``glued``: also as the start of a word)."""
    end = "" if glued else r"(?!\w)"
    return any(re.search(rf"(?<!\w){re.escape(word)}{end}", text) for word in words)


def _found(
    text: str, values: list[dict[str, str]], *, glued: bool = False
) -> list[tuple[int, str]]:
    """(position, value) of each list value the text names, in the order they are said."""
    found: dict[str, int] = {}
    end = "" if glued else r"(?!\w)"
    for value in values:
        for word in value["in"].strip("()").split("|"):
            if (hit := re.search(rf"(?<!\w){re.escape(word)}{end}", text)) is not None:
                found[value["out"]] = min(found.get(value["out"], hit.start()), hit.start())
    return sorted((position, out) for out, position in found.items())


def understand(grammar: Grammar, text: str) -> Match | None:
    """What a sentence about magnesium asks, from its words; None when it names none of ours."""
    spoken = prepare(text).lower()
    glued = bool(grammar.data.get("glued_prefix"))  # German: "Citrattablette"
    if not _has(spoken, grammar.keywords, glued=glued):
        return None
    cues: Mapping[str, list[str]] = grammar.data.get("fallback") or {}
    forms = [out for _, out in _found(spoken, grammar.lists["form"]["values"], glued=glued)]
    said = {out for _, out in _found(spoken, grammar.lists["goal"]["values"])}
    goals = [goal for goal in GOAL_ORDER if goal in said]
    medicines = [out for _, out in _found(spoken, grammar.lists["medicine"]["values"])]

    def match(intent: str | None, **slots: Any) -> Match:
        return Match(intent or HELP, slots, grammar.language, fallback=True)

    def cue(name: str) -> bool:
        return _has(spoken, cues.get(name, ()))

    if cue("overdose"):
        if (found := _AMOUNT.search(spoken)) and number(found[1]):
            return match("MagnesiumAmountCheck", amount=found[1])
        return match("MagnesiumSafety", topic="overdose")
    for topic in ("pregnancy", "kidney", "heart", "side_effects"):
        if cue(topic):
            return match("MagnesiumSafety", topic=topic)
    if medicines:
        return match("MagnesiumInteraction", medicine=medicines[0])
    bath, topical = cue("bath"), cue("topical")
    if cue("evidence"):
        if bath or topical:
            return match("MagnesiumBathInfo", topic="epsom_help" if bath else "topical")
        return match("MagnesiumEvidence")
    if len(forms) > 1:
        return match("MagnesiumCompareForms", form=forms[0], other_form=forms[1])
    if forms and not (bath and forms[0] == "sulfate") and not (topical and forms[0] == "chloride"):
        return match("MagnesiumFormInfo", form=forms[0])
    if cue("limit_strong"):
        return match("MagnesiumSafety", topic="limit")
    if goals and cue("question"):
        return match("MagnesiumFormForGoal", goal=goals[0])
    if bath:
        return match(
            "MagnesiumBathInfo", topic="epsom_amount" if cue("bath_amount") else "epsom_help"
        )
    if topical:
        return match("MagnesiumBathInfo", topic="topical")
    if cue("split"):
        return match("MagnesiumSafety", topic="split")
    if cue("limit"):
        return match("MagnesiumSafety", topic="limit")
    if goals:
        return match("MagnesiumFormForGoal", goal=goals[0])
    return match(None)
