"""Provider API calls served directly: WSGI middleware in front of Flask that routes a
provider's API paths (cancel, status, create…) straight to their views, without Flask's
request and app contexts — on a cancel those cost as much as a whole Flask echo app.

Everything else goes to Flask unchanged: payer pages (they render templates and forms),
`/_sim`, HEAD and OPTIONS, unknown paths, and any request this router is not certain
about. The views are the same functions either way; they read the request through
`simulator.call`, and `simulator.hooks` wraps them alike on both paths (tenant, faults,
journal, error answers).

The routes come from the app's own URL map, and a request is served here only when Flask
would have chosen the same rule. Werkzeug's matcher walks the path part by part, trying a
static part before a variable one, and orders two variables at one place by weight. So:
- a rule is taken only if no other rule for the same method could match one of its paths
  with a variable of each at the same place (then Flask decides);
- at run time, a variable's value that is a static word some rule has at that place
  (`GET /v2/payments/status`: Pivot's session `status`, or Midtrans' order `payments`?)
  goes to Flask.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable, NamedTuple

from flask import Flask, Response
from werkzeug.routing import Rule

from .call import Call, decoded
from .hooks import CallHooks

_VARIABLE = re.compile(r"<(?:(?P<converter>\w+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")
_SERVED_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})   # not HEAD, OPTIONS
_NO_BODY = (204, 304)             # statuses whose headers Werkzeug adjusts


class Part(NamedTuple):
    """One `/`-separated part of a rule."""
    kind: str               # static, default, any, path; other: a variable not served here
    text: str = ""          # a static part's text; a variable's name
    words: tuple[str, ...] = ()   # any(…)'s words

    @property
    def variable(self) -> bool:
        return self.kind != "static"


def parts(rule: str) -> tuple[Part, ...]:
    found = []
    for text in rule.lstrip("/").split("/"):
        variables = list(_VARIABLE.finditer(text))
        if not variables:
            found.append(Part("static", text))
            continue
        v = variables[0]
        converter, args = v.group("converter") or "default", v.group("args")
        if len(variables) > 1 or v.group(0) != text or args and converter != "any":
            found.append(Part("other", v.group("name")))     # e.g. <token>.png, <int(min=1):n>
        elif converter in ("default", "string"):
            found.append(Part("default", v.group("name")))
        elif converter == "any":
            words = tuple(w.strip().strip("'\"") for w in (args or "").split(","))
            found.append(Part("any", v.group("name"), words))
        elif converter == "path":
            found.append(Part("path", v.group("name")))
        else:
            found.append(Part("other", v.group("name")))
    return tuple(found)


def _meet(a: tuple[Part, ...], b: tuple[Part, ...]) -> bool:
    """Whether some path could match both rules with a variable of each at one place."""
    shared = False
    for x, y in zip(a, b):
        if x.kind == "path" or y.kind == "path":
            return True                       # the rest may be anything: assume they meet
        if x.variable and y.variable:
            shared = True
        elif not x.variable and not y.variable:
            if x.text != y.text:
                return False
        else:                                 # one variable, one static part
            variable, static = (x, y) if x.variable else (y, x)
            if variable.kind == "any" and static.text not in variable.words:
                return False
    return shared and len(a) == len(b)


_PATTERN = {"default": "([^/]+)", "path": "([^/].*?)"}      # Werkzeug's converters' own


class Route(NamedTuple):
    view: Callable[..., Response]
    provider: str
    blueprint: str
    names: tuple[str, ...]                 # the view's arguments, in group order
    group: int                             # its alternative's group in the method's pattern
    clashing: tuple[tuple[int, frozenset], ...]   # (variable's index, static words rules have at its place)


class Routes:
    """The provider API rules served directly, and the matcher for them."""

    def __init__(self, rules: Iterable[Rule], views: dict[str, Callable], owners: dict[str, str],
                 served: Callable[[Callable], bool]):
        shaped = [(rule, parts(rule.rule)) for rule in rules]
        statics: dict[int, set[str]] = {}
        for _, shape in shaped:
            for i, part in enumerate(shape):
                if part.kind == "static":
                    statics.setdefault(i, set()).add(part.text)
        self.static_words = {i: frozenset(words) for i, words in statics.items()}

        alternatives: dict[str, list[str]] = {}
        self.routes: dict[str, list[Route]] = {}
        for rule, shape in shaped:
            blueprint = rule.endpoint.rpartition(".")[0]
            view = views.get(rule.endpoint)
            if (blueprint not in owners or view is None or not served(view)
                    or any(part.kind == "other" for part in shape)):
                continue
            for method in sorted((rule.methods or set()) & _SERVED_METHODS):
                if any(other is not rule and method in (other.methods or ()) and _meet(shape, other_shape)
                       for other, other_shape in shaped):
                    continue
                taken = self.routes.setdefault(method, [])
                pattern = "/" + "/".join(
                    re.escape(p.text) if p.kind == "static" else
                    "(" + "|".join(map(re.escape, p.words)) + ")" if p.kind == "any" else _PATTERN[p.kind]
                    for p in shape)
                group = 1 + sum(1 + len(r.names) for r in taken)     # after the earlier routes' groups
                alternatives.setdefault(method, []).append(f"({pattern})")
                places = tuple(i for i, p in enumerate(shape) if p.variable)
                clashing = tuple((n, self.static_words[place]) for n, place in enumerate(places)
                                 if place in self.static_words)
                taken.append(Route(view, owners[blueprint], blueprint,
                                   tuple(p.text for p in shape if p.variable), group, clashing))
        self._patterns = {method: re.compile("|".join(alts)) for method, alts in alternatives.items()}
        self._by_group = {method: {r.group: r for r in routes} for method, routes in self.routes.items()}

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        pattern = self._patterns.get(method)
        found = pattern.fullmatch(path) if pattern is not None else None
        if found is None:
            return None
        route = self._by_group[method][found.lastindex]      # the alternative's group closes last
        values = found.groups()[route.group:route.group + len(route.names)]   # its variables' groups
        for index, words in route.clashing:
            if values[index].partition("/")[0] in words:
                return None           # a word some rule has here: Flask's static-first matcher decides
        return route, dict(zip(route.names, values))


def _sent_as_is(response: Response, headers: list[tuple[str, str]]) -> bool:
    """Whether Werkzeug's `Response.__call__` would send these headers and body unchanged: a
    body in hand with its Content-Length, no Location to encode, a status with a body."""
    status = response.status_code
    if not response.is_sequence or status < 200 or status in _NO_BODY:
        return False
    names = {name.lower() for name, _ in headers}
    return "content-length" in names and "location" not in names and "content-location" not in names


class DirectCalls:
    """WSGI: a provider API call is served here; anything else goes on to `fallback`."""

    def __init__(self, app: Flask, fallback, hooks: CallHooks, routes: Routes):
        self.app, self.fallback, self.hooks, self.routes = app, fallback, hooks, routes

    def __call__(self, environ, start_response):
        path = decoded(environ.get("PATH_INFO", ""))
        found = self.routes.match(environ.get("REQUEST_METHOD", ""), path)   # "//v2/…" is Flask's
        if found is None:
            return self.fallback(environ, start_response)
        route, args = found
        call = Call(environ, self.app, provider=route.provider, blueprint=route.blueprint)
        token = call.enter()
        try:
            try:
                self.hooks.open(call)
                response = route.view(**args)
            except Exception as exc:
                response = self.hooks.error_response(call, exc)
            try:
                response = self.hooks.close(call, response)
            except Exception as exc:     # e.g. the store failing the journal entry: as Flask would
                response = self.hooks.error_response(call, exc)
        finally:
            self.hooks.release(call)
            Call.leave(token)
        headers = response.headers.to_wsgi_list()
        if not _sent_as_is(response, headers):
            return response(environ, start_response)
        start_response(response.status, headers)
        return response.response
