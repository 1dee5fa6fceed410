"""Constants of the magnesium integration."""

from __future__ import annotations

from typing import Final

from .knowledge import UPPER_LIMIT_ADULT_MG

DOMAIN: Final = "magnesium"

CONF_PERSON: Final = "person"
CONF_DAILY_LIMIT: Final = "daily_limit"
CONF_DAILY_TARGET: Final = "daily_target"
# "Kidney disease, diuretics or heart medication": a standing notice to ask a doctor
CONF_ASK_DOCTOR: Final = "ask_doctor"

# Medicines taken at set times (config subentries of this type): spacing windows
SUBENTRY_MEDICINE: Final = "medicine"
CONF_MEDICINE: Final = "medicine"
CONF_TIMES: Final = "times"
# The weekdays a medicine is taken on (a medicine stored without them is taken every day)
CONF_MEDICINE_WEEKDAYS: Final = "weekdays"

# Reminder options (entry options, set in the options flow)
CONF_NOTIFY_ENTITIES: Final = "notify_entities"
CONF_NOTIFY_SERVICES: Final = "notify_services"
CONF_SNOOZE_MINUTES: Final = "snooze_minutes"
CONF_BATH_WEEKDAYS: Final = "bath_weekdays"
CONF_RAMP: Final = "ramp"
CONF_RAMP_START: Final = "ramp_start"
CONF_RAMP_STEP: Final = "ramp_step"
CONF_RAMP_EVERY_DAYS: Final = "ramp_every_days"
CONF_RAMP_FIRST_DAY: Final = "ramp_first_day"

DEFAULT_SNOOZE_MINUTES: Final = 30
WEEKDAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_BATH_WEEKDAYS: Final = WEEKDAYS  # every day; the bath reminder's switch starts off
DEFAULT_RAMP_START: Final = 100
DEFAULT_RAMP_STEP: Final = 50
DEFAULT_RAMP_EVERY_DAYS: Final = 7
MAX_SNOOZE_MINUTES: Final = 240
MAX_RAMP_EVERY_DAYS: Final = 60

DEFAULT_DAILY_LIMIT: Final = UPPER_LIMIT_ADULT_MG
DEFAULT_DAILY_TARGET: Final = 300
MIN_SETTING_MG: Final = 1

# What one action may log. A dose above these is a typing error, not an intake.
MAX_ELEMENTAL_MG: Final = 2000.0
MAX_COMPOUND_MG: Final = 20000.0
MAX_TOPICAL_MG: Final = 5000.0
MAX_SALT_G: Final = 5000.0
MAX_BATH_MINUTES: Final = 240.0
MAX_NOTE_LENGTH: Final = 500
MAX_AREA_LENGTH: Final = 100
# A record may be back-dated, but not before this year; nor later than a minute from now.
EARLIEST_YEAR: Final = 2000

EVENT_DOSE_LOGGED: Final = "magnesium_dose_logged"
EVENT_MOBILE_APP_ACTION: Final = "mobile_app_notification_action"

SIDE_EFFECT_SYMPTOMS: Final = ("diarrhoea", "cramping", "nausea", "other")
SIDE_EFFECT_DAYS: Final = 7

ATTR_CONFIG_ENTRY_ID: Final = "config_entry_id"
ATTR_FORM: Final = "form"
ATTR_AMOUNT_MG: Final = "amount_mg"
ATTR_BASIS: Final = "basis"
ATTR_TAKEN_AT: Final = "taken_at"
ATTR_NOTE: Final = "note"
ATTR_AREA: Final = "area"
ATTR_SALT_G: Final = "salt_g"
ATTR_MINUTES: Final = "minutes"
ATTR_RECORD_ID: Final = "record_id"
ATTR_START: Final = "start"
ATTR_END: Final = "end"
ATTR_SYMPTOM: Final = "symptom"
ATTR_REMINDER: Final = "reminder"
ATTR_MINUTES_DELAY: Final = "minutes"
ATTR_PRODUCT: Final = "product"
ATTR_UNITS: Final = "units"

SUBENTRY_PRODUCT: Final = "product"
MAX_REFILL_UNITS: Final = 10000.0

BASIS_ELEMENTAL: Final = "elemental"
BASIS_COMPOUND: Final = "compound"

SERVICE_LOG_DOSE: Final = "log_dose"
SERVICE_LOG_TOPICAL: Final = "log_topical"
SERVICE_LOG_BATH: Final = "log_bath"
SERVICE_UNDO: Final = "undo"
SERVICE_DELETE_RECORD: Final = "delete_record"
SERVICE_GET_LOG: Final = "get_log"
SERVICE_LOG_SIDE_EFFECT: Final = "log_side_effect"
SERVICE_SKIP_REMINDER: Final = "skip_reminder"
SERVICE_SNOOZE_REMINDER: Final = "snooze_reminder"
SERVICE_LOG_MEDICINE: Final = "log_medicine"
SERVICE_REFILL: Final = "refill"
ATTR_MEDICINE: Final = "medicine"

# Version 2 adds side-effect records, which version 1 cannot read: a major step, so that an
# older release refuses the files instead of dropping those records when it rewrites a month.
# Version 3 adds products (refill records, the product and units of a dose, the products' use
# in the index) and medicine records (and the index keeps each day's oral dose minutes); an
# older release would drop those records and fields when it rewrites a file, so it must refuse
# the files instead.
STORAGE_VERSION: Final = 3
STORAGE_MINOR_VERSION: Final = 1
