"""The provider registry: name → Provider. A new provider is one folder and one line here."""

from importlib import import_module

from .base import Provider

# Each name is a package beside this file that exposes `PROVIDER`.
_NAMES = (
    "midtrans",
    "doku",
    "finpay",
    "kwikpaisa",
    "pivot",
)

PROVIDERS: dict[str, Provider] = {name: import_module(f".{name}", __name__).PROVIDER for name in _NAMES}

__all__ = ["PROVIDERS", "Provider"]
