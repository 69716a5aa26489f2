"""What scenario and fault input may ask for, and how a value is quoted back in an error.

Scenarios and faults come from files and from anyone who can reach `/_sim`, so their
validation is bounded: how many orders in all, how big a file, how long an injected delay
or hang, which files a scenario *name* may open. `Limits` carries those bounds (built from
`Settings`) into validation, which has no other way to see the settings.

`shown(value)` quotes a value in a problem message: a bounded repr of at most a short
prefix, so a huge or deeply nested value never makes a huge (or slow) answer.
"""

from __future__ import annotations

import reprlib
from dataclasses import dataclass
from typing import Any, Iterable

SHOWN_CHARS = 60


@dataclass(frozen=True)
class Limits:
    max_orders: int = 1_000_000           # orders of one scenario, explicit and generated together
    max_scenario_bytes: int = 1024 * 1024  # a scenario file (a request body has max_body_bytes)
    fault_delay_cap: float = 60.0         # seconds an injected delay may last
    fault_hang_cap: float = 60.0          # seconds an injected hang may hold a connection
    scenario_dir: str | None = None       # where `POST /_sim/scenario {"name"}` may read files

    @classmethod
    def from_settings(cls, settings) -> "Limits":
        return cls(max_orders=settings.max_orders, max_scenario_bytes=settings.max_scenario_bytes,
                   fault_delay_cap=settings.fault_delay_cap, fault_hang_cap=settings.fault_hang_cap,
                   scenario_dir=settings.scenario_dir)


DEFAULT_LIMITS = Limits()

_repr = reprlib.Repr()
_repr.maxlevel, _repr.maxlist, _repr.maxtuple, _repr.maxdict, _repr.maxset = 2, 4, 4, 4, 4
_repr.maxstring, _repr.maxother, _repr.maxlong = SHOWN_CHARS, SHOWN_CHARS, SHOWN_CHARS


def key_shown(key) -> str:
    """A mapping key as it appears in a problem's path: itself when short, else bounded."""
    return key if isinstance(key, str) and len(key) <= 40 and key.isprintable() else shown(key)


def shown(value) -> str:
    """repr(value), bounded: at most ~SHOWN_CHARS characters, never built in full."""
    text = _repr.repr(value)
    return text if len(text) <= SHOWN_CHARS + 5 else text[:SHOWN_CHARS] + "…"


def children(value: Any) -> Iterable[Any]:
    """The keys and values of a mapping, the items of a list, nothing for anything else."""
    if isinstance(value, dict):
        return (*value.keys(), *value.values())
    return value if isinstance(value, list) else ()


def nesting_depth(value: Any) -> int:
    """How deep mappings and lists nest in a parsed JSON/YAML value, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in children(item))
    return deepest
