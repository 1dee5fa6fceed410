"""The measurements: logging, setup, voice and midnight, each against a baseline of the same run."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, time as dtime, timedelta
import gc
import json
from pathlib import Path
import platform
from random import Random
import time
from typing import Any
from zoneinfo import ZoneInfo

from homeassistant.components import conversation
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_STATE_CHANGED, __version__ as ha_version
from homeassistant.core import Context, Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er, storage
from homeassistant.setup import async_setup_component

from custom_components.magnesium.const import DOMAIN
from custom_components.magnesium.ledger import month_key
from custom_components.magnesium.stock import stock_key
from custom_components.magnesium.tracker import days_store_key, index_key, month_store_key

from .harness import (
    TIME_ZONE,
    BlockingCalls,
    SimClock,
    StorageLog,
    StoredHistory,
    make_entry,
    make_history,
    median,
    percentile,
    real_hass,
    rss_bytes,
    watch_storage,
)

ZONE = ZoneInfo(TIME_ZONE)
# The run starts at noon on the last day of a month: the current month is as full as it gets
# and the first midnight is also the first of a new month.
START = datetime(2026, 11, 30, 12, 0, tzinfo=ZONE)
VOICE_QUESTION = "how much magnesium have I taken today"
VOICE_BUILTIN = "what time is it"
MB = 1024 * 1024
shuffle = Random(20261130).shuffle  # noqa: S311 - an order, not a secret
HELPERS = 20  # input_booleans, toggled together as Home Assistant's cost of changing entities


@dataclass(frozen=True)
class Sizes:
    """How much to measure (the full run, or the small one of the test suite)."""

    calls: int = 500
    histories: tuple[int, ...] = (0, 10_000, 100_000)
    setup_rounds: int = 15
    voice_calls: int = 200
    midnight_entries: int = 10
    midnight_records: int = 100_000
    midnights: int = 3
    big_store_records: int = 100_000
    big_store_saves: int = 10
    # the doses are logged three times a day, as people do: the clock moves on between calls
    log_every: timedelta = timedelta(hours=8)


FAST = Sizes(
    calls=40,
    histories=(0, 300, 3_000),
    setup_rounds=5,
    voice_calls=10,
    midnight_entries=3,
    midnight_records=3_000,
    midnights=1,
    big_store_records=3_000,
    big_store_saves=3,
)


@dataclass
class Line:
    """One line of the table."""

    name: str
    value: float
    unit: str
    baseline: str = ""
    ratio: float | None = None
    target: str = ""
    passed: bool | None = None


@dataclass
class Results:
    """Everything a run measured."""

    sizes: dict[str, Any]
    machine: dict[str, Any]
    lines: list[Line] = field(default_factory=list)
    samples: dict[str, dict[str, float]] = field(default_factory=dict)
    io: dict[str, Any] = field(default_factory=dict)
    answers: dict[str, str] = field(default_factory=dict)
    blocking_calls: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """Whether every line with a target passed."""
        return all(line.passed is not False for line in self.lines)

    def add(self, line: Line) -> None:
        """Add a line."""
        self.lines.append(line)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {**asdict(self), "passed": self.passed}


def machine() -> dict[str, Any]:
    """What the run ran on."""
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as file:
            for line in file:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:  # pragma: no cover - not Linux
        pass
    load = ""
    try:
        with open("/proc/loadavg", encoding="ascii") as file:
            load = " ".join(file.read().split()[:3])
    except OSError:  # pragma: no cover - not Linux
        pass
    import os  # noqa: PLC0415

    return {
        "cpus": os.cpu_count(),
        "cpu_model": model or platform.processor(),
        "python": platform.python_version(),
        "home_assistant": ha_version,
        "load_average": load,
    }


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": percentile(values, 0.5) * 1000,
        "p95_ms": percentile(values, 0.95) * 1000,
        "mean_ms": sum(values) / len(values) * 1000,
        "n": len(values),
    }


def _ours(key: str, prefixes: tuple[str, ...]) -> bool:
    """Whether a storage key is one of the prefixes or starts with one that ends in a dot."""
    return any(
        key == prefix or (prefix.endswith(".") and key.startswith(prefix)) for prefix in prefixes
    )


def _kind(key: str) -> str:
    """What a storage key of the integration names: index, month, days, reminders or stock."""
    last = key.rsplit(".", 1)[-1]
    if len(last) == 7 and last[4] == "-":
        return "month"
    if ".days." in key:
        return "days"
    return last if last in ("reminders", "stock") else "index"


def _all_records(history: StoredHistory) -> dict[str, Any]:
    """One file with every record of a history."""
    return {
        "records": [item for data in history.months.values() for item in data.get("records", [])]
    }


async def _timed(action: Callable[[], Awaitable[Any]]) -> float:
    start = time.perf_counter()
    await action()
    return time.perf_counter() - start


class Bench:
    """One run in one Home Assistant."""

    def __init__(self, hass: HomeAssistant, clock: SimClock, config_dir: Path, sizes: Sizes):
        """Prepare a run."""
        self.hass = hass
        self.clock = clock
        self.config_dir = config_dir
        self.sizes = sizes
        self.results = Results(sizes=asdict(sizes), machine=machine())
        self._histories: dict[tuple[int, datetime], StoredHistory] = {}
        self._months_seen: set[str] = set()
        self._years_seen: set[int] = set()

    # -- helpers ----------------------------------------------------------------------
    def history(self, count: int, end: datetime = START) -> StoredHistory:
        """The stored form of ``count`` records ending a minute before ``end``."""
        if (count, end) not in self._histories:
            records = make_history(count, end - timedelta(minutes=1))
            self._histories[count, end] = StoredHistory.build(records)
        return self._histories[count, end]

    async def add_entry(self, title: str, records: int, end: datetime = START) -> str:
        """Write a person's history to disk and add (not set up) their entry."""
        entry_id = f"bench{title.lower()}"
        history = self.history(records, end)
        await self.hass.async_add_executor_job(history.write, self.config_dir, entry_id)
        make_entry(title, entry_id).add_to_hass(self.hass)
        return entry_id

    async def setup(self, entry_id: str) -> float:
        """Set an entry up; returns the seconds it took."""
        start = time.perf_counter()
        assert await self.hass.config_entries.async_setup(entry_id)
        await self.hass.async_block_till_done()
        return time.perf_counter() - start

    async def unload(self, entry_id: str) -> None:
        """Unload an entry (its files stay)."""
        assert await self.hass.config_entries.async_unload(entry_id)
        await self.hass.async_block_till_done()

    def new_phase(self) -> None:
        """Start counting the months a phase may touch afresh."""
        self._months_seen.clear()
        self._years_seen.clear()
        self.note_now()

    def note_now(self) -> None:
        """Remember the current month (and the one today began in) as allowed to touch."""
        now = self.clock.utcnow()
        day_start = datetime.combine(now.astimezone(ZONE).date(), dtime(), tzinfo=ZONE)
        self._months_seen.update({month_key(now), month_key(day_start)})
        self._years_seen.add(now.astimezone(ZONE).year)

    def _allowed_keys(self, entry_id: str) -> set[str]:
        """What a hot path may touch: the index and the current month.

        The index includes its yearly day totals, which take its older days once a month; the
        reminder settings and the products' low-stock state are small files of their own.
        """
        self.note_now()
        return {
            index_key(entry_id),
            f"{DOMAIN}.{entry_id}.reminders",
            stock_key(entry_id),
            *(month_store_key(entry_id, month) for month in self._months_seen),
            *(days_store_key(entry_id, year) for year in self._years_seen),
            *(days_store_key(entry_id, year - 1) for year in self._years_seen),
        }

    def _check_io(self, name: str, entry_ids: list[str], log: StorageLog, calls: int) -> bool:
        """Record what a phase read and wrote of the entries' files; True when within bounds."""
        ours = tuple(
            key
            for entry_id in entry_ids
            for key in (index_key(entry_id), f"{index_key(entry_id)}.")
        )
        allowed = set().union(*(self._allowed_keys(entry_id) for entry_id in entry_ids))
        loads = {key: n for key, n in log.loads.items() if _ours(key, ours)}
        saves = {key: n for key, n in log.saves.items() if _ours(key, ours)}
        delayed = {key: n for key, n in log.delayed.items() if _ours(key, ours)}
        outside = sorted((set(loads) | set(saves) | set(delayed)) - allowed)
        written = 0
        for key, count in saves.items():
            path = self.config_dir / ".storage" / key
            if path.exists():
                written += path.stat().st_size * count
        self.results.io[name] = {
            "calls": calls,
            "files_read": sum(loads.values()),
            "files_written": sum(saves.values()),
            "delayed_writes": sum(delayed.values()),
            "bytes_written_per_call": round(written / max(calls, 1)),
            "outside_index_and_current_month": outside,
            "months_read": sum(n for key, n in loads.items() if _kind(key) == "month"),
            "keys_read": sorted(loads),
            "months_written": sum(n for key, n in saves.items() if _kind(key) == "month"),
            "day_files_written": sum(n for key, n in saves.items() if _kind(key) == "days"),
        }
        return not outside

    def record_index_sizes(self) -> None:
        """The size of every entry's index file, by history size (after the entries unloaded)."""
        sizes: dict[str, int] = {}
        for entry in self.hass.config_entries.async_entries(DOMAIN):
            path = self.config_dir / ".storage" / index_key(entry.entry_id)
            if path.exists():
                sizes[entry.title] = path.stat().st_size
        self.results.io["index_bytes"] = sizes

    # -- scenarios --------------------------------------------------------------------
    async def prepare(self) -> None:
        """The helpers to compare with, and the conversation agent."""
        hass = self.hass
        for domain, config in (
            ("homeassistant", {}),
            ("conversation", {}),
            ("intent", {}),
            ("counter", {"counter": {"bench": {"initial": 0, "step": 1}}}),
            ("input_number", {"input_number": {"bench": {"min": 0, "max": 1e9, "step": 1}}}),
            ("input_boolean", {"input_boolean": {f"bench{n}": {} for n in range(HELPERS)}}),
        ):
            assert await async_setup_component(hass, domain, config)
        await hass.async_block_till_done()
        # warm up: the first set-up imports the platforms and loads the translations
        warm = await self.add_entry("Warmup", 0)
        await self.setup(warm)
        await self.unload(warm)

    async def bench_setup(self, sizes: tuple[int, int]) -> list[str]:
        """Set-up time and memory with a small and a large history."""
        self.new_phase()
        small, large = sizes
        ids = [await self.add_entry(f"Setup{count}", count) for count in (small, large)]
        times: dict[str, list[float]] = {entry_id: [] for entry_id in ids}
        growth: dict[str, int] = {}
        with watch_storage() as log:
            for round_ in range(self.sizes.setup_rounds):
                for entry_id in ids:
                    gc.collect()
                    before = rss_bytes()
                    times[entry_id].append(await self.setup(entry_id))
                    gc.collect()
                    if round_ == 0:
                        growth[entry_id] = rss_bytes() - before
                    if round_ < self.sizes.setup_rounds - 1:
                        await self.unload(entry_id)
        io_ok = self._check_io("setup", ids, log, 2 * self.sizes.setup_rounds)
        t_small, t_large = (median(times[entry_id]) for entry_id in ids)
        self.results.samples["setup"] = {
            f"{count}_records_ms": median(times[entry_id]) * 1000
            for count, entry_id in zip(sizes, ids, strict=True)
        }
        res = self.results
        res.add(Line(f"setup, {small} records", t_small * 1000, "ms"))
        ratio = t_large / t_small
        res.add(
            Line(
                f"setup, {large:,} records",
                t_large * 1000,
                "ms",
                f"setup, {small} records",
                ratio,
                "<= 1.5 x",
                ratio <= 1.5,
            )
        )
        rss = growth[ids[1]] / MB
        res.add(
            Line(f"RSS growth, setup with {large:,}", rss, "MB", "", None, "<= 10 MB", rss <= 10)
        )
        res.add(
            Line(
                "setup reads only index + current month",
                float(res.io["setup"]["files_read"]),
                "files",
                "",
                None,
                "no other file",
                io_ok,
            )
        )
        return ids

    async def bench_logging(self) -> list[str]:
        """``log_dose`` against a save of a one-record file plus ``counter.increment``."""
        self.new_phase()
        hass = self.hass
        ids = {}
        for count in self.sizes.histories:
            ids[count] = await self.add_entry(f"Log{count}", count)
            await self.setup(ids[count])
        one = storage.Store[dict[str, Any]](hass, 1, "bench.one_record", atomic_writes=False)
        hundred = storage.Store[dict[str, Any]](hass, 1, "bench.hundred", atomic_writes=False)
        one_data = _all_records(self.history(1))
        hundred_data = _all_records(self.history(100))

        async def log_dose(entry_id: str) -> None:
            response = await hass.services.async_call(
                DOMAIN,
                "log_dose",
                {"config_entry_id": entry_id, "form": "glycinate", "amount_mg": 1},
                blocking=True,
                return_response=True,
            )
            assert response
            assert response["record_id"]

        subjects: dict[str, Callable[[], Awaitable[Any]]] = {
            "store_save_1": lambda: one.async_save(one_data),
            "store_save_100": lambda: hundred.async_save(hundred_data),
            "counter.increment": lambda: hass.services.async_call(
                "counter", "increment", {"entity_id": "counter.bench"}, blocking=True
            ),
            "input_number.set_value": lambda: hass.services.async_call(
                "input_number",
                "set_value",
                {"entity_id": "input_number.bench", "value": time.monotonic() % 1000},
                blocking=True,
            ),
        }
        for count, entry_id in ids.items():
            subjects[f"log_dose_{count}"] = lambda entry_id=entry_id: log_dose(entry_id)
        # Home Assistant's own cost of changing as many entities as a dose changes
        writes = await self._state_writes_per_dose(ids[self.sizes.histories[0]])
        helpers = [f"input_boolean.bench{n}" for n in range(min(HELPERS, max(1, round(writes))))]
        subjects["input_boolean.toggle_n"] = lambda: hass.services.async_call(
            "input_boolean", "toggle", {"entity_id": helpers}, blocking=True
        )
        self.results.samples["state_writes_per_dose"] = {"mean": writes, "helpers": len(helpers)}
        samples: dict[str, list[float]] = {name: [] for name in subjects}
        for action in subjects.values():  # one untimed round
            await action()
        with watch_storage() as log:
            for _ in range(self.sizes.calls):
                with log.paused():  # timers due in between are not the log's work
                    await self._next_round(list(ids.values()))
                order = list(subjects.items())
                shuffle(order)  # no subject always runs right after another's write
                for name, action in order:
                    samples[name].append(await _timed(action))
        # the files of a log_dose entry only: one entry's keys
        io_ok = all(
            [  # noqa: C419 - check (and record) every entry
                self._check_io(f"log_dose_{count}", [entry_id], log, self.sizes.calls)
                for count, entry_id in ids.items()
            ]
        )
        big = storage.Store[dict[str, Any]](hass, 1, "bench.big", atomic_writes=False)
        big_data = _all_records(self.history(self.sizes.big_store_records))
        samples["store_save_big"] = [
            await _timed(lambda: big.async_save(big_data))
            for _ in range(self.sizes.big_store_saves)
        ]
        stats = {name: _summary(values) for name, values in samples.items()}
        self.results.samples.update(stats)
        self._logging_lines(stats)
        res = self.results
        worst = max(self.results.io[f"log_dose_{count}"]["files_written"] for count in ids)
        res.add(
            Line(
                "log_dose writes only index + current month",
                worst / self.sizes.calls,
                "files/call",
                "",
                None,
                "no other file",
                io_ok,
            )
        )
        self.check_attributes(ids)
        return list(ids.values())

    async def _next_round(self, entry_ids: list[str]) -> None:
        """Move the clock on to the next dose; the timers due by then run (midnight among them)."""
        self.clock.jump(self.hass, self.clock.utcnow() + self.sizes.log_every)
        await self.hass.async_block_till_done()
        local = self.clock.utcnow().astimezone(ZONE)
        self._check_rolled_over(entry_ids, datetime.combine(local.date(), dtime(), tzinfo=ZONE))
        self.note_now()

    def _logging_lines(self, stats: dict[str, dict[str, float]]) -> None:
        """The table's lines of the logging measurements."""
        res = self.results
        floor = stats["store_save_1"]["p50_ms"] + stats["counter.increment"]["p50_ms"]
        res.add(Line("counter.increment p50", stats["counter.increment"]["p50_ms"], "ms"))
        res.add(Line("input_number.set_value p50", stats["input_number.set_value"]["p50_ms"], "ms"))
        res.add(Line("Store.async_save, 1 record p50", stats["store_save_1"]["p50_ms"], "ms"))
        res.add(Line("Store.async_save, 100 records p50", stats["store_save_100"]["p50_ms"], "ms"))
        big_n = self.sizes.big_store_records
        res.add(
            Line(
                f"Store.async_save, {big_n:,} records p50",
                stats["store_save_big"]["p50_ms"],
                "ms",
                "save of 1 record",
                stats["store_save_big"]["p50_ms"] / stats["store_save_1"]["p50_ms"],
            )
        )
        n_helpers = self.results.samples["state_writes_per_dose"]["helpers"]
        same_work = stats["store_save_1"]["p50_ms"] + stats["input_boolean.toggle_n"]["p50_ms"]
        res.add(
            Line(
                f"input_boolean.toggle of {n_helpers:g} helpers p50",
                stats["input_boolean.toggle_n"]["p50_ms"],
                "ms",
            )
        )
        zero = stats[f"log_dose_{self.sizes.histories[0]}"]
        res.add(
            Line(
                "log_dose p50, 0 records, vs the same entity changes",
                zero["p50_ms"],
                "ms",
                f"save 1 record + toggle {n_helpers:g} helpers",
                zero["p50_ms"] / same_work,
                "(information)",
            )
        )
        for count in self.sizes.histories:
            item = stats[f"log_dose_{count}"]
            ratio = item["p50_ms"] / floor
            res.add(
                Line(
                    f"log_dose p50, {count:,} records",
                    item["p50_ms"],
                    "ms",
                    "save 1 record + counter",
                    ratio,
                    "<= 1.5 x",
                    ratio <= 1.5,
                )
            )
            if count != self.sizes.histories[0]:
                for key in ("p50_ms", "p95_ms"):
                    growth = item[key] / zero[key]
                    res.add(
                        Line(
                            f"log_dose {key[:3]}, {count:,} vs 0 records",
                            item[key],
                            "ms",
                            f"{key[:3]} at 0 records",
                            growth,
                            "<= 1.2 x",
                            growth <= 1.2,
                        )
                    )

    async def _state_writes_per_dose(self, entry_id: str, doses: int = 12) -> float:
        """How many entity states a dose writes, on average (as the timed doses are logged)."""
        hass = self.hass
        written: list[int] = [0]

        @callback
        def count(_event: Event) -> None:
            written[0] += 1

        unsubs = [hass.bus.async_listen(kind, count) for kind in (EVENT_STATE_CHANGED,)]
        total = 0
        try:
            for _ in range(doses):
                self.clock.jump(hass, self.clock.utcnow() + self.sizes.log_every)
                await hass.async_block_till_done()
                written[0] = 0
                await hass.services.async_call(
                    DOMAIN,
                    "log_dose",
                    {"config_entry_id": entry_id, "form": "glycinate", "amount_mg": 1},
                    blocking=True,
                    return_response=True,
                )
                total += written[0]
        finally:
            for unsub in unsubs:
                unsub()
        return total / doses

    def check_attributes(self, ids: dict[int, str]) -> None:
        """State attributes must not grow with history (the recorder keeps every change)."""
        res = self.results
        sizes = {count: self.attribute_bytes(entry_id) for count, entry_id in ids.items()}
        self.results.io["attribute_bytes"] = sizes
        # against the shortest history with every kind of record (the last bath, the last
        # topical dose... add attributes once, whatever the length of history)
        base = min((count for count in sizes if count), default=min(sizes))
        small, large = sizes[base], sizes[max(sizes)]
        res.add(
            Line(
                f"state attributes, {max(sizes):,} vs {base:,} records",
                float(large),
                "bytes",
                f"{small} bytes",
                large / small if small else None,
                "no growth",
                large <= small + 100,
            )
        )

    def attribute_bytes(self, entry_id: str) -> int:
        """The size of the state attributes of an entry's entities, as JSON."""
        registry = er.async_get(self.hass)
        total = 0
        for item in er.async_entries_for_config_entry(registry, entry_id):
            if (state := self.hass.states.get(item.entity_id)) is not None:
                attributes = {k: v for k, v in state.attributes.items() if k != "friendly_name"}
                total += len(json.dumps(attributes, default=str))
        return total

    async def bench_voice(self, entry_id: str) -> None:
        """A question about today against the built-in "what time is it"."""
        self.new_phase()
        hass = self.hass

        async def ask(text: str) -> str:
            result = await conversation.async_converse(hass, text, None, Context(), language="en")
            speech = result.response.speech["plain"]["speech"]
            assert isinstance(speech, str)
            return speech

        self.results.answers = {
            VOICE_QUESTION: await ask(VOICE_QUESTION),
            VOICE_BUILTIN: await ask(VOICE_BUILTIN),
        }
        assert "magnesium today" in self.results.answers[VOICE_QUESTION], self.results.answers
        assert (
            ":" in self.results.answers[VOICE_BUILTIN]
            or "time" in self.results.answers[VOICE_BUILTIN].lower()
        ), self.results.answers
        samples: dict[str, list[float]] = {VOICE_QUESTION: [], VOICE_BUILTIN: []}
        with watch_storage() as log:
            for _ in range(self.sizes.voice_calls):
                for text, values in samples.items():
                    values.append(await _timed(lambda text=text: ask(text)))
        io_ok = self._check_io("voice", [entry_id], log, self.sizes.voice_calls)
        ours, builtin = _summary(samples[VOICE_QUESTION]), _summary(samples[VOICE_BUILTIN])
        self.results.samples["voice_question"] = ours
        self.results.samples["voice_builtin"] = builtin
        ratio = ours["p50_ms"] / builtin["p50_ms"]
        res = self.results
        res.add(Line(f'voice "{VOICE_BUILTIN}" p50', builtin["p50_ms"], "ms"))
        res.add(
            Line(
                f'voice "{VOICE_QUESTION}" p50',
                ours["p50_ms"],
                "ms",
                f'"{VOICE_BUILTIN}"',
                ratio,
                "<= 1.5 x",
                ratio <= 1.5,
            )
        )
        res.add(
            Line(
                "voice reads and writes no file",
                float(res.io["voice"]["files_read"] + res.io["voice"]["files_written"]),
                "files",
                "",
                None,
                "none",
                io_ok
                and not res.io["voice"]["files_read"]
                and not res.io["voice"]["files_written"],
            )
        )

    async def bench_midnight(self) -> None:
        """The local midnight rollover of many entries with long histories."""
        self.new_phase()
        hass = self.hass
        sizes = self.sizes
        end = self.clock.utcnow()
        ids = [
            await self.add_entry(f"Night{number}", sizes.midnight_records, end)
            for number in range(sizes.midnight_entries)
        ]
        for entry_id in ids:
            await self.setup(entry_id)
        nights: list[float] = []
        io_ok = True
        with watch_storage() as log:
            for night in range(sizes.midnights):
                local = self.clock.utcnow().astimezone(ZONE)
                day = local.date() + timedelta(days=1)
                if night == 0:  # the first is also the first of a month
                    day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
                midnight = datetime.combine(day, dtime(), tzinfo=ZONE)
                self.clock.jump(hass, midnight - timedelta(seconds=1))
                await hass.async_block_till_done()
                log.clear()
                start = time.perf_counter()
                self.clock.jump(hass, midnight + timedelta(milliseconds=1))
                await hass.async_block_till_done()
                nights.append(time.perf_counter() - start)
                io_ok = self._check_io("midnight", ids, log, len(ids)) and io_ok
                self._check_rolled_over(ids, midnight)
        res = self.results
        self.results.samples["midnight"] = {
            "first_ms": nights[0] * 1000,
            "max_ms": max(nights) * 1000,
            "median_ms": median(nights) * 1000,
        }
        worst = max(nights) * 1000
        res.add(
            Line(
                f"midnight, {len(ids)} entries x {sizes.midnight_records:,} records",
                worst,
                "ms",
                "",
                None,
                "<= 50 ms",
                worst <= 50,
            )
        )
        res.add(
            Line(
                "midnight reads only index + current month",
                float(res.io["midnight"]["files_read"]),
                "files",
                "",
                None,
                "no other file",
                io_ok,
            )
        )

    def _check_rolled_over(self, entry_ids: list[str], midnight: datetime) -> None:
        """Every entry's daily total started again at ``midnight``: its timers ran on time."""
        registry = er.async_get(self.hass)
        for entry_id in entry_ids:
            entity_id = registry.async_get_entity_id("sensor", DOMAIN, f"{entry_id}_oral_today")
            state = self.hass.states.get(entity_id or "")
            assert state is not None, entry_id
            assert state.attributes.get("last_reset") == midnight.astimezone(UTC).isoformat(), (
                entity_id,
                state.attributes.get("last_reset"),
                midnight,
            )


