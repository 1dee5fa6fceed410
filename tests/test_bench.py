"""The small benchmark run: hot paths touch the index and the current month only.

``scripts/bench`` measures the full sizes; this runs the same code on a short history with
real files, so that a change which makes logging, set-up, voice or midnight read or write
more of the history fails here. Timing is checked only with generous margins.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bench.run import FAST, async_run
from custom_components.magnesium.tracker import ARCHIVE_AFTER

# A person's index: per-month counts and the per-day figures (day totals, the minutes of the
# doses, as Home Assistant writes its files: indented) of at most ARCHIVE_AFTER + 1 days; the
# fast run logs ten doses a day (about 240 bytes a day).
MAX_INDEX_BYTES = 4_000 + 300 * (ARCHIVE_AFTER + 1)


async def test_hot_paths_do_not_grow_with_history(tmp_path: Path) -> None:
    results = await async_run(tmp_path / "config", FAST)
    io = results.io
    small, large = FAST.histories[0], FAST.histories[-1]
    # set-up reads the index, the current month, the reminders and the products' low-stock
    # state, whatever the history; the first one of a history older than the index's days
    # also reads their yearly files (one or two) for the streak, which keeps their letters
    setup = io["setup"]
    assert 4 * setup["calls"] <= setup["files_read"] <= 4 * setup["calls"] + 2, setup
    assert sum(".days." in key for key in setup["keys_read"]) <= 2, setup
    assert not io["setup"]["outside_index_and_current_month"]
    # logging writes the current month once per dose and reads it only when a month begins
    # (about once a month the index also moves older day totals to the year's file)
    months = FAST.calls * FAST.log_every / timedelta(days=30)
    for count in FAST.histories:
        name = f"log_dose_{count}"
        assert io[name]["months_read"] <= months + 1, io[name]
        assert io[name]["months_written"] == io[name]["calls"], io[name]
        assert io[name]["day_files_written"] <= months + 2, io[name]
        assert io[name]["files_written"] <= io[name]["calls"] + 2 * (months + 2), io[name]
        assert not io[name]["outside_index_and_current_month"], io[name]
    # answering about today neither reads nor writes
    assert io["voice"]["files_read"] == io["voice"]["files_written"] == 0
    # midnight (here also a new month) reads and writes nothing of the history
    assert not io["midnight"]["outside_index_and_current_month"], io["midnight"]
    assert io["midnight"]["files_read"] == 0, io["midnight"]
    # the index stays small: older day totals live in yearly files
    assert io["index_bytes"], io
    assert max(io["index_bytes"].values()) <= MAX_INDEX_BYTES, io["index_bytes"]
    # no state attribute grows with history
    attributes = io["attribute_bytes"]
    assert attributes[large] <= attributes[FAST.histories[1]] + 100, attributes
    # Home Assistant's blocking-call detection was on and found nothing
    assert not results.blocking_calls, results.blocking_calls
    # timing, generously (other work shares the machine): no growth with history
    samples = results.samples
    assert samples[f"log_dose_{large}"]["p50_ms"] <= 3 * samples[f"log_dose_{small}"]["p50_ms"]
    assert samples["setup"][f"{large}_records_ms"] <= 3 * samples["setup"][f"{small}_records_ms"]
    assert samples["midnight"]["max_ms"] <= 500
