"""A loaded scenario as the run state keeps it: one JSON document that every process of the
run reads back into the same `Scenario` (merchants, clock, seed, faults).

The orders are not in it: they live in the store as orders (and as the reset snapshot).
`raw` keeps the scenario as it was written, for readers who want to see or edit it.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Mapping

from .limits import Limits
from .scenarios import Scenario, ScenarioError, from_mapping

UNLIMITED = Limits(max_orders=2 ** 62, fault_delay_cap=float("inf"), fault_hang_cap=float("inf"))


def _plain(value: Any):
    """JSON for what YAML and validation may hold: datetimes, dates, decimals, durations."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, timedelta):
        return f"{value.total_seconds()}s"
    return str(value)


def fault_specs(scenario: Scenario) -> list[dict]:
    """Each fault as written, with its id (as the run state keeps it)."""
    return [{**fault.spec, "id": fault.id} for fault in scenario.faults]


def write(scenario: Scenario) -> str:
    return json.dumps({
        "name": scenario.name, "description": scenario.description, "seed": scenario.seed,
        "clock": {"start": scenario.clock_start.isoformat() if scenario.clock_start else None,
                  "frozen": scenario.clock_frozen},
        "merchants": [m.to_dict() for m in scenario.merchants],
        "faults": fault_specs(scenario),
        "source": scenario.source, "raw": scenario.raw,
    }, default=_plain, ensure_ascii=False)


def with_orders(scenario: Scenario, providers: Mapping[str, Any]) -> Scenario:
    """`scenario` read back from its document has no orders (the store holds them); this is
    it with its order specs again, validated from `raw` as written."""
    orders = from_mapping(scenario.raw, scenario.source, providers, UNLIMITED).orders
    return Scenario(**{**scenario.__dict__, "orders": orders})


def read(text: str, providers: Mapping[str, Any]) -> Scenario:
    """The scenario back from its document (validated again, without the input limits:
    it was checked against them when it was loaded)."""
    doc = json.loads(text)
    clock = {k: v for k, v in doc["clock"].items() if v is not None}
    mapping = {"name": doc["name"], "description": doc["description"], "seed": doc["seed"],
               "clock": clock, "merchants": [{k: v for k, v in m.items() if v is not None}
                                             for m in doc["merchants"]],
               "faults": doc["faults"]}
    try:
        scenario = from_mapping(mapping, doc["source"], providers, UNLIMITED)
    except ScenarioError as exc:   # written by this code from a valid scenario: cannot happen
        raise RuntimeError(f"the run's scenario no longer validates: {exc}") from None
    return Scenario(**{**scenario.__dict__, "raw": doc["raw"]})
