"""Checks every request gets before its route runs: no control characters in what the client sends,
JSON that the parser can hold, and a declared body length within the limit.

One place for these, not one per route: a new route or field is covered without thinking of it.
PostgreSQL refuses NUL in text, and a lone UTF-16 surrogate cannot be encoded for it; both used to
surface as a 500 from the database. Control characters have no use in an id, a name, a key or a
reference, so they are refused everywhere, on both backends alike, before anything is read or stored.
"""
from __future__ import annotations

import re

from flask import request

from api.errors import FileTooLarge, InvalidContent, InvalidOption

# C0 controls, DEL and lone surrogates (JSON "\ud800" decodes to one; no database stores it).
_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
# JSON members that carry a file's bytes: base64 decoding refuses anything outside its alphabet,
# so scanning megabytes of them here again would only cost time.
_FILE_CONTENT_KEYS = frozenset({"content_base64", "image"})
# Headers whose value reaches the database or a log line as text.
_TEXT_HEADERS = ("Idempotency-Key",)


def refuse_control_characters(value, field) -> None:
    # Not only strings: a multipart part whose name Werkzeug cannot read comes back as None.
    if isinstance(value, str) and _FORBIDDEN.search(value):
        field = field if isinstance(field, str) and not _FORBIDDEN.search(field) else "a field name"
        raise InvalidOption(f"{field} contains a control character or an invalid code point", details={"field": field})


def _check_json(body) -> None:
    # Iterative: the parser already bounded the depth, but a recursive walk would add frames.
    stack = [("body", body)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            refuse_control_characters(value, where)
        elif isinstance(value, dict):
            for key, item in value.items():
                refuse_control_characters(key, where)
                if not (key in _FILE_CONTENT_KEYS and isinstance(item, str)):
                    stack.append((key, item))
        elif isinstance(value, list):
            stack.extend((where, item) for item in value)


def check_request() -> None:
    """The app's ``before_request`` hook (runs before authentication and every route)."""
    limit = request.max_content_length
    if limit is not None and request.content_length is not None and request.content_length > limit:
        # Refused on the declared length, before a byte of the body is read.
        raise FileTooLarge(f"the body is {request.content_length} bytes; the limit is {limit}",
                           details={"limit": limit})
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str):
            refuse_control_characters(value, name)
    for key, value in request.args.items(multi=True):
        refuse_control_characters(key, key)
        refuse_control_characters(value, key)
    for header in _TEXT_HEADERS:
        if header in request.headers:
            refuse_control_characters(request.headers[header], header)
    if request.mimetype == "multipart/form-data" or request.mimetype == "application/x-www-form-urlencoded":
        for key, value in request.form.items(multi=True):
            refuse_control_characters(key, key)
            refuse_control_characters(value, key)
    elif request.is_json:
        try:
            body = request.get_json(silent=True)  # cached: the route reads this same object
        except RecursionError:
            raise InvalidContent("the JSON body is nested too deeply") from None
        _check_json(body)
