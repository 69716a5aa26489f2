"""The `/_sim` control API (tests, the pytest plugin and later the dashboard drive it)."""

from . import faults_api, index, tenants_api  # noqa: F401  (register /_sim/faults, /_sim, /_sim/tenants)
from .api import control_api
from .webhooks import webhooks_api

__all__ = ["control_api", "webhooks_api"]
