"""What a provider supplies to the core. One instance per provider, built in its package.

The core never names a provider: it mounts `blueprint` at the root and under `/<name>`,
seeds orders through `prepare_order`, drives `lifecycle` through the engine, asks
`error_response` for the provider's own shape of a generic HTTP error (unknown path,
wrong method, body too large, injected 5xx), and asks `notifier` (when it has one) for the
notification a status change sends to the merchant (and, with `notify_on_create`, the one a
create call sends). `payer` says what its payer pages show and which buttons they have.
`openapi`, when given, builds the OpenAPI 3.1 document of its emulated endpoints (served
at `/_sim/openapi/<name>.json`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Callable, Mapping

from flask import Blueprint, Response

from ..ids import Randomness
from ..notification import Notifier
from ..orders import Lifecycle
from ..payer import PayerSpec


def no_order_fields(spec: Mapping[str, Any], rand: Randomness) -> dict:
    return {}


@dataclass(frozen=True)
class Provider:
    name: str
    title: str
    lifecycle: Lifecycle
    initial_status: str                       # status of a new order when none is given
    blueprint: Blueprint                      # the provider's real paths
    path_prefixes: tuple[str, ...]            # root paths it owns (for errors outside a view)
    error_response: Callable[[int, str], Response]  # (HTTP status, message) → its error shape
    credential_keys: tuple[str, ...]          # what a scenario merchant must carry
    # journal/fault `endpoint` names its views annotate (a fault's `endpoint:` must be one)
    endpoints: tuple[str, ...] = ()
    optional_credentials: tuple[str, ...] = ()     # credential keys a merchant may also carry
    features: Mapping[str, str] = field(default_factory=dict)   # merchant feature → what it does
    channels: tuple[str, ...] | None = None   # allowed `channel` values (None: any)
    default_currency: str = "IDR"
    default_expires_in: timedelta | None = None
    order_fields: tuple[str, ...] = ()        # extra scenario order keys it understands
    # spec (validated scenario order) → {transaction_id?, channel?, bank?, extra?}
    prepare_order: Callable[[Mapping[str, Any], Randomness], dict] = no_order_fields
    secret_headers: frozenset[str] = frozenset()   # lower-case header names never journaled
    secret_credentials: tuple[str, ...] = ()       # credential keys that are secrets (masked)
    events_doc: Mapping[str, str] = field(default_factory=dict)
    notifier: Notifier | None = None               # its webhooks; None: sends none
    notify_on_create: bool = False                 # a create call notifies the new status
    payer: PayerSpec | None = None                 # its payer pages; None: it has none
    openapi: Callable[[], dict] | None = None      # its OpenAPI document; None: undocumented
