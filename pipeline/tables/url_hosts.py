"""Scans: a point in a web address's host name read as a comma (`https://mirrors,dgut.edu.cn/…`).

In a dense row of small type the recognizer takes a point between two letters for a comma now and then. A
host name holds letters, digits, hyphens and points only (RFC 1123), so a comma between two of its letters
or digits, in an address that opens with its scheme, can only be a point. The path and the query after
the host may hold commas and keep them.
"""
from __future__ import annotations

import re

from pipeline.tables.model import Token

ADDRESS = re.compile(r"\b((?:https?|ftp)://)([A-Za-z0-9.,，-]+)(?=[/:?#\s]|$)")
COMMA_IN_HOST = re.compile(r"(?<=[A-Za-z0-9])[,，](?=[A-Za-z0-9])")


def _mended(text: str) -> str:
    return ADDRESS.sub(lambda m: m.group(1) + COMMA_IN_HOST.sub(".", m.group(2)), text)


def url_hosts(tokens: list[Token]) -> list[Token]:
    """``tokens`` with each comma inside a web address's host name written as the point it stands for."""
    out = []
    for t in tokens:
        if "://" in t.text:
            text = _mended(t.text)
            if text != t.text:
                t = Token(text, t.box, t.confidence)
        out.append(t)
    return out
