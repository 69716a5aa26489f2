"""The `/_sim` control API (tests, the pytest plugin and later the dashboard drive it)."""

from .api import control_api
from .webhooks import webhooks_api

__all__ = ["control_api", "webhooks_api"]
