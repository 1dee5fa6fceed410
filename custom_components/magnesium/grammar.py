"""The ways people ask, as hassil templates: one grammar per language, and the one recognizer.

Over 400 lines: building the templates, recognizing and the trigger share one parse of the sentence
file; the number words could move to a module of their own.

Pure Python on hassil (the matcher of Home Assistant's conversation integration), no Home
Assistant imports. ``sentences/<language>.yaml`` is written in hassil's own format, as Home
Assistant's intent sentences are: ``expansion_rules`` (shared phrases such as ``<what_is>`` or
``<took>``), ``lists`` (forms, goals, medicines, slots; ``wildcard: true`` for free text such as a
person's or a product's name) and ``intents`` with their sentences. Two things are added to every
sentence of the file, so that a new intent gets them without writing them again:

* the polite frames people wrap around a question or a command ("um", "can you tell me",
  "please", "could you"): ``frames.question`` / ``frames.command`` are put around each sentence
  of an intent of that kind;
* the names of forms and medicines that ``knowledge`` holds, merged into the ``form`` and
  ``medicine`` lists next to the file's own words.

``Grammar.recognize`` gives the best match of a text, or None. Of several matches it takes the
one that leaves the least text to wildcards (``{context}``, the words around a question that
belong to no slot, counts most), then the intent listed first in the file. Every sentence that
can reach the integration is also given to Home Assistant as one sentence trigger
(``trigger_sentences``), the same templates written out without rules and lists, plus the
file's ``keywords`` with free text around them: what names magnesium, a form or Epsom salt is
ours even when no template fits, and goes to the fallback (``fallback.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
import re
from typing import Any

from hassil import Intents, recognize_all
from hassil.intents import Intent
from hassil.recognize import RecognizeResult

from .knowledge import FORMS, INTERACTIONS

# Wildcards that hold words belonging to no slot: they only let a sentence carry more words.
CONTEXT_WILDCARDS = frozenset({"context", "tail"})
# Slots that hold a number: a match whose number is not one is no match.
NUMBERS = frozenset({"amount", "units"})
# More words than this are no sentence a template was written for (free words around a template
# would make matching them take seconds); the fallback still answers them from their words.
MAX_WORDS = 30
# An intent or block marked ``reach: keyword`` is heard only in sentences that name magnesium,
# a form or Epsom salt (questions about health are asked so), to keep the trigger small.
KEYWORD = "keyword"
QUESTION = "question"
COMMAND = "command"
# A frame whose sentences reach the integration only through the keyword sentences: words
# before the sentence ("my leg hurts tonight, which magnesium ...") that belong to no slot.
CONTEXT_FRAME = "_context"

type Known = Callable[[str, str], bool]
"""Whether a person's or a product's name (the slot, the words) is one the integration has."""

_RULE = re.compile(r"<([a-z_]+)>")
_LIST = re.compile(r"\{([a-z_]+)(?::[a-z_]+)?\}")
_GLUED_UNIT = re.compile(r"(\d)\s*(mg|g|ml|milligrams?|milligramm)\b", re.IGNORECASE)
_HYPHEN = re.compile(r"(?<=[^\W\d])-(?=[^\W\d])")  # "Citrat-Tablette", "L-Thyroxin"
_THOUSANDS = re.compile(r"(\d)[,.](\d{3})\b")
_DECIMAL_COMMA = re.compile(r"(\d),(\d)")


@dataclass(frozen=True, slots=True)
class Match:
    """What a sentence asks: an intent, its slots and the language it was said in."""

    intent: str
    slots: dict[str, Any]
    language: str
    fallback: bool = False
    template: str | None = None


# A match with its rank: (words left over, amounts that are no number, free words, intent order)
type _Ranked = tuple[tuple[int, int, int, int], Match]


def prepare(text: str) -> str:
    """A spoken or typed sentence as the templates expect it.

    Straight apostrophes, words joined by a hyphen apart ("Citrat-Tablette"), a unit apart
    from its number ("200mg" is "200 mg"), no thousands separator ("1,000" is "1000") and a
    decimal point ("2,5" is "2.5").
    """
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = _HYPHEN.sub(" ", text)
    text = _THOUSANDS.sub(r"\1\2", text)
    text = _DECIMAL_COMMA.sub(r"\1.\2", text)
    return _GLUED_UNIT.sub(r"\1 \2", text).strip()


def _alternatives(words: Iterable[str]) -> str:
    unique = list(dict.fromkeys(word for word in words if word))
    return unique[0] if len(unique) == 1 else f"({'|'.join(unique)})"


@dataclass
class Grammar:
    """The sentences of one language."""

    data: Mapping[str, Any]
    language: str = field(init=False)

    def __post_init__(self) -> None:
        """Read the language; the templates are built on first use."""
        self.language = str(self.data["language"])

    # -- building ---------------------------------------------------------------------------
    @cached_property
    def lists(self) -> dict[str, Any]:
        """The file's lists, with knowledge's form and medicine names merged in."""
        lists: dict[str, Any] = {name: dict(value) for name, value in self.data["lists"].items()}
        lists["form"] = {"values": self._form_values()}
        lists["medicine"] = {"values": self._medicine_values()}
        return lists

    def _form_names(self) -> dict[str, list[str]]:
        """Each form's names as said in this language (the file's words and knowledge's)."""
        words: Mapping[str, list[str]] = self.data.get("form_words") or {}
        names: dict[str, list[str]] = {}
        for form in FORMS:
            spoken = {
                name
                for text in (*words.get(form.key, ()), form.key, form.name, *form.aliases)
                for name in _spoken(text)
            }
            names[form.key] = sorted(spoken, key=lambda name: (-len(name), name))
        return names

    def _form_values(self) -> list[dict[str, str]]:
        glue = str(self.data.get("glued_prefix") or "")
        values = []
        for key, names in self._form_names().items():
            if not glue:
                values.append({"in": _alternatives(names), "out": key})
                continue
            glued = [f"{glue}{name.replace(' ', '')}" for name in names if glue not in name]
            values.append({"in": _alternatives([*names, *glued]), "out": key})
        return values

    def _medicine_values(self) -> list[dict[str, str]]:
        """Every medicine name the knowledge base and the file know, each as itself."""
        names: dict[str, str] = {}
        for item in INTERACTIONS:
            for text in (*item.examples, *item.aliases):
                for name in _spoken(text):
                    names.setdefault(name, name)
        for canonical, words in (self.data.get("medicine_words") or {}).items():
            for word in (canonical, *words):
                for name in _spoken(str(word)):
                    names.setdefault(name, str(canonical))
        return [{"in": spoken, "out": canonical} for spoken, canonical in names.items()]

    @cached_property
    def templates(self) -> dict[str, list[tuple[str, dict[str, Any]]]]:
        """Each intent's sentences, in their frames, with their fixed slots."""
        return self._framed(with_context=True)

    def _framed(
        self,
        with_context: bool,
        frames: Mapping[str, str] | None = None,
        *,
        for_trigger: bool = False,
    ) -> dict[str, list[tuple[str, dict[str, Any]]]]:
        frames = frames if frames is not None else self.data.get("frames") or {}
        out: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        for intent_type, spec in self.data["intents"].items():
            kind = spec.get("kind", QUESTION)
            kinds = [kind, f"{kind}{CONTEXT_FRAME}"] if with_context else [kind]
            out[intent_type] = [
                (frame.replace("{sentence}", sentence), dict(block.get("slots") or {}))
                for name in kinds
                if (frame := frames.get(name))
                for block in spec["data"]
                if block.get("context", True) or not name.endswith(CONTEXT_FRAME)
                if not (for_trigger and block.get("reach", spec.get("reach")) == KEYWORD)
                for sentence in block["sentences"]
            ]
        return out

    @cached_property
    def intents(self) -> Intents:
        """The hassil intents of the templates without free words around them (parsed once)."""
        return self._intents(context=False)

    @cached_property
    def context_intents(self) -> Intents:
        """The hassil intents of the templates with free words around them (parsed once).

        Apart, because a leading free text makes every template try every start: the plain
        templates are tried first, and these only when they find nothing that needs no words
        left over.
        """
        return self._intents(context=True)

    @cached_property
    def _needs(self) -> dict[bool, dict[str, list[list[frozenset[str]]]]]:
        """For every template, sets of words of which a sentence must hold one of each.

        In the order of ``_intents``; a template is only tried on a sentence that holds one of
        its words, so a sentence meets a few dozen templates, not hundreds.
        """
        return {
            context: {
                name: [
                    _needed(_parse(self._inline(sentence)))
                    for sentence, _ in sentences
                    if ("{context}" in sentence) == context
                ]
                for name, sentences in self.templates.items()
            }
            for context in (False, True)
        }

    def _candidates(self, spoken: str, *, context: bool) -> Intents:
        """The intents with only the templates whose words ``spoken`` holds."""
        intents = self.context_intents if context else self.intents
        text = spoken.lower()
        needs = self._needs[context]
        return Intents(
            language=intents.language,
            intents={
                name: Intent(
                    name=name,
                    data=[
                        data
                        for data, need in zip(intent.data, needs[name], strict=False)
                        if all(any(word in text for word in words) for words in need)
                    ],
                )
                for name, intent in intents.intents.items()
            },
            slot_lists=intents.slot_lists,
            expansion_rules=intents.expansion_rules,
            skip_words=intents.skip_words,
            settings=intents.settings,
        )

    def _intents(self, *, context: bool) -> Intents:
        return Intents.from_dict(
            {
                "language": self.language,
                "expansion_rules": dict(self.data.get("expansion_rules") or {}),
                "lists": self.lists,
                "intents": {
                    name: {
                        "data": [
                            {"sentences": [sentence], "slots": slots}
                            for sentence, slots in sentences
                            if ("{context}" in sentence) == context
                        ]
                    }
                    for name, sentences in self.templates.items()
                },
            }
        )

    @cached_property
    def speaker_words(self) -> frozenset[str]:
        """Words that make a would-be amount part of a sentence: "I", "we", "my"."""
        return frozenset(str(word).lower() for word in self.data.get("speaker_words") or ())

    @cached_property
    def order(self) -> dict[str, int]:
        """An intent's place in the file: the first listed wins a tie."""
        return {name: index for index, name in enumerate(self.data["intents"])}

    # -- recognizing ------------------------------------------------------------------------
    def recognize(self, text: str, known: Known | None = None) -> Match | None:
        """The best match of a sentence, or None.

        Words that no slot takes count against a match, and so do a person's or a product's
        name that ``known`` does not know ("my leg was cramping so I" is not a person), and an
        amount that is no number ("lots of milligrams"); many words where a number belongs are
        no match at all.
        """
        spoken = prepare(text)
        if len(spoken.split()) > MAX_WORDS:  # no one says that much at once: not a template's
            return None
        best = self._best(recognize_all(spoken, self._candidates(spoken, context=False)), known)
        if best is None or best[0][0] > 0:  # words left over: free words around may fit better
            found = recognize_all(spoken, self._candidates(spoken, context=True))
            best = self._best(found, known, best)
        return best[1] if best else None

    def _best(
        self,
        results: Iterable[RecognizeResult],
        known: Known | None,
        best: _Ranked | None = None,
    ) -> _Ranked | None:
        """The best of ``results`` and ``best`` (see ``recognize``)."""
        for result in results:
            context = wildcards = not_numbers = 0
            slots: dict[str, Any] = dict(result.intent_data.slots or {})
            for name, entity in result.entities.items():
                words = str(entity.text)
                if name in CONTEXT_WILDCARDS:
                    context += len(words)
                    continue
                value = _value(name, entity)
                if name in NUMBERS and number(value, self.data.get("number_words")) is None:
                    spoken = words.lower().split()
                    if len(spoken) > 1 or self.speaker_words.intersection(spoken):
                        break  # a sentence ("I take tablets for my heart"), not an amount
                    not_numbers += 1  # "lots of milligrams": the handler asks for the amount
                if name == "name" and self.speaker_words.intersection(words.lower().split()):
                    break  # "when do I take magnesium next": "do I take" is no one's name
                if getattr(entity, "is_wildcard", False):
                    if name in NUMBERS or known is None or known(name, str(value)):
                        wildcards += len(words)
                    else:
                        context += len(words)
                slots[name] = value
            else:
                rank = (context, not_numbers, wildcards, self.order[result.intent.name])
                if best is None or rank < best[0]:
                    sentence = result.intent_sentence.text if result.intent_sentence else None
                    match = Match(result.intent.name, slots, self.language, template=sentence)
                    best = (rank, match)
                continue
        return best

    # -- the trigger ------------------------------------------------------------------------
    @cached_property
    def trigger(self) -> list[str]:
        """``trigger_sentences``, worked out once."""
        return self.trigger_sentences()

    def trigger_sentences(self) -> list[str]:
        """The keyword and anchor sentences, and the templates that say neither.

        A template that always names magnesium, a form or Epsom salt, or one of the file's
        ``anchors`` (words of a person's own log that Home Assistant's own sentences do not
        use: "dose", "capsules", "undo"), reaches the integration through those words with
        free text around them; the few others are written out (rules and lists inlined).
        """
        anchors = [str(word).lower() for word in self.data.get("anchors") or ()]
        keyword_words = {*self.keywords, *anchors} | {
            name for value in self._form_values() for name in value["in"].strip("()").split("|")
        }
        sentences = []
        frames = {**self.data.get("frames", {}), **self.data.get("trigger_frames", {})}
        framed = self._framed(with_context=False, frames=frames, for_trigger=True)
        for items in framed.values():
            for template, _ in items:
                sentence = _without_optional_context(template)
                if any(f"{{{name}}}" in sentence for name in CONTEXT_WILDCARDS):
                    continue  # words around a template: only with a keyword
                inlined = self._inline(sentence, trigger=True)
                if not _always(_parse(inlined), keyword_words):
                    sentences.append(inlined)
        keywords = _alternatives([*self.keywords, *anchors])
        sentences += [
            f"{{before}} {keywords} {{after}}",
            f"{{before}} {keywords}",
            f"{keywords} {{after}}",
            keywords,
        ]
        if self.data.get("glued_prefix"):  # one word: "Magnesiumtabletten", "Citrattablette"
            sentences += [f"[{{before}}] {_alternatives(self.keywords)}{{after}}"]
        return list(dict.fromkeys(sentences))

    def anchored(self, text: str) -> bool:
        """Whether a sentence says one of the file's anchor words."""
        spoken = f" {' '.join(re.findall(r"[\w'-]+", prepare(text).lower()))} "
        return any(f" {word.lower()} " in spoken for word in self.data.get("anchors") or ())

    @cached_property
    def keywords(self) -> list[str]:
        """Words that make a sentence ours: magnesium, every form's name, Epsom salt."""
        words = [str(word) for word in self.data.get("keywords") or ()]
        for names in self._form_names().values():
            words.extend(names)
        return sorted(dict.fromkeys(word.lower() for word in words), key=lambda w: (-len(w), w))

    def _inline(self, template: str, depth: int = 0, *, trigger: bool = False) -> str:
        """A template with its rules and word lists written out.

        For the trigger (``trigger``), ``trigger_rules`` and ``trigger_lists`` of the file stand
        in for the longer ones: the trigger only has to let the sentence in.
        """
        rules: Mapping[str, str] = self.data.get("expansion_rules") or {}
        lists = self.lists
        if trigger:
            rules = {**rules, **(self.data.get("trigger_rules") or {})}
            lists = {**lists, **(self.data.get("trigger_lists") or {})}
        if depth > 10:  # pragma: no cover - a rule that names itself
            raise ValueError(f"expansion rules nest too deep: {template}")

        def rule(found: re.Match[str]) -> str:
            return f"({self._inline(rules[found[1]], depth + 1, trigger=trigger)})"

        def slot_list(found: re.Match[str]) -> str:
            spec = lists.get(found[1])
            if spec is None or spec.get("wildcard") or "range" in spec:
                return found[0]
            values = [
                value["in"] if isinstance(value, dict) else str(value) for value in spec["values"]
            ]
            return self._inline(_alternatives(values), depth + 1, trigger=trigger)

        return _LIST.sub(slot_list, _RULE.sub(rule, template))


# A template as a tree: ("seq", [parts]), ("alt", [choices]), ("opt", part), ("text", words),
# ("list", name). Only what ``_always`` needs to know.
type _Node = tuple[str, Any]


def _parse(template: str) -> _Node:
    node, _ = _parse_sequence(template, 0, "")
    return node


def _parse_sequence(text: str, index: int, closing: str) -> tuple[_Node, int]:
    choices: list[_Node] = []
    parts: list[_Node] = []
    while index < len(text):
        char = text[index]
        if char in closing:
            break
        if char == "|":
            choices.append(("seq", parts))
            parts = []
            index += 1
        elif char in "([":
            inner, index = _parse_sequence(text, index + 1, ")" if char == "(" else "]")
            parts.append(inner if char == "(" else ("opt", inner))
            index += 1
        elif char == "{":
            end = text.index("}", index)
            parts.append(("list", text[index + 1 : end].split(":", maxsplit=1)[0]))
            index = end + 1
        else:
            end = index
            while end < len(text) and text[end] not in "([{|)]":
                end += 1
            parts.append(("text", text[index:end]))
            index = end
    if choices:
        return ("alt", [*choices, ("seq", parts)]), index
    return ("seq", parts), index


def _needed(node: _Node) -> list[frozenset[str]]:
    """What every sentence a template stands for holds: one word of each set."""
    kind, value = node
    if kind == "text":
        return [frozenset({word}) for word in re.findall(r"[\w'-]+", value.lower())]
    if kind in ("list", "opt"):  # free text or a word list left as it is: nothing sure
        return []
    needs = [_needed(part) for part in value]
    if kind == "seq":
        return [need for part in needs for need in part]
    if any(not need for need in needs):  # a choice that needs nothing
        return []
    # a choice: one of the choices' words, each choice's longest (the rarest, as a rule)
    return [
        frozenset().union(*(max(need, key=lambda words: min(map(len, words))) for need in needs))
    ]


def _always(node: _Node, keywords: set[str]) -> bool:
    """Whether every sentence a template stands for holds one of the keywords."""
    kind, value = node
    if kind == "text":
        text = f" {' '.join(re.findall(r"[\w'-]+", value.lower()))} "
        return any(f" {word} " in text for word in keywords)
    if kind == "list":
        return value in {"form", "other_form"}
    if kind == "opt":
        return False
    if kind == "alt":
        return all(_always(choice, keywords) for choice in value)
    return any(_always(part, keywords) for part in value)


def _without_optional_context(template: str) -> str:
    """A template without its optional parts that hold free words ("[or is it {tail}]")."""
    out: list[str] = []
    depth = start = 0
    for char in template:
        if char == "[":
            if depth == 0:
                start = len(out)
            depth += 1
        out.append(char)
        if char == "]":
            depth -= 1
            if depth == 0:
                part = "".join(out[start:])
                if any(f"{{{name}}}" in part for name in CONTEXT_WILDCARDS):
                    del out[start:]
    return "".join(out)


def _spoken(text: str) -> list[str]:
    """A name as it is said: lower case, each part of "sulfate (Epsom salt)" on its own."""
    parts = re.split(r"[(),/]", text.lower())
    return [" ".join(part.split()) for part in parts if part.strip()]


def _value(name: str, entity: Any) -> Any:
    value = entity.value
    if isinstance(value, str):
        value = value.strip()
        if name == "name":
            value = re.sub(r"(?:'s|s')$", "", value)
    return value


def number(value: Any, words: Mapping[str, Any] | None = None) -> float | None:
    """A positive number from digits ("2", "2.5", "1,000") or a number word ("two", "zwei")."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value) if value > 0 else None
    text = " ".join(str(value).lower().split())
    if words and text in words:
        return float(words[text])
    try:
        found = float(prepare(text).replace(",", "."))
    except ValueError:
        found = spoken_number(text) or 0.0
    return found if 0 < found < float("inf") else None


# The words of a spoken number in English and German ("two hundred and fifty",
# "zweihundertfünfzig"); they share no word, so one table serves both.
_ONES = {
    "en": "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen",
    "de": "null eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn "
    "vierzehn fünfzehn sechzehn siebzehn achtzehn neunzehn",
}
_TENS = {
    "en": "twenty thirty forty fifty sixty seventy eighty ninety",
    "de": "zwanzig dreißig vierzig fünfzig sechzig siebzig achtzig neunzig",
}
_NUMBER_PARTS: dict[str, int] = {
    **{word: value for words in _ONES.values() for value, word in enumerate(words.split())},
    **{
        word: 20 + 10 * index
        for words in _TENS.values()
        for index, word in enumerate(words.split())
    },
    "ein": 1,
    "eine": 1,
    "a": 1,
    "an": 1,
}
_MULTIPLIERS = {"hundred": 100, "hundert": 100, "thousand": 1000, "tausend": 1000}
_JOINERS = {"and", "und"}
_NUMBER_TOKEN = re.compile(
    "|".join(
        sorted(
            (re.escape(word) for word in [*_NUMBER_PARTS, *_MULTIPLIERS, *_JOINERS]),
            key=len,
            reverse=True,
        )
    )
)


def spoken_number(text: str) -> float | None:
    """A whole number said in words, English or German, or None ("a hundred and twenty": 120)."""
    tokens: list[str] = []
    for word in text.lower().replace("-", " ").split():
        position = 0
        while position < len(word):  # German writes a number as one word
            found = _NUMBER_TOKEN.match(word, position)
            if found is None:
                return None
            tokens.append(found.group())
            position = found.end()
    if not tokens or all(token in _JOINERS for token in tokens):
        return None
    total = current = 0
    for token in tokens:
        if token in _JOINERS:
            continue
        if token in _MULTIPLIERS:
            factor = _MULTIPLIERS[token]
            if factor == 1000:
                total += max(current, 1) * factor
                current = 0
            else:
                current = max(current, 1) * factor
        else:
            current += _NUMBER_PARTS[token]
    return float(total + current) or None


def recognize(
    grammars: Mapping[str, Grammar], text: str, language: str | None, known: Known | None = None
) -> Match | None:
    """The best match in the speaker's language, else in another language that has one."""
    order = [language, (language or "").split("-")[0], *grammars]
    seen: set[str] = set()
    for candidate in order:
        if not candidate or candidate in seen or candidate not in grammars:
            continue
        seen.add(candidate)
        if (found := grammars[candidate].recognize(text, known)) is not None:
            return found
    return None
