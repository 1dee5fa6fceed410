"""Config and options flows: one entry per person.

Over 400 lines: the entry, options and three subentry flows share their schemas and checks here;
they split by flow with the settings object of the redesign.
"""

from __future__ import annotations

from collections.abc import Mapping
import logging
from typing import Any

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
    OptionsFlow,
    SubentryFlowResult,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.data_entry_flow import section
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import selector
from homeassistant.util import dt as dt_util, slugify

from .compat import vol
from .const import (
    CONF_ASK_DOCTOR,
    CONF_BATH_WEEKDAYS,
    CONF_DAILY_LIMIT,
    CONF_DAILY_TARGET,
    CONF_MEDICINE,
    CONF_MEDICINE_WEEKDAYS,
    CONF_NOTIFY_ENTITIES,
    CONF_NOTIFY_SERVICES,
    CONF_PERSON,
    CONF_RAMP,
    CONF_RAMP_EVERY_DAYS,
    CONF_RAMP_FIRST_DAY,
    CONF_RAMP_START,
    CONF_RAMP_STEP,
    CONF_SNOOZE_MINUTES,
    CONF_TIMES,
    DEFAULT_BATH_WEEKDAYS,
    DEFAULT_DAILY_LIMIT,
    DEFAULT_DAILY_TARGET,
    DEFAULT_RAMP_EVERY_DAYS,
    DEFAULT_RAMP_START,
    DEFAULT_RAMP_STEP,
    DEFAULT_SNOOZE_MINUTES,
    DOMAIN,
    MAX_COMPOUND_MG,
    MAX_ELEMENTAL_MG,
    MAX_RAMP_EVERY_DAYS,
    MAX_SNOOZE_MINUTES,
    MIN_SETTING_MG,
    SUBENTRY_MEDICINE,
    SUBENTRY_PRODUCT,
    WEEKDAYS,
)
from .knowledge import ORAL_FORM_KEYS, SPACED_INTERACTIONS, UNITS, UPPER_LIMIT_ADULT_MG, normalize
from .ledger import InvalidRecordError, ProductUsage
from .products import (
    BASIS_COMPOUND,
    BASIS_ELEMENTAL,
    CONF_AMOUNT_MG,
    CONF_BASIS,
    CONF_FORM,
    CONF_LOW_DAYS,
    CONF_STOCK,
    CONF_UNIT,
    DEFAULT_LOW_DAYS,
    MAX_LOW_DAYS,
    MAX_STOCK,
    Product,
)
from .spacing import parse_times, parse_weekdays, weekday_keys
from .tracker import MagnesiumStore, index_key

_LOGGER = logging.getLogger(__name__)

CONF_NAME = "name"
SECTIONS = ("notifications", "epsom_baths", "start_low")

_MG = selector.NumberSelector(
    selector.NumberSelectorConfig(
        min=MIN_SETTING_MG,
        max=UPPER_LIMIT_ADULT_MG,
        step=1,
        unit_of_measurement="mg",
        mode=selector.NumberSelectorMode.BOX,
    )
)
# no maximum: a target above the limit gets the flow's own message (target_over_limit)
_TARGET = selector.NumberSelector(
    selector.NumberSelectorConfig(
        min=MIN_SETTING_MG, step=1, unit_of_measurement="mg", mode=selector.NumberSelectorMode.BOX
    )
)


def _person_selector(taken: list[str]) -> selector.EntitySelector:
    """The person picker, without the persons another entry already follows."""
    config = selector.EntitySelectorConfig(domain="person")
    if taken:
        config["exclude_entities"] = taken
    return selector.EntitySelector(config)


def _persons_taken(hass: HomeAssistant, entry_id: str | None = None) -> list[str]:
    """The persons that entries other than ``entry_id`` follow."""
    return sorted(
        {
            str(person)
            for other in hass.config_entries.async_entries(DOMAIN)
            if other.entry_id != entry_id and (person := other.options.get(CONF_PERSON))
        }
    )


