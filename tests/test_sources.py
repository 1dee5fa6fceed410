"""Every health text names the row of facts.md it says, and that row exists in facts.md.

facts.md is read here (its headings, its tables' rows and its text), from the copy in
tests/fixtures; when the shared knowledge base is beside the repository, the copy must equal it.
"""

from __future__ import annotations

import json
from pathlib import Path
import re
from typing import Any

import pytest
import yaml

from custom_components.magnesium import knowledge
from custom_components.magnesium.knowledge import (
    EU_LIMIT,
    FORMS,
    INTERACTIONS,
    LIMITS_BY_AGE,
    SIDE_EFFECTS,
    TEXT_SOURCES,
)

ROOT = Path(__file__).resolve().parents[1]
FACTS = Path(__file__).parent / "fixtures" / "facts.md"
SHARED = ROOT.parent / "shared" / "knowledge" / "facts.md"
COMPONENT = ROOT / "custom_components" / "magnesium"

# Response texts that speak about health (by key or by the group they are in)
HEALTH_GROUPS = ("forms", "short", "goals", "safety", "interactions", "baths")
HEALTH_KEYS = frozenset(
    {
        "doctor",
        "form_unknown_use",
        "short_unknown",
        "unknown_medicine",
        "medicine_ambiguous",
        "amount_over",
        "amount_over_person",
        "amount_within",
        "amount_within_person",
        "amount_with_today",
        "evidence",
        "bath_logged",
        "topical_logged",
        "logged_over",
        "logged_product_over",
        "today_over",
        "spacing_wait",
        "spacing_wait_tomorrow",
        "spacing_logged",
        "spacing_allowed",
    }
)
# Notices that speak about health (strings.json, "section.key")
HEALTH_NOTICES = frozenset(
    {
        "common.bath",
        "common.side_effects",
        "common.spacing_moved",
        "common.spacing_conflict",
        "common.spacing_medicine_conflict",
        "common.slot_limit_reached",
        "issues.side_effects",
        "issues.ask_doctor",
        "issues.recounted_citrate",
    }
)


def read_facts(text: str) -> dict[str, tuple[set[str], str]]:
    """Each section of facts.md: the first cells of its tables' rows, and its whole text.

    A section is named by its heading without the note in brackets at its end.
    """
    sections: dict[str, tuple[set[str], str]] = {}
    name = ""
    for line in text.splitlines():
        if heading := re.match(r"^#{1,6}\s+(.*?)\s*$", line):
            name = re.sub(r"\s*\([^()]*\)$", "", heading.group(1)).strip()
            sections[name] = (set(), "")
            continue
        if not name:
            continue
        rows, body = sections[name]
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells and not set(cells[0]) <= {"-", ":"}:
            rows.add(cells[0])
        sections[name] = (rows, f"{body}\n{line}")
    return sections


SECTIONS = read_facts(FACTS.read_text(encoding="utf-8"))


def problem(source: str | None) -> str | None:
    """What is wrong with a source (None: it names a row facts.md has)."""
    if not source:
        return "no source"
    found = re.fullmatch(r"facts\.md: (?P<section>[^/]+?)(?: / (?P<row>.+))?", source)
    if found is None:
        return f"not a facts.md reference: {source!r}"
    section, row = found.group("section"), found.group("row")
    if section not in SECTIONS:
        return f"no section {section!r} in facts.md"
    rows, body = SECTIONS[section]
    if row is None or row in rows:
        return None
    flat = re.sub(r"[*_`]", "", " ".join(body.split())).lower()
    if row.lower() in flat:
        return None
    return f"no row {row!r} in section {section!r} of facts.md"


def test_the_copy_of_facts_is_the_shared_one() -> None:
    if not SHARED.exists():
        pytest.skip("the shared knowledge base is not beside the repository")
    assert FACTS.read_text(encoding="utf-8") == SHARED.read_text(encoding="utf-8")


