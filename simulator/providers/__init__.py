"""The provider registry: name → Provider. A new provider is one folder and one line here."""

from .base import Provider
from .finpay import PROVIDER as FINPAY
from .midtrans import PROVIDER as MIDTRANS
from .pivot import PROVIDER as PIVOT

PROVIDERS: dict[str, Provider] = {p.name: p for p in (
    MIDTRANS,
    FINPAY,
    PIVOT,
)}

__all__ = ["PROVIDERS", "Provider"]