def _settings_schema(defaults: dict[str, Any], taken: list[str]) -> dict[vol.Marker, Any]:
    person = defaults.get(CONF_PERSON)
    return {
        vol.Optional(
            CONF_PERSON, description={"suggested_value": person} if person else None
        ): _person_selector(taken),
        vol.Required(
            CONF_DAILY_LIMIT, default=defaults.get(CONF_DAILY_LIMIT, DEFAULT_DAILY_LIMIT)
        ): _MG,
        vol.Required(
            CONF_DAILY_TARGET, default=defaults.get(CONF_DAILY_TARGET, DEFAULT_DAILY_TARGET)
        ): _TARGET,
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
                unique_id = _unique_id(name, options[CONF_PERSON])
                if unique_id in self._async_current_ids():
                    # keep what was typed: the error shows on the field that clashes
                    errors[CONF_PERSON if options[CONF_PERSON] else CONF_NAME] = (
                        "person_in_use" if options[CONF_PERSON] else "name_in_use"
                    )
                else:
                    await self.async_set_unique_id(unique_id)
                    self._abort_if_unique_id_configured()
                    return self.async_create_entry(title=name, data={}, options=options)
        schema = vol.Schema(
            {
                vol.Required(CONF_NAME, default=(user_input or {}).get(CONF_NAME, "")): (
                    selector.TextSelector()
                ),
                **_settings_schema(user_input or {}, _persons_taken(self.hass)),
            }
        )
        return self.async_show_form(step_id="user", data_schema=schema, errors=errors)

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> MagnesiumOptionsFlow:
        """Edit the same settings later."""
        return MagnesiumOptionsFlow()

    @classmethod
    @callback
    def async_get_supported_subentry_types(
        cls, config_entry: ConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """A person's products, and medicines taken at set times, are subentries of the entry."""
        return {SUBENTRY_PRODUCT: ProductSubentryFlow, SUBENTRY_MEDICINE: MedicineSubentryFlow}


class MagnesiumOptionsFlow(OptionsFlow):
    """Change the settings and reminders; applied without a restart."""

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
                options[CONF_ASK_DOCTOR] = bool(user_input.get(CONF_ASK_DOCTOR, False))
                options |= _reminder_options(user_input, entry.options)
                self.hass.config_entries.async_update_entry(entry, unique_id=unique_id)
                return self.async_create_entry(data=options)
        defaults = {**entry.options, **_flatten(user_input or {})}
        schema = {
            **_settings_schema(defaults, _persons_taken(self.hass, entry.entry_id)),
            vol.Required(CONF_ASK_DOCTOR, default=bool(defaults.get(CONF_ASK_DOCTOR))): (
                selector.BooleanSelector()
            ),
            **_reminder_schema(self.hass, defaults),
        }
        return self.async_show_form(
            step_id="init",
            data_schema=vol.Schema(schema),
            errors=errors,
            description_placeholders={CONF_NAME: entry.title},  # whose settings
        )


def _flatten(user_input: dict[str, Any]) -> dict[str, Any]:
    flat = {key: value for key, value in user_input.items() if key not in SECTIONS}
    for name in SECTIONS:
        flat |= user_input.get(name) or {}
    return flat


def _notify_services(hass: HomeAssistant) -> list[str]:
    """Legacy notify services (the companion app's are ``mobile_app_<device>``)."""
    return sorted(
        f"notify.{name}"
        for name in hass.services.async_services_for_domain("notify")
        if name not in ("send_message", "persistent_notification")
    )


def _reminder_schema(hass: HomeAssistant, defaults: dict[str, Any]) -> dict[vol.Marker, Any]:
    """The collapsed sections: notifications, Epsom baths, start low."""
    services = sorted({*_notify_services(hass), *defaults.get(CONF_NOTIFY_SERVICES, ())})
    notifications: dict[vol.Marker, Any] = {
        vol.Optional(
            CONF_NOTIFY_ENTITIES, default=list(defaults.get(CONF_NOTIFY_ENTITIES, []))
        ): selector.EntitySelector(selector.EntitySelectorConfig(domain="notify", multiple=True)),
        vol.Optional(
            CONF_NOTIFY_SERVICES, default=list(defaults.get(CONF_NOTIFY_SERVICES, []))
        ): selector.SelectSelector(
            selector.SelectSelectorConfig(options=services, multiple=True, custom_value=True)
        ),
        vol.Required(
            CONF_SNOOZE_MINUTES, default=defaults.get(CONF_SNOOZE_MINUTES, DEFAULT_SNOOZE_MINUTES)
        ): _number(1, MAX_SNOOZE_MINUTES, "min"),
    }
    baths: dict[vol.Marker, Any] = {
        vol.Optional(
            CONF_BATH_WEEKDAYS,
            default=list(defaults.get(CONF_BATH_WEEKDAYS, DEFAULT_BATH_WEEKDAYS)),
        ): selector.SelectSelector(
            selector.SelectSelectorConfig(
                options=list(WEEKDAYS), multiple=True, translation_key="weekday"
            )
        ),
    }
    ramp: dict[vol.Marker, Any] = {
        vol.Required(CONF_RAMP, default=bool(defaults.get(CONF_RAMP, False))): (
            selector.BooleanSelector()
        ),
        vol.Required(
            CONF_RAMP_START, default=defaults.get(CONF_RAMP_START, DEFAULT_RAMP_START)
        ): _MG,
        vol.Required(CONF_RAMP_STEP, default=defaults.get(CONF_RAMP_STEP, DEFAULT_RAMP_STEP)): _MG,
        vol.Required(
            CONF_RAMP_EVERY_DAYS,
            default=defaults.get(CONF_RAMP_EVERY_DAYS, DEFAULT_RAMP_EVERY_DAYS),
        ): _number(1, MAX_RAMP_EVERY_DAYS, "d"),
    }
    # The frontend fills a section from the section's own default and ignores the defaults
    # of the fields inside it: the section's default holds their current values, so the dialog
    # saves unchanged; a field left out of a section keeps its current value (its default).
    return {
        vol.Required(name, default=_field_defaults(fields)): section(
            vol.Schema(fields), {"collapsed": True}
        )
        for name, fields in zip(SECTIONS, (notifications, baths, ramp), strict=True)
    }


def _field_defaults(fields: Mapping[vol.Marker, Any]) -> dict[str, Any]:
    """The default value of each field of a schema that has one."""
    defaults: dict[str, Any] = {}
    for marker in fields:
        default: Any = getattr(marker, "default", vol.UNDEFINED)
        if default is not vol.UNDEFINED:
            defaults[str(marker.schema)] = default()
    return defaults


def _reminder_options(user_input: dict[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    """The reminder options from the sections; a start-low plan starts the day it is turned on."""
    flat = _flatten({name: user_input.get(name) or {} for name in SECTIONS})
    options: dict[str, Any] = {
        CONF_NOTIFY_ENTITIES: list(flat.get(CONF_NOTIFY_ENTITIES, [])),
        CONF_NOTIFY_SERVICES: [
            name.strip() for name in flat.get(CONF_NOTIFY_SERVICES, []) if name.strip()
        ],
        CONF_SNOOZE_MINUTES: int(flat.get(CONF_SNOOZE_MINUTES, DEFAULT_SNOOZE_MINUTES)),
        CONF_BATH_WEEKDAYS: [day for day in WEEKDAYS if day in flat.get(CONF_BATH_WEEKDAYS, [])],
        CONF_RAMP: bool(flat.get(CONF_RAMP, False)),
        CONF_RAMP_START: float(flat.get(CONF_RAMP_START, DEFAULT_RAMP_START)),
        CONF_RAMP_STEP: float(flat.get(CONF_RAMP_STEP, DEFAULT_RAMP_STEP)),
        CONF_RAMP_EVERY_DAYS: int(flat.get(CONF_RAMP_EVERY_DAYS, DEFAULT_RAMP_EVERY_DAYS)),
    }
    if options[CONF_RAMP]:
        started = current.get(CONF_RAMP_FIRST_DAY) if current.get(CONF_RAMP) else None
        options[CONF_RAMP_FIRST_DAY] = started or dt_util.now().date().isoformat()
    return options


def _number(
    minimum: float, maximum: float, unit: str | None, *, step: float = 1
) -> selector.NumberSelector:
    config = selector.NumberSelectorConfig(
        min=minimum, max=maximum, step=step, mode=selector.NumberSelectorMode.BOX
    )
    if unit is not None:
        config["unit_of_measurement"] = unit
    return selector.NumberSelector(config)


def _product_schema(defaults: Mapping[str, Any]) -> vol.Schema:
    """The fields of a product."""
    return vol.Schema(
        {
            vol.Required(CONF_NAME, default=defaults.get(CONF_NAME, "")): selector.TextSelector(),
            vol.Required(CONF_FORM, default=defaults.get(CONF_FORM, "glycinate")): (
                selector.SelectSelector(
                    selector.SelectSelectorConfig(
                        options=list(ORAL_FORM_KEYS),
                        translation_key="oral_form",
                        mode=selector.SelectSelectorMode.DROPDOWN,
                    )
                )
            ),
            vol.Required(CONF_AMOUNT_MG, default=defaults.get(CONF_AMOUNT_MG, 100)): _number(
                0.1, MAX_COMPOUND_MG, "mg", step=0.1
            ),
            vol.Required(CONF_BASIS, default=defaults.get(CONF_BASIS, BASIS_ELEMENTAL)): (
                selector.SelectSelector(
                    selector.SelectSelectorConfig(
                        options=[BASIS_ELEMENTAL, BASIS_COMPOUND], translation_key="basis"
                    )
                )
            ),
            vol.Required(CONF_UNIT, default=defaults.get(CONF_UNIT, "capsule")): (
                selector.SelectSelector(
                    selector.SelectSelectorConfig(
                        options=list(UNITS),
                        translation_key="unit",
                        mode=selector.SelectSelectorMode.DROPDOWN,
                    )
                )
            ),
            # no stock unless counted: a product nobody counted is not low (0 would be at once)
            (
                vol.Optional(CONF_STOCK)
                if defaults.get(CONF_STOCK) is None
                else vol.Optional(CONF_STOCK, default=defaults[CONF_STOCK])
            ): _number(0, MAX_STOCK, None, step=0.1),
            vol.Required(CONF_LOW_DAYS, default=defaults.get(CONF_LOW_DAYS, DEFAULT_LOW_DAYS)): (
                _number(1, MAX_LOW_DAYS, "d")
            ),
        }
    )


class ProductSubentryFlow(ConfigSubentryFlow):
    """Add or edit a product: its label, unit and stock."""

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Add a product."""
        errors: dict[str, str] = {}
        if user_input is not None:
            product, errors = self._product(user_input, None, ProductUsage())
            if product is not None:
                return self.async_create_entry(title=product.name, data=product.as_data())
        return self.async_show_form(
            step_id="user",
            data_schema=_product_schema(user_input or {}),
            errors=errors,
            description_placeholders={CONF_NAME: self._get_entry().title},
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Edit a product; its stock field shows the units left now."""
        subentry = self._get_reconfigure_subentry()
        current = Product.from_data(subentry.subentry_id, subentry.data)
        errors: dict[str, str] = {}
        usage = await self._async_usage(current.id if current else "")
        if user_input is not None:
            product, errors = self._product(user_input, current, usage)
            if product is not None:
                return self.async_update_and_abort(
                    self._get_entry(), subentry, title=product.name, data=product.as_data()
                )
        defaults: dict[str, Any] = dict(subentry.data)
        if current is not None:
            defaults[CONF_STOCK] = current.stock_now(usage)  # None: not counted
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=_product_schema(user_input or defaults),
            errors=errors,
            description_placeholders={CONF_NAME: self._get_entry().title},
        )

    async def _async_usage(self, product_id: str) -> ProductUsage:
        """The product's use so far, from the log's index (read when the entry is not loaded)."""
        entry = self._get_entry()
        if entry.state is ConfigEntryState.LOADED:
            return entry.runtime_data.tracker.ledger.product_usage(product_id)  # type: ignore[no-any-return]
        if not product_id:
            return ProductUsage()
        try:
            store = MagnesiumStore(self.hass, index_key(entry.entry_id))
            store.make_read_only()  # a migration must not write it while the entry is away
            index = await store.async_load()
            return ProductUsage.from_dict((index or {}).get("products", {})[product_id])
        except KeyError:  # nothing of it logged
            return ProductUsage()
        except (HomeAssistantError, InvalidRecordError, TypeError, AttributeError):
            _LOGGER.warning("The use of %s could not be read from the log", product_id)
            return ProductUsage()

    def _product(
        self, user_input: dict[str, Any], current: Product | None, usage: ProductUsage
    ) -> tuple[Product | None, dict[str, str]]:
        """The product from the form, or the form's errors."""
        errors: dict[str, str] = {}
        name = str(user_input.get(CONF_NAME, "")).strip()
        product_id = current.id if current else "new"
        stock = None if user_input.get(CONF_STOCK) is None else float(user_input[CONF_STOCK])
        offset = usage.net
        if current is not None and stock == current.stock_now(usage):
            # unchanged: keep the count as it was, so nothing logged meanwhile is lost
            stock, offset = current.stock, current.stock_offset
        product = Product.from_data(
            product_id,
            {**user_input, CONF_NAME: name, "stock_offset": offset, CONF_STOCK: stock},
        )
        if not name:
            errors[CONF_NAME] = "name_required"
        elif any(
            normalize(other.title) == normalize(name) and other.subentry_id != product_id
            for other in self._get_entry().subentries.values()
            if other.subentry_type == SUBENTRY_PRODUCT
        ):
            errors[CONF_NAME] = "product_exists"
        elif product is None or product.elemental_per_unit > MAX_ELEMENTAL_MG:
            errors[CONF_AMOUNT_MG] = "amount_invalid"
        elif product.countable and stock is not None and not stock.is_integer():
            errors[CONF_STOCK] = "whole_units"
        return (product if not errors else None), errors


class MedicineSubentryFlow(ConfigSubentryFlow):
    """Add or change a medicine the person takes at set times, to keep magnesium apart."""

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Ask for the medicine and its daily times."""
        return await self._async_step("user", user_input, {})

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Change the medicine or its times."""
        current = self._get_reconfigure_subentry().data
        defaults = {
            CONF_MEDICINE: current.get(CONF_MEDICINE),
            CONF_TIMES: ", ".join(str(text) for text in current.get(CONF_TIMES) or ()),
            CONF_MEDICINE_WEEKDAYS: current.get(CONF_MEDICINE_WEEKDAYS) or list(WEEKDAYS),
        }
        return await self._async_step("reconfigure", user_input, defaults)

    async def _async_step(
        self, step_id: str, user_input: dict[str, Any] | None, defaults: Mapping[str, Any]
    ) -> SubentryFlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            times = parse_times(str(user_input.get(CONF_TIMES, "")))
            weekdays = parse_weekdays(user_input.get(CONF_MEDICINE_WEEKDAYS, list(WEEKDAYS)))
            if not user_input.get(CONF_MEDICINE):
                errors[CONF_MEDICINE] = "medicine_required"
            if times is None:
                errors[CONF_TIMES] = "invalid_times"
            elif not weekdays:
                errors[CONF_MEDICINE_WEEKDAYS] = "no_weekdays"
            if not errors:
                assert times is not None
                assert weekdays is not None
                medicine = user_input[CONF_MEDICINE]
                text = ", ".join(f"{at:%H:%M}" for at in times)
                days = weekday_keys(weekdays)
                if len(days) < len(WEEKDAYS):
                    text = f"{', '.join(day.capitalize() for day in days)} {text}"
                name = next(item.name for item in SPACED_INTERACTIONS if item.key == medicine)
                title = f"{name[:1].upper()}{name[1:]} ({text})"
                data = {
                    CONF_MEDICINE: medicine,
                    CONF_TIMES: [f"{at:%H:%M}" for at in times],
                    CONF_MEDICINE_WEEKDAYS: days,
                }
                if step_id == "reconfigure":
                    return self.async_update_and_abort(
                        self._get_entry(), self._get_reconfigure_subentry(), title=title, data=data
                    )
                return self.async_create_entry(title=title, data=data)
        defaults = {**defaults, **(user_input or {})}
        schema = vol.Schema(
            {
                # optional to the frontend, which would else pick the first one: none is
                # chosen beforehand, and the flow asks for one
                vol.Optional(
                    CONF_MEDICINE,
                    description=(
                        {"suggested_value": defaults[CONF_MEDICINE]}
                        if defaults.get(CONF_MEDICINE)
                        else None
                    ),
                ): selector.SelectSelector(
                    selector.SelectSelectorConfig(
                        options=[item.key for item in SPACED_INTERACTIONS],
                        translation_key="medicine",
                    )
                ),
                vol.Required(CONF_TIMES, default=defaults.get(CONF_TIMES, "")): (
                    selector.TextSelector()
                ),
                vol.Required(
                    CONF_MEDICINE_WEEKDAYS,
                    default=list(defaults.get(CONF_MEDICINE_WEEKDAYS) or WEEKDAYS),
                ): selector.SelectSelector(
                    selector.SelectSelectorConfig(
                        options=list(WEEKDAYS), multiple=True, translation_key="weekday"
                    )
                ),
            }
        )
        return self.async_show_form(
            step_id=step_id,
            data_schema=schema,
            errors=errors,
            description_placeholders={CONF_NAME: self._get_entry().title},
        )