def test_facts_are_read() -> None:
    assert {"Limits", "Forms", "Interactions", "Evidence, honestly"} <= set(SECTIONS)
    assert "moxifloxacin" in SECTIONS["Interactions"][0]
    assert "children 1\u20133" in SECTIONS["Limits"][0]


@pytest.mark.parametrize(
    "source",
    [
        None,
        "",
        "ODS",
        "facts.md: Interactions / aspirin",
        "facts.md: Spacing / quinolones",
        "facts.md: Forms / dimagnesium malate",
    ],
)
def test_a_source_facts_md_does_not_have_fails(source: str | None) -> None:
    assert problem(source) is not None


def knowledge_sources() -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    for form in FORMS:
        items.append((f"form {form.key}", form.source))
        items.extend((f"form {form.key}: {claim.text}", claim.source) for claim in form.uses)
        items.extend((f"form {form.key}: {claim.text}", claim.source) for claim in form.cautions)
    items.extend((f"interaction {item.key}", item.source) for item in INTERACTIONS)
    items.extend((f"limit {group}", limit.source) for group, limit in LIMITS_BY_AGE.items())
    items.append(("EU limit", EU_LIMIT.source))
    items.append(("side effects", SIDE_EFFECTS.source))
    for key, sources in TEXT_SOURCES.items():
        named = (sources,) if isinstance(sources, str) else sources
        assert named, key
        items.extend((f"text {key}", source) for source in named)
    return items


@pytest.mark.parametrize(("what", "source"), knowledge_sources())
def test_every_knowledge_entry_names_a_row_of_facts(what: str, source: str) -> None:
    assert problem(source) is None, what


def flatten(node: Any, prefix: str = "") -> dict[str, str]:
    if isinstance(node, dict):
        flat: dict[str, str] = {}
        for key, value in node.items():
            flat.update(flatten(value, f"{prefix}{key}."))
        return flat
    return {prefix[:-1]: node} if isinstance(node, str) else {}


def response_keys(language: str) -> set[str]:
    texts = yaml.safe_load((COMPONENT / "responses" / f"{language}.yaml").read_text("utf-8"))
    return {
        key for key in flatten(texts) if key in HEALTH_KEYS or key.split(".")[0] in HEALTH_GROUPS
    }


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_health_answer_names_its_source(language: str) -> None:
    keys = response_keys(language)
    assert {"forms.glycinate", "interactions.moxifloxacin", "evidence"} <= keys
    missing = sorted(keys - TEXT_SOURCES.keys())
    assert not missing, f"health texts without a facts.md source: {missing}"


@pytest.mark.parametrize(
    "path",
    [
        COMPONENT / "strings.json",
        COMPONENT / "translations" / "en.json",
        COMPONENT / "translations" / "de.json",
    ],
)
def test_every_health_notice_names_its_source(path: Path) -> None:
    strings = json.loads(path.read_text("utf-8"))
    for key in HEALTH_NOTICES:
        section, name = key.split(".")
        assert name in strings[section], key
        assert key in TEXT_SOURCES, key
    # and every notice about a health matter is one of them
    for name in strings["issues"]:
        if not name.startswith("damaged_"):
            assert f"issues.{name}" in HEALTH_NOTICES, name


def test_every_mapped_text_exists() -> None:
    """No source is kept for a text that is gone."""
    strings = flatten(json.loads((COMPONENT / "strings.json").read_text("utf-8")))
    english = response_keys("en")
    for key in TEXT_SOURCES:
        if key.startswith(("common.", "issues.")):
            assert any(name.startswith(f"{key}.") or name == key for name in strings), key
        else:
            assert key in english, key


def test_the_sections_the_code_names_are_facts_sections() -> None:
    for name in ("INTRO", "LIMITS", "FORMS_SECTION", "DOSING", "INTERACTIONS_SECTION"):
        assert problem(getattr(knowledge, name)) is None, name
    assert problem(knowledge.SCIATICA) is None
    assert problem(knowledge.EVIDENCE) is None
