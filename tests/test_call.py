"""`simulator.call`: what a Call reads of the WSGI environ."""

from __future__ import annotations

import pytest
from flask import Flask

from simulator.call import Call


@pytest.mark.parametrize("headers", [
    {},
    {"HTTP_HOST": "127.0.0.1"},
    {"HTTP_HOST": "127.0.0.1", "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": "2",
     "HTTP_AUTHORIZATION": "Basic eDo=", "HTTP_CONTENT_TYPE": "ignored, as Werkzeug does"},
])
def test_environ_headers_are_the_header_keys_and_this_calls_values(headers):
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/x", "wsgi.url_scheme": "http", **headers}
    for value in ("first", "second"):           # the second call of a shape uses what the first found
        environ = {**environ, **{key: f"{value} {key}" for key in headers}}
        keys, values = Call(environ, Flask("t")).environ_headers()
        expected = [key for key in headers if key != "HTTP_CONTENT_TYPE"]
        assert keys == tuple(expected)
        assert values == tuple(f"{value} {key}" for key in expected)


@pytest.mark.parametrize("length, encoding", [
    ("2", None), ("0", None), ("007", None), (None, None), ("", None), (" 12 ", None), ("-3", None),
    ("+5", None), ("1_000", None), ("١٢", None), ("x", None), ("12", "chunked"), ("12", "gzip"),
])
def test_content_length_is_werkzeugs(length, encoding):
    from werkzeug.sansio.utils import get_content_length
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/x"}
    if length is not None:
        environ["CONTENT_LENGTH"] = length
    if encoding is not None:
        environ["HTTP_TRANSFER_ENCODING"] = encoding
    assert Call(environ, Flask("t")).content_length == get_content_length(length, encoding)
