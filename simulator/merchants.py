"""Merchants of a scenario: who may call which provider with which credentials.

Auth is on the hot path, so lookups by credential are dictionary hits built once per
scenario load.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping


@dataclass(frozen=True)
class Merchant:
    provider: str
    id: str
    credentials: Mapping[str, str]
    features: Mapping[str, Any] = field(default_factory=dict)
    notification_url: str | None = None
    name: str | None = None

    def feature(self, name: str, default: Any = False) -> Any:
        return self.features.get(name, default)

    def to_dict(self) -> dict:
        return {"provider": self.provider, "id": self.id, "name": self.name,
                "credentials": dict(self.credentials), "features": dict(self.features),
                "notification_url": self.notification_url}


class MerchantDirectory:
    def __init__(self, merchants: Iterable[Merchant] = ()):
        self._all = tuple(merchants)
        self._by_id = {(m.provider, m.id): m for m in self._all}
        self._by_credential: dict[tuple[str, str, str], Merchant] = {}
        for m in self._all:
            for key, value in m.credentials.items():
                self._by_credential.setdefault((m.provider, key, str(value)), m)

    def __iter__(self):
        return iter(self._all)

    def for_provider(self, provider: str) -> list[Merchant]:
        return [m for m in self._all if m.provider == provider]

    def get(self, provider: str, merchant_id: str) -> Merchant | None:
        return self._by_id.get((provider, merchant_id))

    def by_credential(self, provider: str, key: str, value: str) -> Merchant | None:
        """The merchant of `provider` whose credential `key` equals `value`."""
        return self._by_credential.get((provider, key, value))
