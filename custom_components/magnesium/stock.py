"""Notices: a product's low stock, and a day over the limit, told to the person once.

The rules (``products.outlook``, ``Today.over_limit``) are pure; this adapter follows the log,
keeps which products are low and the last day told to be over the limit in a small ``Store``
(so a restart does not send a notice again), and sends one notice through the entry's notify
targets each time a product crosses below its threshold or a day goes over the limit. Without
notify targets the notice is a persistent notification (one per product, one per person and
day), dismissed when it is no longer true: the product refilled, the day back under the limit
(an undo) or over. A refill that lifts a product above its threshold arms its notice again.
"""

from __future__ import annotations

from datetime import date
import logging
from typing import Any

from homeassistant.components import persistent_notification
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.translation import async_get_translations

from .const import DOMAIN, SUBENTRY_PRODUCT
from .products import Product
from .reminders import ReminderManager
from .tracker import MagnesiumStore, MagnesiumTracker

_LOGGER = logging.getLogger(__name__)

SAVE_DELAY = 1  # seconds; pending writes are flushed when Home Assistant stops


def products_from_entry(entry: ConfigEntry) -> dict[str, Product]:
    """The usable products of an entry, by subentry id."""
    products: dict[str, Product] = {}
    for subentry_id, subentry in entry.subentries.items():
        if subentry.subentry_type != SUBENTRY_PRODUCT:
            continue
        if (product := Product.from_data(subentry_id, subentry.data)) is not None:
            products[subentry_id] = product
    return products


def stock_key(entry_id: str) -> str:
    """Storage key of an entry's low-stock state."""
    return f"{DOMAIN}.{entry_id}.stock"


