"""Text made safe for XML 1.0, which forbids most control characters.

PDF text layers in particular carry stray control characters (form feeds,
NULs, private escape codes); lxml refuses them outright, so they become
spaces (keeping character positions) before any hOCR or ALTO is written.
"""
from __future__ import annotations

import re

_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub(" ", text)
