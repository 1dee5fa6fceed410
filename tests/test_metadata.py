"""The integration's files agree with each other and with Home Assistant."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.service import async_get_all_descriptions
import pytest
import yaml

from custom_components.magnesium import knowledge
from custom_components.magnesium.compat import vol
from custom_components.magnesium.const import DOMAIN

ROOT = Path(__file__).resolve().parent.parent / "custom_components" / DOMAIN


def _json(name: str) -> dict:
    return json.loads((ROOT / name).read_text(encoding="utf-8"))


def test_manifest() -> None:
    manifest = _json("manifest.json")
    assert manifest["domain"] == DOMAIN
    assert manifest["config_flow"] is True
    assert manifest["iot_class"] == "calculated"
    assert manifest["integration_type"] == "service"
    for key in ("version", "codeowners", "documentation", "issue_tracker"):
        assert manifest[key]


def test_translations_match_strings() -> None:
    """translations/en.json is strings.json with references resolved."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "translations_script", ROOT.parent.parent / "scripts" / "translations.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert _json("translations/en.json") == module.resolve(_json("strings.json"))
    assert "[%key" not in (ROOT / "translations" / "en.json").read_text(encoding="utf-8")


def _exception_keys_used() -> set[str]:
    """Keys passed to ServiceValidationError & co. or to services._invalid."""
    used: set[str] = set()
    for path in ROOT.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            values = [kw.value for kw in node.keywords if kw.arg == "translation_key"]
            if getattr(node.func, "id", None) == "_invalid":
                values.extend(node.args[:1])
            for value in values:
                branches = [value.body, value.orelse] if isinstance(value, ast.IfExp) else [value]
                used.update(branch.value for branch in branches if isinstance(branch, ast.Constant))
    return used


def test_every_exception_key_is_translated() -> None:
    strings = _json("strings.json")
    used = _exception_keys_used()
    assert {"unknown_form", "no_entries", "entry_required", "storage_too_new"} <= used
    other_keys = {key for platform in strings["entity"].values() for key in platform}
    other_keys |= set(strings["issues"]) | set(strings["selector"])
    assert used - other_keys <= set(strings["exceptions"])


async def test_every_entity_has_name_and_icon(hass: HomeAssistant, entry) -> None:
    from homeassistant.helpers import entity_registry as er

    strings, icons = _json("strings.json"), _json("icons.json")
    entities = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    assert len({item.domain for item in entities}) == 9
    for item in entities:
        assert item.translation_key in strings["entity"][item.domain], item.entity_id
        assert item.translation_key in icons["entity"][item.domain], item.entity_id


async def test_services_are_described(hass: HomeAssistant, entry) -> None:
    services = yaml.safe_load((ROOT / "services.yaml").read_text(encoding="utf-8"))
    strings, icons = _json("strings.json"), _json("icons.json")
    assert set(services) == set(strings["services"]) == set(icons["services"])
    assert set(services) == set(hass.services.async_services_for_domain(DOMAIN))
    for name, service in services.items():
        assert set(service["fields"]) == set(strings["services"][name]["fields"]), name
    descriptions = await async_get_all_descriptions(hass)
    assert "amount_mg" in descriptions[DOMAIN]["log_dose"]["fields"]
    oral = services["log_dose"]["fields"]["form"]["selector"]["select"]["options"]
    assert oral == [key for key in oral if knowledge.get_form(key).oral]
    assert set(oral) == set(knowledge.ORAL_FORM_KEYS)
    assert set(strings["selector"]["oral_form"]["options"]) == set(oral)


def test_compat_schema_errors_are_home_assistants() -> None:
    """Our schemas raise the same Invalid class as Home Assistant's validators."""
    with pytest.raises(vol.Invalid):
        cv.string(None)
    with pytest.raises(vol.Invalid):
        vol.Schema({vol.Required("x"): vol.Coerce(float)})({"x": "many"})


def _selects(services: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{name}.{field}", spec["selector"]["select"])
        for name, service in services.items()
        for field, spec in service["fields"].items()
        if "select" in (spec.get("selector") or {})
    ]


def test_action_selectors_show_translated_names_in_one_order() -> None:
    """A picked option shows its name (no free-text box that shows the key), in one order."""
    services = yaml.safe_load((ROOT / "services.yaml").read_text(encoding="utf-8"))
    strings = _json("strings.json")
    for where, select in _selects(services):
        assert not select.get("custom_value"), where
        translated = strings["selector"][select["translation_key"]]["options"]
        assert set(select["options"]) <= set(translated), where
    # the forms in knowledge's order, as in the Add product form
    oral = services["log_dose"]["fields"]["form"]["selector"]["select"]["options"]
    assert oral == list(knowledge.ORAL_FORM_KEYS)


def test_amounts_are_not_prefilled() -> None:
    """Ticking an amount leaves it empty: a default would be filled in and typed after."""
    services = yaml.safe_load((ROOT / "services.yaml").read_text(encoding="utf-8"))
    for name, service in services.items():
        for field, spec in service["fields"].items():
            if "number" in (spec.get("selector") or {}):
                assert "default" not in spec, f"{name}.{field}"
                assert spec["selector"]["number"]["mode"] == "box", f"{name}.{field}"


@pytest.mark.parametrize("language", ["strings.json", "translations/de.json"])
def test_errors_name_fields_by_their_labels(language: str) -> None:
    """The Person field is called Person in errors, not config_entry_id."""
    texts = _json(language)["exceptions"]
    for key, item in texts.items():
        assert "config_entry_id" not in item["message"], key


@pytest.mark.parametrize("language", ["translations/en.json", "translations/de.json"])
def test_side_effect_count_reads_right_for_one(language: str) -> None:
    """No "1 side effects": the count stands where no plural follows it."""
    text = _json(language)["issues"]["side_effects"]["description"]
    one = text.format(name="Demo", count=1)
    assert "1 side effects" not in one
    assert "1 Nebenwirkungen" not in one
    assert ": 1." in one


def test_product_field_says_it_is_a_products_name() -> None:
    fields = _json("strings.json")["services"]["log_dose"]["fields"]
    assert "name" in fields["product"]["description"]
    assert "as it was added" in fields["product"]["description"]
