"""The provider registry: name → Provider. A new provider is one folder and one line here."""

from .base import Provider
from .kwikpaisa import PROVIDER as KWIKPAISA
from .midtrans import PROVIDER as MIDTRANS

PROVIDERS: dict[str, Provider] = {p.name: p for p in (
    MIDTRANS,
    KWIKPAISA,
)}

__all__ = ["PROVIDERS", "Provider"]
