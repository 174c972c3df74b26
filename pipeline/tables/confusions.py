"""Scans: names with a character the page's recognizer confuses (`1` for `l`, `l` or `7` for `/`), read again
by the larger recognizer.

In a scanned typewriter face the page's recognizer reads many an `l` as `1` (`uti1-1inux`, `/var/1og/sys1og`,
`sources.1ist`), and a path's first slash as `l` or `7` (`letc/fstab`,
`7lib/`), its last as `l` (`/usr/share/docl`). A reference manual's table is mostly such names, one to a cell,
and a cell with one wrong character is a cell missed. The larger recognizer (the page's second opinion) reads
most of them right, but it reads again only the lines the first was unsure of, and these are read with
confidence. So each suspect word is read again from its piece of the page, and only the characters the larger
recognizer reads as the one they are confused with change, where both readings are alike in length and every
other character: any other difference (a point for a comma, a lost space) leaves the word as it was read.

A path in a bold serif face loses thin glyphs on a scan instead: its first slash (`lib/x86_64-linux-gnu/`), an
`l` after a slash (`/usr/ib/pkgconfig/`), or its `/l` comes out one letter (`Mib/`); and `i386` comes out `1386`.
So a path that stands apart as a cell is read again too where its text shows such a loss: a name that is no word
but would be one with an `l` before it (`ib`, `ocal`), a first name that is one of the root's directories with no
slash before it, or one letter for the `/l` (`Mib`). The larger recognizer may then put back a slash at the path's
start, an `l` after a slash or the `/l` of one letter, nothing else. (Every path apart was read again before: nearly
all came back as read, at half of what the step spent reading again.)
"""
from __future__ import annotations

import re
from collections.abc import Callable
from difflib import SequenceMatcher

import numpy as np

from pipeline.lexicon import english
from pipeline.tables.model import Token
from pipeline.tables.phrases import GUTTER

# a 1 beside a letter (not before a colon: the larger recognizer reads a serif `I:` as `1:` too, so reading
# it again only costs); a path that starts with an l or a 7, or ends with an l (only there is a slash taken
# for them); a multiplication sign among Latin letters and digits (`×86_64`)
# for the x86 names `i386` to `i686`, `1386` to `1686` as a word or after a hyphen (`libc6-i386`), not a number's
# start (`1386.5`: a table of numbers would be read again whole)
SUSPECT = re.compile(r"[A-Za-z]1|1[A-Za-z]|^[l7]\S*/|/\S*l$|×[0-9A-Za-z_]|(?:^|-)1[3-6]86(?![\d.,])")
# a path (a slash and a name, or a name and a slash, first), where it stands apart as a table's cell: read again
# on every page, the paths of prose cost the larger recognizer as much again as the rest of the table step; not
# a URL (`https:` first: long crops, and no slash of theirs was seen lost) nor a fraction (`12/10`)
PATH = re.compile(r"^/\w|^[A-Za-z][\w.+-]*/")
# the directories a path's first name is, with its first slash lost; with the other names of system paths the
# word list lacks, what a name that lost its first `l` is checked against besides the word list
ROOT_DIRS = frozenset("bin boot dev etc home lib media mnt opt proc root run sbin srv sys tmp usr var".split())
PATH_NAMES = ROOT_DIRS | {"libexec", "libx"}
NAME = re.compile(r"[A-Za-z]+")
# a version's 1 (`v1.x`, `v1`): the larger recognizer reads a serif one as an l beside the v (caption's `v1.x`)
VERSION = re.compile(r"(?<![A-Za-z])[vV]1(?=[.\d]|$)")
CONFUSED = {("1", "l"), ("1", "I"), ("×", "x")}  # (as first read, as it is), anywhere in the word
CONFUSED_AT_ENDS = {("l", "/"), ("7", "/")}  # only as the word's first or last character
CONFUSED_AT_START = {("1", "i")}  # only as a word's or hyphenated part's first character, before a digit
PAD_HEIGHTS = 0.3  # the crop reaches this many of the word's heights beyond its box left and right


