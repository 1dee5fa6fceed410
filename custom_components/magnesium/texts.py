"""The words of each language: response files for answers and reminders, sentence files.

``responses/<language>.yaml`` and ``sentences/<language>.yaml`` are read once, in the executor,
and kept in ``hass.data``. A language without a file falls back to its base language, then to
English.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.util.hass_dict import HassKey
from homeassistant.util.yaml import load_yaml_dict

from .answers import Answers
from .const import DOMAIN

ROOT = Path(__file__).parent
DEFAULT_LANGUAGE = "en"
DATA_TEXTS: HassKey[dict[str, Mapping[str, Any]]] = HassKey(f"{DOMAIN}_texts")
DATA_SENTENCES: HassKey[dict[str, Mapping[str, Any]]] = HassKey(f"{DOMAIN}_sentences")


def language_files(folder: str) -> dict[str, Path]:
    """The files of a folder (``sentences`` or ``responses``) by language."""
    return {path.stem: path for path in sorted((ROOT / folder).glob("*.yaml"))}


def read_yaml(path: Path) -> Mapping[str, Any]:
    """Read one language file (blocking: run it in the executor)."""
    return load_yaml_dict(path)


async def _async_load(
    hass: HomeAssistant, key: HassKey[dict[str, Mapping[str, Any]]], folder: str
) -> dict[str, Mapping[str, Any]]:
    if (loaded := hass.data.get(key)) is None:
        # listing the folder is I/O too: in the executor, never in the event loop
        files = await hass.async_add_executor_job(language_files, folder)
        loaded = {
            language: await hass.async_add_executor_job(read_yaml, path)
            for language, path in files.items()
        }
        hass.data[key] = loaded
    return loaded


async def async_load_texts(hass: HomeAssistant) -> dict[str, Mapping[str, Any]]:
    """Every language's response texts, read once."""
    return await _async_load(hass, DATA_TEXTS, "responses")


async def async_load_sentences(hass: HomeAssistant) -> dict[str, Mapping[str, Any]]:
    """Every language's sentence file, read once."""
    return await _async_load(hass, DATA_SENTENCES, "sentences")


def _candidates(language: str | None) -> Iterator[str]:
    """A language, its base language, then English."""
    if language:
        yield language
        yield language.split("-")[0]
    yield DEFAULT_LANGUAGE


def answers_for(hass: HomeAssistant, language: str | None) -> Answers:
    """The answers in a language (loaded with ``async_load_texts``)."""
    texts = hass.data[DATA_TEXTS]
    return Answers(texts[next(item for item in _candidates(language) if item in texts)])


def medicine_topics(hass: HomeAssistant, language: str | None) -> Mapping[str, Any]:
    """Words of a language that name a condition or medicine class with its own answer."""
    sentences = hass.data.get(DATA_SENTENCES, {})
    for candidate in _candidates(language):
        if candidate in sentences:
            return sentences[candidate].get("medicine_topics", {})  # type: ignore[no-any-return]
    return {}