async def async_run(config_dir: Path, sizes: Sizes) -> Results:
    """Run every measurement in one Home Assistant with real storage under ``config_dir``."""
    clock = SimClock()
    clock.set(START.astimezone(ZONE))
    blocking = BlockingCalls()
    async with real_hass(config_dir, clock) as hass:
        blocking.enable()
        try:
            if not blocking.self_test():
                raise RuntimeError("blocking-call detection is not active")
            bench = Bench(hass, clock, config_dir, sizes)
            await bench.prepare()
            setup_ids = await bench.bench_setup((0, sizes.histories[-1]))
            for entry_id in setup_ids:
                await bench.unload(entry_id)
            log_ids = await bench.bench_logging()
            for entry_id in log_ids[:-1]:
                await bench.unload(entry_id)
            await bench.bench_voice(log_ids[-1])
            await bench.unload(log_ids[-1])
            await bench.bench_midnight()
            for entry in hass.config_entries.async_entries(DOMAIN):
                if entry.state is ConfigEntryState.LOADED:
                    await bench.unload(entry.entry_id)
            bench.record_index_sizes()
        finally:
            blocking.disable()
    results = bench.results
    results.blocking_calls = blocking.reports
    results.add(
        Line(
            "blocking calls in the event loop",
            float(len(blocking.reports)),
            "calls",
            "",
            None,
            "none",
            not blocking.reports,
        )
    )
    return results


def table(results: Results) -> str:
    """The results as a Markdown table."""
    rows = [
        "| measurement | value | baseline (same run) | ratio | target | result |",
        "|---|---:|---|---:|---|---|",
    ]
    for line in results.lines:
        value = (
            f"{line.value:,.3f} {line.unit}"
            if line.unit == "ms"
            else f"{line.value:,.2f} {line.unit}"
        )
        ratio = "" if line.ratio is None else f"{line.ratio:.2f} x"
        verdict = "" if line.passed is None else ("PASS" if line.passed else "FAIL")
        rows.append(
            f"| {line.name} | {value} | {line.baseline} | {ratio} | {line.target} | {verdict} |"
        )
    return "\n".join(rows)
