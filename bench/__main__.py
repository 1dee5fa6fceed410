"""``python -m bench [--fast] [--output PATH]``: run the benchmark, print the table, save JSON."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
from pathlib import Path
import sys
import tempfile
import time

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import FAST, Sizes, async_run, table  # noqa: E402


def main() -> int:
    """Run, print and save; the exit status is 0 when every target passed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fast", action="store_true", help="small sizes (seconds, not minutes)")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results.json")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    sizes = FAST if args.fast else Sizes()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="magnesium-bench-") as folder:
        results = asyncio.run(async_run(Path(folder), sizes))
    elapsed = time.perf_counter() - started
    machine = results.machine
    print(
        f"magnesium bench: Home Assistant {machine['home_assistant']}, Python {machine['python']}, "
        f"{machine['cpus']} x {machine['cpu_model']}, load {machine['load_average']}, "
        f"{elapsed:.0f} s"
    )
    print(table(results))
    for name, io in results.io.items():
        if isinstance(io, dict) and io.get("outside_index_and_current_month"):
            print(f"{name} touched:", ", ".join(io["outside_index_and_current_month"]))
    for report in results.blocking_calls:
        print("blocking call:", report)
    data = {**results.as_dict(), "seconds": round(elapsed, 1)}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"{'PASS' if results.passed else 'FAIL'}; results in {args.output}")
    return 0 if results.passed else 1


if __name__ == "__main__":
    sys.exit(main())