def confusions_read_again(tokens: list[Token], level: Callable[..., np.ndarray | None], read: Callable) -> list[Token]:
    """``tokens`` with the suspect words' confused characters changed where ``read`` (the larger
    recognizer) reads them so."""
    crops, which = [], []
    for k, t in enumerate(tokens):
        if not SUSPECT.search(VERSION.sub("v0", t.text)) and not (PATH.search(t.text) and _lost_in_path(t.text)
                                                                   and _apart(t, tokens)):
            continue
        pad = PAD_HEIGHTS * t.height
        crop = level(t.box[0] - pad, t.box[1], t.box[2] + pad, t.box[3])
        if crop is not None:
            crops.append(crop)
            which.append(k)
    if not crops:
        return tokens
    out = list(tokens)
    for k, again in zip(which, read(crops)):
        text = _confusions_changed(tokens[k].text, again.text.strip())
        if text != tokens[k].text:
            out[k] = Token(text, tokens[k].box, tokens[k].confidence)
    return out


def _lost_in_path(path: str) -> bool:
    """Whether ``path``'s text shows a glyph its print may have lost: a name that is no word but would be one
    with an `l` before it (`/usr/ib/`), or, with no slash first, a first name that is a root directory (`usr/`) or
    one letter for `/l` (`Mib/`)."""
    names = [m.group().lower() for m in (NAME.match(part) for part in path.split("/")) if m]
    if any(not _known(n) and _known("l" + n) for n in names):
        return True
    first = NAME.match(path)
    return first is not None and (first.group().lower() in ROOT_DIRS
                                  or len(first.group()) > 1 and not _known(first.group().lower())
                                  and _known("l" + first.group()[1:].lower()))


def _known(name: str) -> bool:
    return name in PATH_NAMES or name in english()


def _apart(t: Token, tokens: list[Token]) -> bool:
    """No word on ``t``'s line nearer than a gutter."""
    gap = GUTTER * t.height
    return not any(u is not t and min(t.box[3], u.box[3]) - max(t.box[1], u.box[1]) > 0.5 * min(t.height, u.height)
                   and u.box[0] - gap < t.box[2] and t.box[0] < u.box[2] + gap for u in tokens)


def _confusions_changed(first: str, again: str) -> str:
    if len(again) != len(first):
        return _dropped_put_back(first, again)
    if not all(_confused(first, k, b) for k, b in enumerate(again)):
        return first
    for m in VERSION.finditer(first):  # a version's 1 stays
        again = again[: m.end() - 1] + "1" + again[m.end() :]
    return again


def _confused(first: str, k: int, b: str) -> bool:
    """``first``'s character at ``k`` may be ``b`` misread."""
    a = first[k]
    return a == b or (a, b) in CONFUSED or (a, b) in CONFUSED_AT_ENDS and k in (0, len(first) - 1) \
        or (a, b) in CONFUSED_AT_START and (k == 0 or first[k - 1] == "-") and first[k + 1:k + 2].isdigit()


def _dropped_put_back(first: str, again: str) -> str:
    """``again`` where it only puts back a path's first slash or an `l` after a slash, or reads as both the
    one letter a path starts with (`Mib/`, `Aib/` for `/lib/`), besides confused characters; else ``first``. A
    slash anywhere else is not taken: the larger recognizer reads a serif `l` after a slash as one (`linker//oader`)."""
    if "/" not in first or len(again) <= len(first):
        return first
    for op, i1, i2, j1, j2 in SequenceMatcher(None, first, again, autojunk=False).get_opcodes():
        if op == "insert" and not (again[j1:j2] == "/" and i1 == 0 or again[j1:j2] == "l" and first[i1 - 1:i1] == "/"):
            return first
        if op == "replace" and i1 == 0 and i2 == 1 and again[j1:j2] == "/l" and first[0].isalpha():
            continue
        if op == "replace" and (i2 - i1 != j2 - j1 or not all(_confused(first, i1 + m, again[j1 + m]) for m in range(i2 - i1))):
            return first
        if op == "delete":
            return first
    return again
