"""Scenario files: load YAML, validate it with errors that name the file, the key path and
what was expected, and turn it into merchants and orders.

    scenarios/x.yaml: orders[3].status: 'PAYED' is not a doku status; expected one of ...

`build_orders` makes the same orders for the same seed every time (`generate:` draws
amounts, channels, statuses and faker customer data from the scenario seed). The control
API's "create order" goes through `build_order`, so its 400s read the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

import yaml

from .clock import parse_duration, parse_instant
from .faults import Fault, parse_faults
from .ids import Randomness
from .limits import DEFAULT_LIMITS, Limits, key_shown, nesting_depth, shown
from .merchants import Merchant, MerchantDirectory
from .orders import Order, Transition
from .suggest import did_you_mean

# inside the package, so that any install (wheel, editable, container) run from any
# directory finds them: `--scenario expired-orders`, the pytest plugin's default
BUNDLED_DIR = Path(__file__).resolve().parent / "bundled_scenarios"
MAX_AMOUNT = 10 ** 15          # no provider takes more (Midtrans: 13 digits; Finpay 14)
WHOLE, CENTS = Decimal(1), Decimal("0.01")
MAX_DEPTH = 64                 # no scenario nests deeper than ~6; YAML's composer recurses
SCENARIO_KEYS = ("name", "description", "seed", "clock", "merchants", "orders", "faults")
INFORMATION_KEYS = ("source", "bundled")   # in GET /_sim/scenario's answer; ignored when loaded
CLOCK_KEYS = ("start", "frozen")
MERCHANT_KEYS = ("provider", "id", "name", "credentials", "features", "notification_url")
GENERATE_KEYS = ("provider", "merchant", "count", "statuses", "channels", "amount", "currency",
                 "expires_in")
ORDER_KEYS = ("provider", "merchant", "order_id", "transaction_id", "amount", "currency",
              "channel", "bank", "status", "expires_in", "expires_at", "extra")


class ScenarioError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    seed: int | str
    clock_start: datetime | None
    clock_frozen: bool
    merchants: MerchantDirectory
    orders: tuple[Mapping[str, Any], ...]
    faults: tuple[Fault, ...]
    source: str
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False)


class Problems:
    """Collects problems as `source: path: message` lines."""

    def __init__(self, source: str):
        self.source, self.items = source, []

    def add(self, path: str, message: str) -> None:
        self.items.append(f"{self.source}: {path}: {message}" if path else f"{self.source}: {message}")

    def unknown_keys(self, item: Iterable, allowed, where: str, what: str = "") -> None:
        """One problem per key of `item` not in `allowed`, with the closest allowed key:
        a typo (`notifcation_url`) must never be silently ignored."""
        prefix = f"{where}." if where else ""
        for key in item:
            if key not in allowed:
                self.add(f"{prefix}{key_shown(key)}", f"unknown key{what}; expected one of "
                         f"{', '.join(sorted(allowed))}{did_you_mean(key, allowed)}")

    def raise_if_any(self) -> None:
        if self.items:
            raise ScenarioError(self.items)


# ---------------------------------------------------------------------------------------
# Loading

def bundled_names() -> list[str]:
    return sorted(p.stem for p in BUNDLED_DIR.glob("*.yaml"))


def resolve(name_or_path: str) -> Path:
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return path
    return BUNDLED_DIR / f"{name_or_path}.yaml"


def read_file(path: Path, limits: Limits, shown_as: str) -> str:
    """A scenario file's text: a regular file (never a device or a FIFO), at most
    `limits.max_scenario_bytes` read, UTF-8."""
    try:
        if not path.is_file():
            raise ScenarioError([f"{shown_as}: no such scenario file or bundled scenario; "
                                 f"bundled: {', '.join(bundled_names())}"])
        with path.open("rb") as file:
            data = file.read(limits.max_scenario_bytes + 1)
    except OSError as exc:
        raise ScenarioError([f"{shown_as}: cannot read: {exc.strerror or exc}"]) from None
    if len(data) > limits.max_scenario_bytes:
        raise ScenarioError([f"{shown_as}: larger than {limits.max_scenario_bytes} bytes "
                             "(SIM_MAX_SCENARIO_BYTES)"])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError([f"{shown_as}: not UTF-8 text"]) from None


def load(name_or_path: str, providers: Mapping[str, Any], limits: Limits = DEFAULT_LIMITS) -> Scenario:
    """The operator's scenario (CLI, pytest marker): a bundled name or any regular file."""
    path = resolve(name_or_path)
    return parse(read_file(path, limits, name_or_path if not path.exists() else str(path)),
                 str(path), providers, limits)


