"""Words into text lines, and a cell's words into its text."""
from __future__ import annotations

import unicodedata
from statistics import median

from pipeline.tables.model import Token


def is_cjk(ch: str) -> bool:
    return "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"


def _spaced(before: str, after: str) -> bool:
    """A space between two words: none between CJK characters, and none beside a full-width mark
    (``numbers、super``, ``（开发用）``), which carries its own blank; the OCR splits words there."""
    a, b = before[-1:], after[:1]
    if is_cjk(a) and is_cjk(b):
        return False
    if _closes(before, after):
        return False
    return not any(is_cjk(ch) and unicodedata.category(ch).startswith("P") for ch in (a, b))


def _closes(before: str, after: str) -> bool:
    """``after`` is a lone quote closing the quote ``before`` opens (`'tokens` `'`): a typewriter face's
    quote stands a cell's blank from the letter before it, and the OCR splits the word there."""
    word = before.split()[-1] if before.split() else ""
    return len(after) == 1 and after in "'\"" and len(word) >= 2 and word[0] == after and after not in word[1:]


def text_lines(tokens: list[Token]) -> list[list[Token]]:
    """Tokens grouped into lines top to bottom, each line left to right.

    A token joins the line whose vertical extent overlaps it by more than
    half of the smaller height: sub- and superscripts stay on their line,
    the next line of a tight paragraph does not. A line's extent is that of
    its shortest tokens and those up to half again as tall: a glyph whose
    font box reaches far below the text (braces, bullets and math symbols
    in TeX fonts) must not stretch its line over the next one.
    """
    lines: list[list[Token]] = []
    spans: list[list[float]] = []  # [y0, y1] per line
    lowest: list[float] = []  # the shortest token's height per line
    for tok in sorted(tokens, key=lambda t: (t.cy, t.box[0])):
        y0, y1 = tok.box[1], tok.box[3]
        for k in range(len(lines) - 1, max(-1, len(lines) - 4), -1):
            ly0, ly1 = spans[k]
            overlap = min(y1, ly1) - max(y0, ly0)
            if overlap > 0.5 * min(y1 - y0, ly1 - ly0):
                lines[k].append(tok)
                # the core changes whole only when a shorter token comes; else the token joins it or not
                if tok.height < lowest[k]:
                    lowest[k], spans[k] = tok.height, _core_span(lines[k])
                elif tok.height <= 1.5 * lowest[k]:
                    spans[k] = [min(ly0, y0), max(ly1, y1)]
                break
        else:
            lines.append([tok])
            spans.append([y0, y1])
            lowest.append(tok.height)
    order = sorted(range(len(lines)), key=lambda k: spans[k][0])
    return [sorted(lines[k], key=lambda t: t.box[0]) for k in order]


def _core_span(line: list[Token]) -> list[float]:
    low = 1.5 * min(t.height for t in line)
    core = [t for t in line if t.height <= low]
    return [min(t.box[1] for t in core), max(t.box[3] for t in core)]


def join_words(words: list[Token]) -> str:
    """Words of one line left to right: a space between them, none between two CJK characters or beside
    a full-width mark."""
    out = ""
    for w in words:
        if out and _spaced(out, w.text):
            out += " "
        out += w.text
    return out


def cell_text(tokens: list[Token]) -> str:
    """A cell's words, line by line; wrapped lines join like words do, but a name a narrow column broke
    after one of its hyphens (``fonts-crosextra-`` / ``caladea``) joins the next line without a space."""
    out = ""
    for line in text_lines(tokens):
        text = join_words(line)
        if out and not _name_broken_at_hyphen(out, text) and _spaced(out, text):
            out += " "
        out += text
    return out


def _name_broken_at_hyphen(before: str, after: str) -> bool:
    """``before`` ends in a hyphen after a Latin letter or digit, the word it ends already holds a hyphen,
    slash, dot, underscore or digit (a package, file or option name, set whole in its source), and ``after``
    goes on with a letter or digit. A prose compound broken at its hyphen is left spaced: its source may
    hold a space there (Octave's ``ambient- strength`` headings)."""
    word = before.split()[-1] if before.split() else ""
    return len(word) >= 2 and word[-1] == "-" and _latin(word[-2]) and _latin(after[:1]) \
        and any(ch in "-/._" or ch.isdigit() for ch in word[:-1])


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def cell_confidence(tokens: list[Token]) -> float:
    """Mean over characters; an empty cell is certain to be empty."""
    chars = sum(len(t.text) for t in tokens)
    if not chars:
        return 1.0
    return sum(t.confidence * len(t.text) for t in tokens) / chars


def line_height(tokens: list[Token]) -> float:
    return median(t.height for t in tokens) if tokens else 0.0
