"""A merchant's notification endpoint for tests and demos: a tiny threaded HTTP server on
127.0.0.1 that records every request (path, headers, exact body bytes) and answers with
scripted status codes (200 once the script runs out).

    python -m simulator.receiver --port 9000 --fail 2     # each notification: 503 twice, then 200

`--fail N` counts per notification (the same path and body: a retry of it), so every
notification shows its own retries; `replies` is a script shared by all requests, for tests.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Server(ThreadingHTTPServer):
    # the stdlib's listen backlog is 5: four workers' webhook senders connecting at once
    # could overflow it, and a dropped connection attempt waits a second to be retried
    request_queue_size = 128


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


class Receiver:
    def __init__(self, port: int = 0, on_request=None, fail_each: int = 0, fail_status: int = 503):
        self.requests: list[Received] = []
        self.replies: list[int] = []          # a script for the next requests, whatever they are
        self.fail_each, self.fail_status = fail_each, fail_status
        self._attempts: dict[tuple[str, str], int] = {}     # (path, body hash) → attempts seen
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver._lock:
                    receiver.requests.append(Received(self.path, dict(self.headers), body))
                    code = receiver.replies.pop(0) if receiver.replies else receiver._code_for(self.path, body)
                if on_request is not None:
                    on_request(receiver.requests[-1], code)
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = _Server(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.01,), daemon=True)

    def _code_for(self, path: str, body: bytes) -> int:
        """`fail_status` for the first `fail_each` attempts of each notification, then 200."""
        key = (path, hashlib.sha256(body).hexdigest())
        self._attempts[key] = seen = self._attempts.get(key, 0) + 1
        return self.fail_status if seen <= self.fail_each else 200

    def __enter__(self) -> "Receiver":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Received]:
        """The first `count` requests, waiting (bounded) until they arrived."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.requests) >= count:
                    return list(self.requests)
            time.sleep(0.005)
        raise AssertionError(f"expected {count} notifications, got {len(self.requests)}")

    def wait_for_matching(self, match, count: int, timeout: float = 5.0) -> list[Received]:
        """The first `count` requests for which `match(received)` is true, waiting (bounded)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                found = [r for r in self.requests if _matches(match, r)]
            if len(found) >= count or time.monotonic() > deadline:
                assert len(found) >= count, f"expected {count} matching notifications, got {len(found)}"
                return found[:count]
            time.sleep(0.005)

    def clear(self) -> None:
        """Forget what was received (a test starting afresh on a shared receiver)."""
        with self._lock:
            self.requests.clear()
            self.replies.clear()
            self._attempts.clear()


def _matches(match, received: Received) -> bool:
    try:
        return bool(match(received))
    except ValueError:          # not JSON, say: not the one
        return False


def eventually(check, timeout: float = 5.0):
    """Poll `check()` until it returns something truthy; bounded."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            assert result, "condition not met in time"
            return result
        time.sleep(0.005)


def main(argv=None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description="A notification receiver that fails, then recovers.")
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--fail", type=int, default=2,
                        help="answer the first N attempts of each notification with --status")
    parser.add_argument("--status", type=int, default=503, help="status of the failing answers")
    args = parser.parse_args(argv)

    def show(received: Received, code: int) -> None:
        print(f"{code} ← POST {received.path} {received.body[:200].decode('utf-8', 'replace')}", flush=True)

    with Receiver(args.port, on_request=show, fail_each=args.fail, fail_status=args.status) as receiver:
        print(f"receiving notifications on {receiver.url}; each one gets {args.status} "
              f"{args.fail} time(s), then 200", flush=True)
        try:
            receiver._thread.join()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
