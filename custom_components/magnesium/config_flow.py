"""Config and options flows: one entry per person."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigFlow, ConfigFlowResult, OptionsFlow
from homeassistant.core import callback
from homeassistant.helpers import selector
from homeassistant.util import slugify

from .compat import vol
from .const import (
    CONF_DAILY_LIMIT,
    CONF_DAILY_TARGET,
    CONF_PERSON,
    DEFAULT_DAILY_LIMIT,
    DEFAULT_DAILY_TARGET,
    DOMAIN,
    MIN_SETTING_MG,
)
from .knowledge import UPPER_LIMIT_ADULT_MG

CONF_NAME = "name"

_MG = selector.NumberSelector(
    selector.NumberSelectorConfig(
        min=MIN_SETTING_MG,
        max=UPPER_LIMIT_ADULT_MG,
        step=1,
        unit_of_measurement="mg",
        mode=selector.NumberSelectorMode.BOX,
    )
)
_PERSON = selector.EntitySelector(selector.EntitySelectorConfig(domain="person"))


def _settings_schema(defaults: dict[str, Any]) -> dict[vol.Marker, Any]:
    person = defaults.get(CONF_PERSON)
    return {
        vol.Optional(
            CONF_PERSON, description={"suggested_value": person} if person else None
        ): _PERSON,
        vol.Required(
            CONF_DAILY_LIMIT, default=defaults.get(CONF_DAILY_LIMIT, DEFAULT_DAILY_LIMIT)
        ): _MG,
        vol.Required(
            CONF_DAILY_TARGET, default=defaults.get(CONF_DAILY_TARGET, DEFAULT_DAILY_TARGET)
        ): _MG,
    }


def _settings(user_input: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Clean settings and the form's errors."""
    options: dict[str, Any] = {
        CONF_PERSON: user_input.get(CONF_PERSON) or None,
        CONF_DAILY_LIMIT: float(user_input[CONF_DAILY_LIMIT]),
        CONF_DAILY_TARGET: float(user_input[CONF_DAILY_TARGET]),
    }
    errors: dict[str, str] = {}
    if options[CONF_DAILY_TARGET] > options[CONF_DAILY_LIMIT]:
        errors[CONF_DAILY_TARGET] = "target_over_limit"
    return options, errors


def _unique_id(name: str, person: str | None) -> str:
    """One entry per person: the person entity when linked, else the name."""
    return person if person else f"name:{slugify(name)}"


class MagnesiumConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add a person whose magnesium is logged."""

    VERSION = 1
    MINOR_VERSION = 1

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the person and their limits."""
        errors: dict[str, str] = {}
        if user_input is not None:
            name = user_input[CONF_NAME].strip()
            options, errors = _settings(user_input)
            if not name:
                errors[CONF_NAME] = "name_required"
            if not errors:
                await self.async_set_unique_id(_unique_id(name, options[CONF_PERSON]))
                self._abort_if_unique_id_configured()
                return self.async_create_entry(title=name, data={}, options=options)
        schema = vol.Schema(
            {
                vol.Required(CONF_NAME, default=(user_input or {}).get(CONF_NAME, "")): (
                    selector.TextSelector()
                ),
                **_settings_schema(user_input or {}),
            }
        )
        return self.async_show_form(step_id="user", data_schema=schema, errors=errors)

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> MagnesiumOptionsFlow:
        """Edit the same settings later."""
        return MagnesiumOptionsFlow()


class MagnesiumOptionsFlow(OptionsFlow):
    """Change the person link, limit and target; applied without a restart."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show and save the settings."""
        errors: dict[str, str] = {}
        entry = self.config_entry
        if user_input is not None:
            options, errors = _settings(user_input)
            unique_id = _unique_id(entry.title, options[CONF_PERSON])
            if any(
                other.unique_id == unique_id and other.entry_id != entry.entry_id
                for other in self.hass.config_entries.async_entries(DOMAIN)
            ):
                errors[CONF_PERSON] = "person_in_use"
            if not errors:
                self.hass.config_entries.async_update_entry(entry, unique_id=unique_id)
                return self.async_create_entry(data=options)
        defaults = {**entry.options, **(user_input or {})}
        return self.async_show_form(
            step_id="init", data_schema=vol.Schema(_settings_schema(defaults)), errors=errors
        )