def load_named(name: Any, providers: Mapping[str, Any], limits: Limits) -> Scenario:
    """A scenario asked for by name over `/_sim`: a bundled one, or a .yaml/.yml file under
    `limits.scenario_dir`. Nothing else is opened — no absolute path, no `..`, no symlink
    out of the directory, no device — and every refusal reads the same, whether or not such
    a file exists."""
    refused = ScenarioError([f"request: name: {shown(name)} is not a bundled scenario or a .yaml "
                             f"file in the scenario directory; bundled: {', '.join(bundled_names())}"])
    if not isinstance(name, str) or not name or len(name) > 255 or "\0" in name:
        raise refused
    if name in bundled_names():
        return load(name, providers, limits)
    if limits.scenario_dir is None or name.startswith(("/", "\\")) or ".." in Path(name).parts:
        raise refused
    base = Path(limits.scenario_dir).resolve()
    candidates = [name] if name.endswith((".yaml", ".yml")) else [f"{name}.yaml", f"{name}.yml"]
    for candidate in candidates:
        path = (base / candidate).resolve()
        if path.is_relative_to(base) and path.is_file():
            return parse(read_file(path, limits, f"name: {shown(name)}"), str(path), providers, limits)
    raise refused


class _NoAliases(yaml.SafeLoader):
    """YAML without aliases: `*name` would let 400 bytes expand into hundreds of megabytes."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, _ALIASES, mark)
        return super().compose_node(parent, index)


_ALIASES = "aliases (*name) are not allowed in a scenario; write the value out"
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)    # libyaml, when PyYAML was built with it


def _load_yaml(text: str):
    """The document's data, aliases refused (`_NoAliases`). With libyaml: one pass over its
    events first (nothing composed, nothing recursed: aliases and nesting past MAX_DEPTH
    stop there), then libyaml's loader — the default scenario in ~15 ms instead of ~185 ms
    with the pure-Python one."""
    if _FAST_LOADER is None:
        return yaml.load(text, Loader=_NoAliases)
    depth = 0
    for event in yaml.parse(text, Loader=_FAST_LOADER):
        if isinstance(event, yaml.AliasEvent):
            raise yaml.composer.ComposerError(None, None, _ALIASES, event.start_mark)
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise RecursionError
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return yaml.load(text, Loader=_FAST_LOADER)


def parse(text: str, source: str, providers: Mapping[str, Any], limits: Limits = DEFAULT_LIMITS) -> Scenario:
    try:
        data = _load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1} column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError([f"{source}: {where}not valid YAML: {problem[:200]}"]) from None
    except RecursionError:
        raise ScenarioError([f"{source}: nests deeper than {MAX_DEPTH} levels"]) from None
    return from_mapping(data, source, providers, limits)


def from_mapping(data: Any, source: str, providers: Mapping[str, Any],
                 limits: Limits = DEFAULT_LIMITS) -> Scenario:
    problems = Problems(source)
    if nesting_depth(data) > MAX_DEPTH:
        problems.add("", f"nests deeper than {MAX_DEPTH} levels")
        problems.raise_if_any()
    if not isinstance(data, dict):
        problems.add("", f"expected a mapping with name, merchants, orders…; got {type(data).__name__}")
        problems.raise_if_any()

    problems.unknown_keys([k for k in data if k not in INFORMATION_KEYS], SCENARIO_KEYS, "")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.add("name", "required; expected a non-empty string")
    description = data.get("description", "")
    if not isinstance(description, str):
        problems.add("description", "expected a string")
    seed = data.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, (int, str)):
        problems.add("seed", f"{shown(seed)} is not a seed; expected an integer or a string")
        seed = 0

    clock_start, clock_frozen = _clock(data.get("clock"), problems)
    merchants = _merchants(data.get("merchants"), providers, problems)
    orders = _orders(data.get("orders"), providers, merchants, problems, limits)
    faults = parse_faults(data.get("faults"), providers, problems, limits=limits)
    problems.raise_if_any()
    return Scenario(name=name, description=description, seed=seed, clock_start=clock_start,
                    clock_frozen=clock_frozen, merchants=merchants, orders=tuple(orders),
                    faults=tuple(faults), source=source, raw=data)


def _clock(clock: Any, problems: Problems) -> tuple[datetime | None, bool]:
    if clock is None:
        return None, False
    if not isinstance(clock, dict):
        problems.add("clock", "expected a mapping like {start: '2026-01-15T10:00:00+07:00', frozen: true}")
        return None, False
    problems.unknown_keys(clock, CLOCK_KEYS, "clock")
    start = None
    if "start" in clock:
        raw = clock["start"]
        if isinstance(raw, datetime):  # YAML may already parse timestamps
            raw = raw.isoformat()
        try:
            start = parse_instant(raw)
        except ValueError as exc:
            problems.add("clock.start", str(exc))
    frozen = clock.get("frozen", False)
    if not isinstance(frozen, bool):
        problems.add("clock.frozen", f"{shown(frozen)} is not true or false")
        frozen = False
    return start, frozen


def _merchants(items: Any, providers: Mapping[str, Any], problems: Problems) -> MerchantDirectory:
    if items is None:
        items = []
    if not isinstance(items, list):
        problems.add("merchants", "expected a list of merchants")
        return MerchantDirectory()
    merchants, seen = [], set()
    for i, item in enumerate(items):
        where = f"merchants[{i}]"
        if not isinstance(item, dict):
            problems.add(where, "expected a mapping with provider, id, credentials")
            continue
        problems.unknown_keys(item, MERCHANT_KEYS, where)
        provider = _provider(item.get("provider"), providers, f"{where}.provider", problems)
        merchant_id = item.get("id")
        if not isinstance(merchant_id, (str, int)) or isinstance(merchant_id, bool) or str(merchant_id) == "":
            problems.add(f"{where}.id", "required; expected a string")
            continue
        merchant_id = str(merchant_id)
        if provider and (provider.name, merchant_id) in seen:
            problems.add(f"{where}.id", f"{shown(merchant_id)} is already a {provider.name} merchant")
        credentials = item.get("credentials")
        if not isinstance(credentials, dict):
            problems.add(f"{where}.credentials", "required; expected a mapping")
            credentials = {}
        if provider:
            problems.unknown_keys(credentials, provider.credential_keys + provider.optional_credentials,
                                  f"{where}.credentials", f" for a {provider.name} merchant")
            for key in provider.credential_keys:
                value = credentials.get(key)
                if not isinstance(value, (str, int)) or isinstance(value, bool) or str(value) == "":
                    problems.add(f"{where}.credentials.{key}",
                                 f"required for {provider.name}; expected a string")
        features = item.get("features") or {}
        if not isinstance(features, dict):
            problems.add(f"{where}.features", "expected a mapping of feature flags")
            features = {}
        elif provider:
            problems.unknown_keys(features, tuple(provider.features), f"{where}.features",
                                  f" for a {provider.name} merchant")
        url = item.get("notification_url")
        if url is not None and not (isinstance(url, str) and url.startswith(("http://", "https://"))):
            problems.add(f"{where}.notification_url", f"{shown(url)} is not an http(s) URL")
        if provider:
            seen.add((provider.name, merchant_id))
            merchants.append(Merchant(provider.name, merchant_id,
                                      {k: str(v) for k, v in credentials.items()},
                                      features, url, item.get("name")))
    return MerchantDirectory(merchants)


def _provider(value: Any, providers: Mapping[str, Any], where: str, problems: Problems):
    if isinstance(value, str) and value in providers:   # a list or a mapping is not hashable
        return providers[value]
    problems.add(where, f"{shown(value)} is not a provider; expected one of {', '.join(sorted(providers))}")
    return None


def _orders(items: Any, providers, merchants: MerchantDirectory, problems: Problems,
            limits: Limits) -> list:
    if items is None:
        return []
    if not isinstance(items, list):
        problems.add("orders", "expected a list of orders or generate: blocks")
        return []
    if len(items) > limits.max_orders:
        problems.add("orders", f"{len(items)} entries; at most {limits.max_orders} orders in all "
                     "(SIM_MAX_ORDERS)")
        return []
    specs, explicit = [], {}
    for i, item in enumerate(items):
        where = f"orders[{i}]"
        if isinstance(item, dict) and "generate" in item:
            spec = _generate_spec(item["generate"], f"{where}.generate", providers, merchants,
                                  problems, limits)
        else:
            spec = check_order(item, where, providers, merchants, problems)
            if spec is not None and spec.get("order_id"):
                key = (spec["provider"], spec["merchant"], spec["order_id"])
                if key in explicit:
                    problems.add(f"{where}.order_id", f"{shown(spec['order_id'])} is already the id of "
                                 f"{explicit[key]} (same provider and merchant)")
                explicit.setdefault(key, where)
        if spec is not None:
            specs.append(spec)
    total = sum(spec.get("count", 1) for spec in specs)
    if total > limits.max_orders:
        problems.add("orders", f"{total} orders in all; at most {limits.max_orders} (SIM_MAX_ORDERS)")
    return specs


def check_order(item: Any, where: str, providers, merchants: MerchantDirectory,
                problems: Problems) -> dict | None:
    """Validate one explicit order; returns it normalised (status spelled canonically,
    amount a Decimal, merchant filled in) or None after adding problems."""
    if not isinstance(item, dict):
        problems.add(where, "expected a mapping with provider, amount, status…")
        return None
    where = f"{where}." if where else ""
    count = len(problems.items)
    provider = _provider(item.get("provider"), providers, f"{where}provider", problems)
    if provider is None:
        return None
    problems.unknown_keys(item, ORDER_KEYS + tuple(provider.order_fields), where.rstrip("."),
                          f" for a {provider.name} order")
    spec = dict(item)
    spec["merchant"] = _merchant_of(item, provider, merchants, f"{where}merchant", problems)
    for key in ("order_id", "transaction_id"):
        if key in item:
            value = item[key]
            if isinstance(value, bool) or not isinstance(value, (str, int)) or str(value) == "":
                problems.add(f"{where}{key}", f"{shown(value)} is not an id; expected a string")
            else:
                spec[key] = str(value)
    spec["amount"] = _amount(item.get("amount"), f"{where}amount", problems)
    for key in ("currency", "bank"):
        if key in item and not isinstance(item[key], str):
            problems.add(f"{where}{key}", f"{shown(item[key])} is not a string")
    if "channel" in item:
        spec["channel"] = _one_of(item["channel"], provider.channels, f"{where}channel",
                                  f"{provider.name} channel", problems)
    if "status" in item:
        spec["status"] = _one_of(item["status"], provider.lifecycle.statuses,
                                 f"{where}status", f"{provider.name} status", problems)
    if "expires_in" in item:
        try:
            spec["expires_in"] = parse_duration(item["expires_in"])
        except ValueError as exc:
            problems.add(f"{where}expires_in", str(exc))
    if "expires_at" in item:
        raw = item["expires_at"]
        try:
            spec["expires_at"] = parse_instant(raw.isoformat() if isinstance(raw, datetime) else raw)
        except ValueError as exc:
            problems.add(f"{where}expires_at", str(exc))
    if "extra" in item and not isinstance(item["extra"], dict):
        problems.add(f"{where}extra", "expected a mapping")
    return spec if len(problems.items) == count else None


def _merchant_of(item, provider, merchants: MerchantDirectory, where, problems) -> str | None:
    """`where` is the path of the merchant key itself."""
    own = merchants.for_provider(provider.name)
    if "merchant" in item:
        merchant = str(item["merchant"])
        if merchants.get(provider.name, merchant) is None:
            problems.add(where, f"{shown(merchant)} is not a {provider.name} merchant of "
                         f"this scenario; expected one of {', '.join(m.id for m in own) or '(none)'}")
        return merchant
    if len(own) == 1:
        return own[0].id
    problems.add(where, f"required: this scenario has {len(own)} {provider.name} "
                 f"merchants ({', '.join(m.id for m in own) or 'none'})")
    return None


def _amount(value: Any, where: str, problems: Problems) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        problems.add(where, f"{shown(value)} is not an amount; expected a positive number")
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        problems.add(where, f"{shown(value)} is not an amount; expected a positive number")
        return None
    if not amount.is_finite() or amount <= 0 or amount.as_tuple().exponent < -2:
        problems.add(where, f"{shown(value)} is not an amount; expected a positive number "
                     "with at most two decimals")
        return None
    if amount > MAX_AMOUNT:
        # 1e999999999 is a valid number; formatted as a provider's amount it is a gigabyte
        problems.add(where, f"{shown(value)} is larger than the largest amount, {MAX_AMOUNT:,}")
        return None
    return amount.quantize(WHOLE if amount == amount.to_integral_value() else CENTS)


def _one_of(value: Any, allowed: tuple[str, ...] | None, where: str, what: str, problems) -> Any:
    """Canonical spelling of `value` among `allowed` (matched case-insensitively)."""
    if allowed is None:
        if not isinstance(value, str):
            problems.add(where, f"{shown(value)} is not a string")
        return value
    by_fold = {a.casefold(): a for a in allowed}
    if isinstance(value, str) and value.casefold() in by_fold:
        return by_fold[value.casefold()]
    problems.add(where, f"{shown(value)} is not a {what}; expected one of {', '.join(allowed)}"
                 f"{did_you_mean(value.upper() if isinstance(value, str) and allowed[0].isupper() else value, allowed)}")
    return value


def _generate_spec(block: Any, where: str, providers, merchants, problems, limits: Limits) -> dict | None:
    if not isinstance(block, dict):
        problems.add(where, "expected a mapping like {provider: doku, count: 50}")
        return None
    count_before = len(problems.items)
    provider = _provider(block.get("provider"), providers, f"{where}.provider", problems)
    if provider is None:
        return None
    problems.unknown_keys(block, GENERATE_KEYS, where)
    count = block.get("count")
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= limits.max_orders:
        problems.add(f"{where}.count", f"{shown(count)} is not a count; expected 1..{limits.max_orders} "
                     "(SIM_MAX_ORDERS)")
    spec = {"generate": True, "provider": provider.name, "count": count,
            "merchant": _merchant_of(block, provider, merchants, f"{where}.merchant", problems),
            "statuses": _weights(block.get("statuses"), provider.lifecycle.statuses,
                                 provider.initial_status, f"{where}.statuses",
                                 f"{provider.name} status", problems),
            "channels": _weights(block.get("channels"), provider.channels, None,
                                 f"{where}.channels", f"{provider.name} channel", problems)}
    amount = block.get("amount", {"min": 10000, "max": 1000000})
    if isinstance(amount, dict):
        problems.unknown_keys(amount, ("min", "max"), f"{where}.amount")
        low = _amount(amount.get("min"), f"{where}.amount.min", problems)
        high = _amount(amount.get("max"), f"{where}.amount.max", problems)
        if low is not None and high is not None and low > high:
            problems.add(f"{where}.amount", "min is greater than max")
        spec["amount"] = (low, high)
    else:
        fixed = _amount(amount, f"{where}.amount", problems)
        spec["amount"] = (fixed, fixed)
    if "currency" in block:
        spec["currency"] = block["currency"]
    if "expires_in" in block:
        try:
            spec["expires_in"] = parse_duration(block["expires_in"])
        except ValueError as exc:
            problems.add(f"{where}.expires_in", str(exc))
    return spec if len(problems.items) == count_before else None


def _weights(value, allowed, default, where, what, problems) -> dict[str, float] | None:
    if value is None:
        return {default: 1.0} if default else None
    if isinstance(value, list):
        value = {v: 1.0 for v in value}
    if not isinstance(value, dict) or not value:
        problems.add(where, "expected a mapping of value → weight, or a list of values")
        return None
    weights = {}
    for key, weight in value.items():
        canonical = _one_of(key, allowed, f"{where}.{key_shown(key)}", what, problems)
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight < 0:
            problems.add(f"{where}.{key_shown(key)}", f"{shown(weight)} is not a weight; expected a number ≥ 0")
            continue
        weights[canonical] = float(weight)
    if weights and sum(weights.values()) <= 0:
        problems.add(where, "weights add up to zero")
    return weights


# ---------------------------------------------------------------------------------------
# Building orders

def build_orders(scenario: Scenario, providers, now: datetime, rand: Randomness) -> Iterator[Order]:
    """The scenario's orders, one at a time (a million-order scenario is never a list)."""
    for spec in scenario.orders:
        if spec.get("generate"):
            yield from _generated(spec, providers[spec["provider"]], now, rand)
        else:
            yield build_order(spec, providers[spec["provider"]], now, rand)


