"""OpenAPI 3.1 documents of the simulator: the control API's (`control.py`) and, through
each Provider's optional `openapi` field, every provider's emulated endpoints.

`fragments.py` holds the small builders every document shares; `serving.py` is the one
blueprint that serves them under `/_sim/openapi…`. Documents are plain data built on
demand, so a test can validate real responses against the same dict the server sends.
"""

from .serving import openapi_api

__all__ = ["openapi_api"]
