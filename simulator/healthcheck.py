"""`python -m simulator.healthcheck`: exit 0 when the simulator on this host answers
`/_sim/health`, else 1 — the container's HEALTHCHECK (no curl in a slim image).

It asks `http://127.0.0.1:$SIM_PORT/_sim/health` (SIM_PORT defaults to 8080, as the server's
own setting does); `/_sim/health` needs no admin token.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.request


def main() -> int:
    port = os.environ.get("SIM_PORT", "8080")
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_sim/health", timeout=3) as answer:
            healthy = answer.status == 200 and json.load(answer).get("status") == "ok"
    except (OSError, ValueError):
        healthy = False
    print("healthy" if healthy else f"no healthy simulator on 127.0.0.1:{port}")
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