def _generated(spec: Mapping, provider, now: datetime, rand: Randomness) -> Iterator[Order]:
    """`build_order` of each generated order, with what is the same for the whole block (its
    expiry, currency, each status's create step) worked out once: a million-order scenario
    builds a million of these at start-up. The draws, and so the orders, are build_order's."""
    low, high = spec["amount"]
    whole = low == low.to_integral_value() and high == high.to_integral_value()
    statuses, channels = spec["statuses"], spec.get("channels")
    currency = spec.get("currency") or provider.default_currency
    expires_at = _expires_at(spec, provider, now)
    created = {status: (Transition(now, "create", None, status, "scenario"),) for status in statuses}
    name_of, merchant, prepare = provider.name, spec["merchant"], provider.prepare_order
    for index in range(1, spec["count"] + 1):
        if whole:
            amount = Decimal(rand.randint(int(low), int(high)))
        else:
            amount = Decimal(rand.randint(int(low * 100), int(high * 100))) / 100
        name, email = rand.customer()
        # the index keeps ids unique in the block (40 random bits alone collide once in two
        # million-order scenarios)
        order_id = f"GEN-{rand.hex(8).upper()}-{index}"
        status = rand.weighted(statuses)
        channel = rand.weighted(channels) if channels else None
        fields = prepare({"status": status, "channel": channel} if channels else {"status": status}, rand)
        yield Order(
            provider=name_of, merchant=merchant, order_id=order_id,
            transaction_id=fields.get("transaction_id") or rand.uuid4(),
            amount=amount, currency=currency, channel=channel or fields.get("channel"),
            bank=fields.get("bank"), status=status, created_at=now, expires_at=expires_at,
            history=created[status],
            extra={**fields.get("extra", {}), "customer": {"name": name, "email": email}})