class StockWatcher:
    """Sends the low-stock notice of one person's products."""

    def __init__(
        self, hass: HomeAssistant, tracker: MagnesiumTracker, reminders: ReminderManager
    ) -> None:
        """Create the watcher; call ``async_load`` and then ``async_start``."""
        self.hass = hass
        self.tracker = tracker
        self.reminders = reminders
        self.low: set[str] = set()
        self.over_limit_day: date | None = None  # the last day told to be over the limit
        self._over_limit_shown: str | None = None  # its persistent notification, while shown
        self._store = MagnesiumStore(hass, stock_key(tracker.entry_id))
        self._texts: dict[str, str] = {}
        self._unsubs: list[CALLBACK_TYPE] = []
        self._dirty = False

    async def async_load(self) -> None:
        """Read which products were low when last seen, and the notice's words.

        A damaged file is kept aside and reported (a repair issue): every product is then
        taken as not low before, so a product that is low gets its notice once more.
        """
        data = await self._store.async_load()
        if self._store.damaged_copy:
            self.tracker.async_report_damaged("stock", self._store.damaged_copy)
        low = data.get("low") if isinstance(data, dict) else None
        self.low = {str(item) for item in low} if isinstance(low, list) else set()
        told = data.get("over_limit_day") if isinstance(data, dict) else None
        try:
            self.over_limit_day = date.fromisoformat(told) if isinstance(told, str) else None
        except ValueError:
            self.over_limit_day = None
        prefix = f"component.{DOMAIN}.common."
        texts = await async_get_translations(
            self.hass, self.hass.config.language, "common", [DOMAIN]
        )
        if not texts.get(f"{prefix}low_stock"):
            texts = await async_get_translations(self.hass, "en", "common", [DOMAIN])
        self._texts = {key.removeprefix(prefix): value for key, value in texts.items()}

    @callback
    def async_start(self) -> None:
        """Follow the log and the day; what was told when last seen is not told again."""
        self._unsubs = [
            self.tracker.async_add_listener(self._async_check),
            # the reminders look again at midnight: a day over the limit ends
            self.reminders.async_add_listener(self._async_check),
        ]
        self._async_check()

    async def async_stop(self) -> None:
        """Stop following the log, and write what is still pending."""
        for unsub in self._unsubs:
            unsub()
        self._unsubs = []
        if self._dirty:
            await self._store.async_save(self._data())

    def _data(self) -> dict[str, Any]:
        self._dirty = False
        data: dict[str, Any] = {"low": sorted(self.low)}
        if self.over_limit_day is not None:
            data["over_limit_day"] = self.over_limit_day.isoformat()
        return data

    async def async_remove_files(self) -> None:
        """Delete the stored state (when the entry is deleted)."""
        await self._store.async_remove()

    @property
    def _has_targets(self) -> bool:
        options = self.reminders.options
        return bool(options.notify_services or options.notify_entities)

    def _notification_id(self, what: str) -> str:
        return f"{DOMAIN}_{self.tracker.entry_id}_{what}"

    @callback
    def _async_check(self) -> None:
        low: set[str] = set()
        for product in self.tracker.products.values():
            if self.tracker.outlook(product).low:
                low.add(product.id)
                if product.id not in self.low:
                    self.hass.async_create_task(self._async_notify(product))
        for product_id in self.low - low:  # refilled, edited or removed
            persistent_notification.async_dismiss(
                self.hass, self._notification_id(f"stock_{product_id}")
            )
        changed = low != self.low
        self.low = low
        changed = self._check_over_limit() or changed
        if changed:
            self._dirty = True
            self._store.async_delay_save(self._data, SAVE_DELAY)

    def _check_over_limit(self) -> bool:
        """Tell a day over the limit once; True when that is to be stored."""
        today = self.tracker.today
        if not today.over_limit:
            if self._over_limit_shown is not None:
                persistent_notification.async_dismiss(self.hass, self._over_limit_shown)
                self._over_limit_shown = None
            return False
        if self.over_limit_day == today.day:
            return False
        self.over_limit_day = today.day
        title = self._texts["over_limit_title"].format(name=self.tracker.settings.name)
        message = self.over_limit_message()
        if self._has_targets:
            tag = f"magnesium_{self.tracker.entry_id}_over_limit_{today.day:%Y%m%d}"
            self.hass.async_create_task(self._async_send(title, message, tag))
        else:
            self._over_limit_shown = self._notification_id(f"over_limit_{today.day:%Y%m%d}")
            persistent_notification.async_create(self.hass, message, title, self._over_limit_shown)
        return True

    def over_limit_message(self) -> str:
        """What today's oral magnesium over the limit means, in Home Assistant's language."""
        today = self.tracker.today
        return self._texts["over_limit"].format(
            name=self.tracker.settings.name,
            total=f"{today.oral_mg:g}",
            limit=f"{today.daily_limit:g}",
        )

    def message(self, product: Product) -> str:
        """The low-stock notice of a product."""
        view = self.tracker.outlook(product)
        if view.stock is None or view.stock <= 0:
            return self._texts["low_stock_empty"].format(product=product.name)
        return self._texts["low_stock"].format(
            product=product.name,
            stock=f"{view.stock:g}",
            unit=self.reminders.unit_name(product.unit, view.stock),
            days=f"{view.days_left:g}",
            date=view.run_out.isoformat() if view.run_out else "",
        )

    async def _async_notify(self, product: Product) -> None:
        title = self._texts["low_stock_title"].format(name=self.tracker.settings.name)
        message = self.message(product)
        if not self._has_targets:
            persistent_notification.async_create(
                self.hass, message, title, self._notification_id(f"stock_{product.id}")
            )
            return
        await self._async_send(
            title, message, f"magnesium_{self.tracker.entry_id}_stock_{product.id}"
        )

    async def _async_send(self, title: str, message: str, tag: str) -> None:
        """A notice through the entry's notify targets."""
        options = self.reminders.options
        for service in options.notify_services:
            await self._async_call(
                service, {"title": title, "message": message, "data": {"tag": tag}}
            )
        if options.notify_entities:
            await self._async_call(
                "send_message",
                {"entity_id": list(options.notify_entities), "title": title, "message": message},
            )

    async def _async_call(self, service: str, data: dict[str, Any]) -> None:
        try:
            await self.hass.services.async_call("notify", service, data, blocking=True)
        except HomeAssistantError as err:
            _LOGGER.warning("Could not send a magnesium notice with notify.%s: %s", service, err)
