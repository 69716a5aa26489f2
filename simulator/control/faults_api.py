"""`/_sim/faults`: list, add, clear and remove injected faults at run time.

A posted fault is the same mapping as an entry of a scenario's `faults:` list, validated
the same way (a 400 names the field). Faults added here last until the next reset or
scenario load, which bring back the scenario's own faults with fresh counters.
"""

from __future__ import annotations

from .. import scenarios
from ..faults import parse_fault
from ..wire import json_response, sandbox
from .api import ControlError, control_api, json_object


@control_api.get("/faults")
def list_faults():
    faults = sandbox().faults.listing()
    return json_response({"count": len(faults), "faults": faults})


@control_api.post("/faults")
def add_fault():
    box = sandbox()
    problems = scenarios.Problems("request")
    fault = parse_fault(json_object(), box.providers, problems, "", default_id=box.faults.next_id(),
                        limits=box.limits)
    if fault is None:
        raise ControlError.from_problems(problems)
    try:
        box.faults.add(fault)
    except KeyError:
        raise ControlError(f"id: {fault.id!r} is already the id of a fault", 409, field="id") from None
    return json_response(box.faults.describe(fault.id), 201)


@control_api.delete("/faults")
def clear_faults():
    return json_response({"status": "ok", "cleared": sandbox().faults.clear()})


@control_api.delete("/faults/<fault_id>")
def remove_fault(fault_id: str):
    if not sandbox().faults.remove(fault_id):
        raise ControlError(f"no fault {fault_id!r}", 404)
    return json_response({"status": "ok", "removed": fault_id})