def _expires_at(spec: Mapping[str, Any], provider, now: datetime) -> datetime | None:
    """The spec's `expires_at`, else `now` + its `expires_in` (or the provider's default)."""
    if spec.get("expires_at") is not None:
        return spec["expires_at"]
    expires_in = spec.get("expires_in", provider.default_expires_in)
    return now + expires_in if expires_in is not None else None


def build_order(spec: Mapping[str, Any], provider, now: datetime, rand: Randomness,
                source: str = "scenario", prepare: bool = True) -> Order:
    """A validated order spec → a new Order with provider defaults filled in; `source` is
    who made it (the history's first transition): the scenario, `control` (/_sim) or `api`
    (the provider's own create call). `prepare=False` skips the provider's invented wire
    fields (a create call supplies its own)."""
    fields = provider.prepare_order(spec, rand) if prepare else {}
    status = spec.get("status") or provider.initial_status
    expires_at = _expires_at(spec, provider, now)
    extra = {k: v for k, v in spec.items() if k in provider.order_fields}
    extra.update(fields.get("extra", {}))
    extra.update(spec.get("extra") or {})
    return Order(
        provider=provider.name, merchant=spec["merchant"],
        order_id=spec.get("order_id") or f"SIM-{rand.hex(12).upper()}",
        transaction_id=spec.get("transaction_id") or fields.get("transaction_id") or rand.uuid4(),
        amount=spec["amount"], currency=spec.get("currency") or provider.default_currency,
        channel=spec.get("channel") or fields.get("channel"),
        bank=spec.get("bank") or fields.get("bank"),
        status=status, created_at=now, expires_at=expires_at,
        history=(Transition(now, "create", None, status, source),),
        extra=extra)
