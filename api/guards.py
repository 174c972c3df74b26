"""Checks every request gets before its route runs: no control characters in what the client sends,
JSON that the parser can hold, and a declared body length within the limit.

One place for these, not one per route: a new route or field is covered without thinking of it.
PostgreSQL refuses NUL in text, and a lone UTF-16 surrogate cannot be encoded for it; both used to
surface as a 500 from the database. Control characters have no use in an id, a name, a key or a
reference, so they are refused everywhere, on both backends alike, before anything is read or stored.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
import threading

from flask import g, request

from api.errors import FileTooLarge, InvalidContent, InvalidOption

# C0 controls, DEL and lone surrogates (JSON "\ud800" decodes to one; no database stores it).
_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
# JSON members that carry a file's bytes: base64 decoding refuses anything outside its alphabet,
# so scanning megabytes of them here again would only cost time.
_FILE_CONTENT_KEYS = frozenset({"content_base64", "image"})
# Headers whose value reaches the database or a log line as text.
_TEXT_HEADERS = ("Idempotency-Key",)
# A body over this many bytes is read while holding one of BIG_BODIES_AT_ONCE slots per process,
# until its request ends: six 120 MB base64 bodies at once took one API process to 3 GB
# (bench/RESULTS.md, "API memory"); one at a time keeps it under 600 MB. The others wait unread.
BIG_BODY_BYTES = 8 * 1024 * 1024
BIG_BODIES_AT_ONCE = 1
_big_bodies = threading.BoundedSemaphore(BIG_BODIES_AT_ONCE)
_BASE64_CHUNK = 4 * 1024 * 1024  # characters; a multiple of 4


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


def register(app) -> None:
    app.before_request(check_request)
    app.teardown_request(_release_body_slot)


def json_body():
    """The request's JSON as parsed by ``check_request`` (None when the body is not JSON or not valid)."""
    return g.get("json_body")


def decode_base64(value: str) -> bytes | bytearray:
    """``base64.b64decode(value, validate=True)`` a few MB at a time, into one buffer of the exact size
    (a bytearray past one chunk: the pipeline takes either): decoding a 120 MB string whole first
    makes an ASCII copy of it, then the result. Raises ``binascii.Error`` as b64decode does."""
    if len(value) <= _BASE64_CHUNK:
        return base64.b64decode(value, validate=True)
    if len(value) % 4 or "=" in value[:-2]:
        raise binascii.Error("not base64: a length that is not a multiple of 4, or padding inside")
    out = bytearray(len(value) // 4 * 3 - value[-2:].count("="))
    view, at = memoryview(out), 0
    for start in range(0, len(value), _BASE64_CHUNK):
        piece = base64.b64decode(value[start:start + _BASE64_CHUNK], validate=True)
        view[at:at + len(piece)] = piece
        at += len(piece)
    return out


def _read_json():
    if (request.content_length or 0) <= BIG_BODY_BYTES:
        return request.get_json(silent=True)  # cached: webargs reads the same bytes again for its schemas
    # Read once and not cached: the bytes are dropped as soon as they are text, the text once parsed.
    buffer = bytearray(request.content_length)
    view, got = memoryview(buffer), 0
    while got < len(buffer):
        n = request.stream.readinto(view[got:])
        if not n:
            break
        got += n
    try:
        text = buffer[:got].decode("utf-8") if got < len(buffer) else buffer.decode("utf-8")
        del view, buffer
        return json.loads(text)
    except ValueError:  # bad UTF-8 or bad JSON: the route says what it wanted
        return None


def _release_body_slot(_exc=None) -> None:
    if g.pop("holds_big_body_slot", False):
        _big_bodies.release()


def check_request() -> None:
    """The app's ``before_request`` hook (runs before authentication and every route)."""
    limit = request.max_content_length
    length = request.content_length
    if limit is not None and length is not None and length > limit:
        # Refused on the declared length, before a byte of the body is read.
        raise FileTooLarge(f"the body is {length} bytes; the limit is {limit}", details={"limit": limit})
    if length is not None and length > BIG_BODY_BYTES:
        _big_bodies.acquire()
        g.holds_big_body_slot = True
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
            g.json_body = _read_json()
        except RecursionError:
            raise InvalidContent("the JSON body is nested too deeply") from None
        _check_json(g.json_body)
