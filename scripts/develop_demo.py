"""Onboarding and demo data for scripts/develop (run with the develop environment's Python).

Does only what is missing: the owner "Demo" (onboarding), then, when there is no magnesium
entry, a demo entry for person.demo made through the config flow, with a product (Doctor's Best
glycinate, 100 mg per capsule, a bottle of 60) added through the subentry flow and named as the
evening dose's product, 100 mg in the morning and 2 capsules in the evening planned, a week of
logged doses (the evenings as capsules of the product, so its stock and run-out date have
values), Epsom baths, a magnesium oil application and a side effect, the Epsom bath reminder
turned on, and the long-term statistics those past days would have left (so the dashboard's
30-day graph shows them). Usage: develop_demo.py URL
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
import json
import sys
import time as clock
from typing import Any
import urllib.error
import urllib.parse
import urllib.request
from zoneinfo import ZoneInfo

import aiohttp

NAME = "Demo"
SLUG = "demo"
ORAL = f"sensor.{SLUG}_oral_magnesium_today"
PRODUCT: dict[str, Any] = {
    "name": "Doctor's Best glycinate",
    "form": "glycinate",
    "amount_mg": 100,
    "basis": "elemental",
    "unit": "capsule",
    "stock": 60,
    "low_days": 7,
}
MORNING_MG = 100
EVENING_CAPSULES = 2  # with the morning's 100 mg, the daily target of 300 mg


def log(message: str) -> None:
    print(f"develop: {message}", file=sys.stderr)


class Api:
    """Home Assistant's REST API, as the browser on this machine uses it."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.client_id = base + "/"
        self.token: str | None = None

    def call(self, method: str, path: str, data: Any = None, *, form: bool = False) -> Any:
        headers = {}
        body = None
        if data is not None:
            if form:
                body = urllib.parse.urlencode(data).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            else:
                body = json.dumps(data).encode()
                headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(  # noqa: S310 - our own local server
            self.base + path, data=body, headers=headers, method=method
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            raw = response.read()
        return json.loads(raw) if raw else None

    def onboard(self) -> None:
        try:
            steps = {step["step"]: step["done"] for step in self.call("GET", "/api/onboarding")}
        except urllib.error.HTTPError as err:  # 404 once onboarding is complete
            if err.code != 404:
                raise
            steps = {}
        if not steps.get("user", True):
            self.call(
                "POST",
                "/api/onboarding/users",
                {
                    "client_id": self.client_id,
                    "name": NAME,
                    "username": "demo",
                    "password": "demo-password-1",
                    "language": "en",
                },
            )
            log("onboarding done: owner Demo (demo / demo-password-1)")

    def login(self) -> None:
        """A token the way the browser gets one: trusted_networks login from this machine."""
        flow = self.call(
            "POST",
            "/auth/login_flow",
            {
                "client_id": self.client_id,
                "handler": ["trusted_networks", None],
                "redirect_uri": self.client_id + "?auth_callback=1",
            },
        )
        if flow["type"] == "form":  # more than one user: pick Demo
            options = next(f["options"] for f in flow["data_schema"] if f["name"] == "user")
            pairs = list(options.items() if isinstance(options, dict) else options)
            user_id = next((uid for uid, name in pairs if name == NAME), pairs[0][0])
            flow = self.call(
                "POST",
                f"/auth/login_flow/{flow['flow_id']}",
                {"client_id": self.client_id, "user": user_id},
            )
        self.token = self.call(
            "POST",
            "/auth/token",
            {
                "grant_type": "authorization_code",
                "code": flow["result"],
                "client_id": self.client_id,
            },
            form=True,
        )["access_token"]

    def action(self, domain: str, service: str, **data: Any) -> None:
        self.call("POST", f"/api/services/{domain}/{service}", data)


@dataclass(frozen=True)
class Dose:
    """One demo record: what the log_* action gets."""

    service: str
    at: datetime
    data: dict[str, Any]
    oral_mg: float = 0.0


def demo_week(now: datetime, tz: ZoneInfo) -> list[Dose]:
    """A plausible week: split doses (the evening's from the product), a compound-weight label,
    baths, oil, one side effect."""
    today = now.astimezone(tz).date()
    records: list[Dose] = []

    def at(days_ago: int, hour: int, minute: int) -> datetime:
        return datetime.combine(today - timedelta(days=days_ago), time(hour, minute), tz)

    def oral(moment: datetime, form: str, mg: float, **extra: Any) -> None:
        elemental = mg if extra.get("basis") != "compound" else round(mg * 0.141, 1)
        records.append(
            Dose("log_dose", moment, {"form": form, "amount_mg": mg, **extra}, elemental)
        )

    for days_ago in range(7, 0, -1):
        morning_form = "citrate" if days_ago == 3 else "malate"
        oral(at(days_ago, 8, 2 + days_ago * 3), morning_form, MORNING_MG)
        if days_ago == 5:  # another bottle: "500 mg magnesium glycinate", 70.5 mg elemental
            oral(at(days_ago, 21, 14), "glycinate", 500, basis="compound")
        elif days_ago != 4:  # one evening forgotten
            records.append(
                Dose(
                    "log_dose",
                    at(days_ago, 21, 5 + days_ago),
                    {"product": PRODUCT["name"], "units": EVENING_CAPSULES},
                    EVENING_CAPSULES * PRODUCT["amount_mg"],
                )
            )
        if days_ago in (6, 4, 1):
            records.append(Dose("log_bath", at(days_ago, 20, 15), {"salt_g": 400, "minutes": 15}))
    records.append(Dose("log_topical", at(2, 22, 0), {"form": "chloride", "area": "lower back"}))
    records.append(
        Dose(
            "log_side_effect",
            at(3, 11, 30),
            {"symptom": "diarrhoea", "note": "after the morning citrate"},
        )
    )
    morning = datetime.combine(today, time(8, 5), tz)
    if now >= morning:
        oral(morning, "malate", MORNING_MG)
    return records


def hourly_statistics(records: list[Dose], now: datetime, tz: ZoneInfo) -> list[dict[str, Any]]:
    """The recorder's hourly rows of the oral total for the past days (not today).

    ``sum`` is anchored so that it is 0 at the end of yesterday: the recorder's own sum starts
    at 0 when it first sees the sensor today, so the two join without a step. A first row 40
    days back (state 0) gives the first day's change its starting point, out of the graph.
    """
    today = now.astimezone(tz).date()
    first = min(record.at for record in records).astimezone(tz).date()
    start = datetime.combine(first, time(0), tz).astimezone(UTC)
    end = datetime.combine(today, time(0), tz).astimezone(UTC)
    past = [record for record in records if record.at.astimezone(UTC) < end]
    total = sum(record.oral_mg for record in past)
    base = start - timedelta(days=40)
    rows = [
        {
            "start": base.isoformat(),
            "state": 0.0,
            "sum": round(-total, 1),
            "last_reset": datetime.combine(base.astimezone(tz).date(), time(0), tz)
            .astimezone(UTC)
            .isoformat(),
        }
    ]
    hour = start
    while hour < end:
        hour_end = hour + timedelta(hours=1)
        local_day = hour.astimezone(tz).date()
        day_start = datetime.combine(local_day, time(0), tz).astimezone(UTC)
        cumulative = sum(r.oral_mg for r in past if r.at.astimezone(UTC) < hour_end)
        state = sum(r.oral_mg for r in past if day_start <= r.at.astimezone(UTC) < hour_end)
        rows.append(
            {
                "start": hour.isoformat(),
                "state": round(state, 1),
                "sum": round(cumulative - total, 1),
                "last_reset": day_start.isoformat(),
            }
        )
        hour = hour_end
    return rows


async def import_statistics(base: str, token: str, rows: list[dict[str, Any]]) -> None:
    url = base.replace("http", "ws", 1) + "/api/websocket"
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        await ws.receive_json()  # auth_required
        await ws.send_json({"type": "auth", "access_token": token})
        if (await ws.receive_json())["type"] != "auth_ok":
            raise RuntimeError("websocket login refused")
        await ws.send_json(
            {
                "id": 1,
                "type": "recorder/import_statistics",
                "metadata": {
                    "has_sum": True,
                    "mean_type": 0,
                    "name": None,
                    "source": "recorder",
                    "statistic_id": ORAL,
                    "unit_class": "mass",
                    "unit_of_measurement": "mg",
                },
                "stats": rows,
            }
        )
        result = await ws.receive_json()
        if not result.get("success"):
            raise RuntimeError(f"statistics import failed: {result}")


def make_entry(api: Api) -> bool:
    persons = [s for s in api.call("GET", "/api/states") if s["entity_id"].startswith("person.")]
    person = next(
        (s["entity_id"] for s in persons if s["attributes"].get("friendly_name") == NAME),
        persons[0]["entity_id"] if persons else None,
    )
    user_input: dict[str, Any] = {"name": NAME, "daily_limit": 350, "daily_target": 300}
    if person:
        user_input["person"] = person
    try:
        step = api.call("POST", "/api/config/config_entries/flow", {"handler": "magnesium"})
        result = api.call("POST", f"/api/config/config_entries/flow/{step['flow_id']}", user_input)
    except urllib.error.HTTPError as err:
        result = {"type": f"HTTP {err.code}", "body": err.read().decode(errors="replace")}
    if result.get("type") == "create_entry":
        log(f"made the demo magnesium entry ({person or 'no person'})")
        return True
    # the integration may be mid-change: keep Home Assistant running, say why
    log(f"WARNING: no demo magnesium entry: {json.dumps(result)[:500]}")
    return False


def add_product(api: Api) -> None:
    """The product through the subentry flow (Add product), named as the evening's product."""
    [entry] = api.call("GET", "/api/config/config_entries/entry?domain=magnesium")
    step = api.call(
        "POST",
        "/api/config/config_entries/subentries/flow",
        {"handler": [entry["entry_id"], "product"]},
    )
    result = api.call(
        "POST", f"/api/config/config_entries/subentries/flow/{step['flow_id']}", PRODUCT
    )
    if result.get("type") != "create_entry":
        raise RuntimeError(f"no demo product: {json.dumps(result)[:500]}")
    # a new product reloads the entry; the slots' product selects come with it
    select = f"select.{SLUG}_evening_dose_product"
    deadline = clock.monotonic() + 20
    while True:
        try:
            if PRODUCT["name"] in api.call("GET", f"/api/states/{select}")["attributes"]["options"]:
                break
        except urllib.error.HTTPError as err:
            if err.code != 404:
                raise
        if clock.monotonic() > deadline:
            raise RuntimeError(f"{select} did not appear after adding the product")
        clock.sleep(0.2)
    api.action("select", "select_option", entity_id=select, option=PRODUCT["name"])
    api.action(
        "number", "set_value", entity_id=f"number.{SLUG}_morning_dose_amount", value=MORNING_MG
    )
    api.action(
        "number",
        "set_value",
        entity_id=f"number.{SLUG}_evening_dose_amount",
        value=EVENING_CAPSULES * PRODUCT["amount_mg"],
    )


def seed(api: Api) -> None:
    add_product(api)
    config = api.call("GET", "/api/config")
    tz = ZoneInfo(config["time_zone"])
    now = datetime.now(UTC)
    records = demo_week(now, tz)
    for record in records:
        api.action("magnesium", record.service, taken_at=record.at.isoformat(), **record.data)
    api.action("switch", "turn_on", entity_id=f"switch.{SLUG}_epsom_bath_reminder")
    asyncio.run(import_statistics(api.base, api.token or "", hourly_statistics(records, now, tz)))
    log(
        f"demo data: {PRODUCT['name']} for the evening dose, {len(records)} records over the"
        " last 7 days, Epsom bath reminder on"
    )


def main() -> int:
    api = Api(sys.argv[1])
    api.onboard()
    api.login()
    if api.call("GET", "/api/config/config_entries/entry?domain=magnesium"):
        return 0
    if make_entry(api):
        seed(api)
    return 0


if __name__ == "__main__":
    sys.exit(main())
