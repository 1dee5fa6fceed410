"""Low stock: tell the person once when a product's stock falls below its threshold.

The rule (``products.outlook``) is pure; this adapter follows the log, keeps which products
are low in a small ``Store`` (so a restart does not send the notice again), and sends one
notice through the entry's notify targets each time a product crosses below the threshold.
A refill that lifts it above the threshold arms the notice again.
"""

from __future__ import annotations

import logging
from typing import Any

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
        self._store = MagnesiumStore(hass, stock_key(tracker.entry_id))
        self._texts: dict[str, str] = {}
        self._unsub: CALLBACK_TYPE | None = None
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
        prefix = f"component.{DOMAIN}.common."
        texts = await async_get_translations(
            self.hass, self.hass.config.language, "common", [DOMAIN]
        )
        if not texts.get(f"{prefix}low_stock"):
            texts = await async_get_translations(self.hass, "en", "common", [DOMAIN])
        self._texts = {key.removeprefix(prefix): value for key, value in texts.items()}

    @callback
    def async_start(self) -> None:
        """Follow the log; a product that was low when last seen is not announced again."""
        self._unsub = self.tracker.async_add_listener(self._async_check)
        self._async_check()

    async def async_stop(self) -> None:
        """Stop following the log, and write what is still pending."""
        if self._unsub:
            self._unsub()
            self._unsub = None
        if self._dirty:
            await self._store.async_save(self._data())

    def _data(self) -> dict[str, Any]:
        self._dirty = False
        return {"low": sorted(self.low)}

    async def async_remove_files(self) -> None:
        """Delete the stored state (when the entry is deleted)."""
        await self._store.async_remove()

    @callback
    def _async_check(self) -> None:
        low: set[str] = set()
        for product in self.tracker.products.values():
            if self.tracker.outlook(product).low:
                low.add(product.id)
                if product.id not in self.low:
                    self.hass.async_create_task(self._async_notify(product))
        if low != self.low:
            self.low = low
            self._dirty = True
            self._store.async_delay_save(self._data, SAVE_DELAY)

    def message(self, product: Product) -> str:
        """The low-stock notice of a product."""
        view = self.tracker.outlook(product)
        if view.stock <= 0:
            return self._texts["low_stock_empty"].format(product=product.name)
        return self._texts["low_stock"].format(
            product=product.name,
            stock=f"{view.stock:g}",
            unit=self.reminders.unit_name(product.unit, view.stock),
            days=f"{view.days_left:g}",
            date=view.run_out.isoformat() if view.run_out else "",
        )

    async def _async_notify(self, product: Product) -> None:
        options = self.reminders.options
        title = self._texts["low_stock_title"].format(name=self.tracker.settings.name)
        message = self.message(product)
        tag = f"magnesium_{self.tracker.entry_id}_stock_{product.id}"
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
            _LOGGER.warning("Could not send a low-stock notice with notify.%s: %s", service, err)
