"""Who may use `/_sim` once the simulator leaves loopback.

`/_sim` hands out every merchant's test credentials and can rewrite the whole run, so with
`SIM_ADMIN_TOKEN` set, it — the control API, the dashboard, tenant creation, every tenant's
own `/_sim` — answers only a request that carries the token:

- `Authorization: Bearer <token>` (scripts, the pytest plugin, `SandboxClient(token=…)`);
- or the `sim_admin` cookie that `/_sim/login` sets after the token is typed in once (the
  dashboard in a browser). The cookie holds an HMAC of the token, never the token; it is
  HttpOnly and SameSite=Strict, so another site cannot post to `/_sim` with it.

Open without it, as the real sandboxes are: the provider paths, the payer pages
(`/_sim/pay/…`: the create answers hand their URLs to a payer's browser), `/_sim/health`
(a container's HEALTHCHECK) and the OpenAPI documents (no secret in them).

The CLI refuses to start on a non-loopback address without a token unless
`--insecure-control` is given (`refusal`).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from html import escape
from urllib.parse import quote, urlsplit

from flask import Blueprint, Response, redirect, request

from ..wire import Stop, json_response, sandbox

COOKIE = "sim_admin"
OPEN_PATHS = ("/_sim/health", "/_sim/pay/", "/_sim/openapi", "/_sim/login")
access = Blueprint("sim_access", __name__)


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 and localhost: reachable from this machine only."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def refusal(host: str, token: str, insecure: bool) -> str | None:
    """Why the server must not start with these settings, or None."""
    if is_loopback(host) or token or insecure:
        return None
    return (f"--host {host}: /_sim would be open to the network (credentials, state); set "
            "SIM_ADMIN_TOKEN, or pass --insecure-control to allow it")


def _cookie_value(token: str) -> str:
    return hmac.new(token.encode(), b"payment-sandbox dashboard login", hashlib.sha256).hexdigest()


def allowed(path: str, token: str) -> bool:
    """Whether this request may use `path` (the path inside its tenant)."""
    if not token or not path.startswith("/_sim") or path.startswith(OPEN_PATHS):
        return True
    if path != "/_sim" and not path.startswith("/_sim/"):
        return True                                   # e.g. /_simulate: not ours
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
        return True
    cookie = request.cookies.get(COOKIE, "")
    return hmac.compare_digest(cookie.encode(), _cookie_value(token).encode())


def require(path: str, token: str) -> None:
    """Stop the request (401, or the login page for a browser) unless it is allowed."""
    if allowed(path, token):
        return
    if path.startswith("/_sim/ui") and request.method == "GET":
        back = quote(f"{request.script_root}{request.full_path}", safe="/")
        raise Stop(redirect(f"{request.script_root}/_sim/login?next={back}", 303))
    response = json_response({"error": "this simulator's /_sim needs its admin token: send "
                                       "'Authorization: Bearer <SIM_ADMIN_TOKEN>', or log in at "
                                       "/_sim/login"}, 401)
    response.headers["WWW-Authenticate"] = 'Bearer realm="payment-sandbox /_sim"'
    raise Stop(response)


def _safe_next(target: str | None) -> str:
    """Only a path on this server (no scheme, no host: no open redirect)."""
    parts = urlsplit(target or "")
    if parts.scheme or parts.netloc or not (target or "").startswith("/") or target.startswith("//"):
        return f"{request.script_root}/_sim/ui/"
    return target


_LOGIN = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Log in · payment sandbox</title><link rel="stylesheet" href="{root}/_sim/ui/static/ui.css"></head>
<body><main class="login"><h1>Payment sandbox</h1>
<p>This simulator's control pages need its admin token (<code>SIM_ADMIN_TOKEN</code>).</p>
<form method="post"><input type="hidden" name="next" value="{next}">
<label>Admin token <input type="password" name="token" id="token" autofocus required></label>
<button type="submit">Log in</button></form>{problem}</main></body></html>"""


def _login_page(problem: str = "", status: int = 200) -> Response:
    html = _LOGIN.format(root=escape(request.script_root), next=escape(_safe_next(request.values.get("next"))),
                         problem=f'<p class="problem" role="alert">{escape(problem)}</p>' if problem else "")
    return Response(html, status, mimetype="text/html")


@access.route("/login", methods=["GET", "POST"])
def login():
    token = sandbox().settings.admin_token
    if not token:
        return redirect(_safe_next(request.values.get("next")), 303)
    if request.method == "GET":
        return _login_page()
    given = request.form.get("token", "")
    if not hmac.compare_digest(given.encode(), token.encode()):
        return _login_page("That is not the admin token.", 401)
    response = redirect(_safe_next(request.form.get("next")), 303)
    response.set_cookie(COOKIE, _cookie_value(token), httponly=True, samesite="Strict",
                        secure=request.is_secure, path="/")
    return response
