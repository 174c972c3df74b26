"""A Latin word read as no English word, replaced by the English word the recognizer's own steps support.

In blurred print the model misreads a letter or two of a word (``wbether``, ``Copynight``, ``moderm``)
while its steps still give the right letters some weight. A word of the letters a-z that the lexicon
(pipeline/lexicon.py) does not know is searched again on its own steps: a CTC prefix beam search whose
prefixes must stay prefixes of English words finds the likeliest English words those steps spell; the
best one replaces the word only where its CTC probability (over all its alignments, the letters' two
cases summed) is not far below the word as read (a long word, with no rival English word near, may
lose more). Where the steps barely tell two English words apart, the more common one (the word list's
counts) is taken. Spelling alone never picks a word: one the steps do
not support stays as read, as do proper names, identifiers and code whose steps spell them surely.

A word with one digit blurred print reads for a letter (``option8``, ``a8suming``) is searched too.
Left alone: words the lexicon knows; other words with digits, all-capital or mixed-case words (acronyms,
``pdfTeX``), words of code (touching a backslash, brace, underscore, an inner point or slash: TeX
commands, URLs, identifiers), lines that look like code or hold Chinese; words of typewriter type, told by their glyphs' even cells
(pipeline/monospace_spaces.py).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from pipeline.ctc import DecodedChar, DecodedLine
from pipeline.lexicon import english
from pipeline.line_ink import LineInk
from pipeline.monospace_spaces import monospace_words
from pipeline.punctuation import has_cjk

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
# Digits blurred print reads for a letter (s, l, o): a word of letters with one of them in it (``option8``,
# ``a8suming``, ``underfu1l``) is searched like a non-word. The digit's own weight counts for the word as read.
_LOOK_ALIKES = "810"
_COLUMNS = _LETTERS + _LOOK_ALIKES
# A replacement's CTC probability over the word's steps may be at most this far below the word as read
# (natural log): a letter the steps gave part of their weight, not one they hardly saw.
_MAX_DROP = 2.0
# From this many letters a word may drop this much per letter, up to the cap, where the next English word
# the steps spell is at least _LONG_MARGIN below (``freedons`` → freedoms, not ``preceeding`` → preceding).
_LONG_WORD = 5
_DROP_PER_LETTER = 0.6
_MAX_LONG_DROP = 5.0
_LONG_MARGIN = 3.0
# Where the steps barely tell English words apart (within _NEAR of the best), the more common one is the
# likelier print (``nonce``/notice): each such word's score gains _PRIOR per natural log of its count in the
# list's sources; a long word's margin may be taken on these scores too.
_NEAR = 1.5
_PRIOR = 0.5
# Words of fewer letters are left alone, and none is taken: too many short non-words are abbreviations
# and names, and short words spell each other with a letter more or less.
_MIN_LETTERS = 3
# A replacement may be longer or shorter than the word as read by a letter in this many, one at least: a
# blurred letter's steps go to the blank easily, so dropping letters costs the search little.
_LETTERS_PER_CHANGE = 6
# Letters a step weighs under this take no part in the search.
_MIN_STEP_WEIGHT = 1e-3
_BEAM = 12
# Steps of blank taken in either side of the word, within its neighbours.
_PAD = 2
# Marks of code: a word touching one is left alone, a line holding this many of them is too.
_CODE_MARKS = set("\\{}_=<>#$%&|~^@*/")
_CODE_LINE = 2
_OPENERS = "([\"'“‘"
_CLOSERS = ".,;:!?)]\"'”’"


def lexicon_words(line: DecodedLine, ink: LineInk, probs: np.ndarray, index: dict[str, int],
                  space_class: int) -> DecodedLine:
    """``line`` with each qualifying non-word replaced by the English word its steps in ``probs``
    (``index``: class of each character) support; words set in typewriter type (``ink``, the line's crop) kept."""
    chars = line.chars
    text = "".join(c.char for c in chars)
    if not chars or has_cjk(text) or sum(map(text.count, _CODE_MARKS)) >= _CODE_LINE:
        return line
    lexicon = english()
    spots = [(a, b) for a, b in _word_spans(text) if _qualifies(text[a:b]) and text[a:b].lower() not in lexicon]
    if not spots:
        return line
    steps = _Steps(probs, index, space_class)
    typewriter = monospace_words(line, ink)
    out = list(chars)
    for a, b in reversed(spots):
        word = text[a:b]
        if typewriter(*_token(text, a, b)):
            continue
        lo = max(chars[a].start - _PAD, chars[a - 1].end if a > 0 else 0, 0)
        hi = min(chars[b - 1].end + _PAD, chars[b].start if b < len(chars) else len(probs))
        lo, hi = min(lo, chars[a].start), max(hi, chars[b - 1].end)
        # A line's first word in lower case may be the tail of a word broken at the line before (``cluding``):
        # it gets no wider margin.
        tail = word[0].islower() and not any(ch.isalnum() for ch in text[:a])
        found = _replacement(word.lower(), steps, lo, hi, lexicon, long_margin=not tail)
        if found is None:
            continue
        new = found.capitalize() if word[0].isupper() else found
        # The word keeps the confidence it was read with: the line stays as unsure as it was, so the larger
        # recognizer reads it again where it would have (pipeline/second_opinion.py), and no glyph of it
        # counts as a sure print of its letter in the page's glyph checks.
        read = float(np.mean([c.confidence for c in chars[a:b]]))
        out[a:b] = [replace(c, confidence=read) for c in steps.placed(new, found, lo, hi)]
    return DecodedLine(tuple(out), line.steps, line.read)


def _token(text: str, a: int, b: int) -> tuple[int, int]:
    """The space-separated token holding ``a:b``."""
    while a > 0 and text[a - 1] != " ":
        a -= 1
    while b < len(text) and text[b] != " ":
        b += 1
    return a, b


def _word_spans(text: str):
    """(start, end) of each run of letters in ``text`` between spaces, its attached marks left out,
    where the rest of its space-separated token is no code; a hyphenated word gives each part."""
    pos = 0
    for token in text.split(" "):
        start, end = pos, pos + len(token)
        pos = end + 1
        core_a, core_b = start, end
        while core_a < core_b and text[core_a] in _OPENERS:
            core_a += 1
        while core_b > core_a and text[core_b - 1] in _CLOSERS:
            core_b -= 1
        core = text[core_a:core_b]
        if not core or any(ch in _CODE_MARKS for ch in token):
            continue
        parts = core.split("-")
        if not all(p.isascii() and (p.isalpha() or _look_alike_word(p)) for p in parts):
            continue
        a = core_a
        for p in parts:
            yield a, a + len(p)
            a += len(p) + 1


def _look_alike_word(part: str) -> bool:
    """Letters with one digit a blurred letter is read as; a 1 or 0 ends no such word (``var1``, ``user1``:
    numbered names), nor starts one."""
    digits = [i for i, ch in enumerate(part) if not ch.isalpha()]
    if len(digits) != 1 or len(part) - 1 < _MIN_LETTERS:
        return False
    i = digits[0]
    return part[i] in _LOOK_ALIKES and (part[i] == "8" or 0 < i < len(part) - 1)


def _qualifies(word: str) -> bool:
    return len(word) >= _MIN_LETTERS and (word.islower() or (word[0].isupper() and word[1:].islower()))


class _Steps:
    """The line's steps as the word search sees them: each letter's weight with its two cases summed,
    and the blank's with the space's (a word's own steps hold no space)."""

    def __init__(self, probs: np.ndarray, index: dict[str, int], space_class: int):
        # Only the columns used are taken to float64 (a line's steps hold thousands of classes): each
        # letter's own and its capital's (a digit has none: nothing is added).
        used = sorted({index[c] for ch in _COLUMNS for c in {ch, ch.upper()} if c in index})
        taken = np.zeros((len(probs), len(used) + 1))  # the last column: nothing
        taken[:, :-1] = probs[:, used]
        at = {k: i for i, k in enumerate(used)}
        own = [at[index[ch]] if ch in index else len(used) for ch in _COLUMNS]
        capital = [at[index[ch.upper()]] if ch.upper() != ch and ch.upper() in index else len(used) for ch in _COLUMNS]
        self.letters = taken[:, own] + taken[:, capital]
        self.blank = probs[:, 0].astype(np.float64) + probs[:, space_class].astype(np.float64)

    def log_prob(self, word: str, lo: int, hi: int) -> float:
        """The CTC log probability of ``word`` over steps ``lo:hi`` (forward algorithm, scaled)."""
        ext = _extended(word)
        n = len(ext)
        emit = self._emissions(ext, lo, hi)
        can_skip = _skips(ext)
        alpha = np.zeros(n)
        alpha[0] = emit[0, 0]
        if n > 1:
            alpha[1] = emit[0, 1]
        total = 0.0
        for t in range(1, hi - lo):
            prev = alpha.copy()
            alpha[1:] += prev[:-1]
            alpha[2:] += np.where(can_skip[2:], prev[:-2], 0.0)
            alpha *= emit[t]
            scale = alpha.sum()
            if scale <= 0:
                return -np.inf
            alpha /= scale
            total += np.log(scale)
        end = alpha[-1] + (alpha[-2] if n > 1 else 0.0)
        return total + np.log(end) if end > 0 else -np.inf

    def greedy(self, lo: int, hi: int) -> float:
        """The log probability of the steps' best path, letters and blank only."""
        best = np.maximum(self.letters[lo:hi, :len(_LETTERS)].max(axis=1), self.blank[lo:hi])
        return float(np.log(np.maximum(best, 1e-30)).sum())

    def placed(self, word: str, lower: str, lo: int, hi: int) -> list[DecodedChar]:
        """``word``'s characters on the steps its best alignment in ``lo:hi`` gives them (Viterbi), each with its
        letter's best weight there."""
        ext = _extended(lower)
        n = len(ext)
        emit = np.log(np.maximum(self._emissions(ext, lo, hi), 1e-30))
        can_skip = _skips(ext)
        score = np.full(n, -np.inf)
        score[0] = emit[0, 0]
        if n > 1:
            score[1] = emit[0, 1]
        back = np.zeros((hi - lo, n), dtype=np.int64)
        for t in range(1, hi - lo):
            stay, step, skip = score, np.full(n, -np.inf), np.full(n, -np.inf)
            step[1:] = score[:-1]
            skip[2:] = np.where(can_skip[2:], score[:-2], -np.inf)
            choice = np.argmax(np.stack([stay, step, skip]), axis=0)
            score = np.choose(choice, [stay, step, skip]) + emit[t]
            back[t] = choice
        state = n - 1 if n == 1 or score[-1] >= score[-2] else n - 2
        path = [state]
        for t in range(hi - lo - 1, 0, -1):
            state -= int(back[t, state])
            path.append(state)
        path.reverse()
        out = []
        for k, ch in enumerate(word):
            ts = [t for t, s in enumerate(path) if s == 2 * k + 1]
            start, end = lo + ts[0], lo + ts[-1] + 1
            weight = float(self.letters[start:end, _COLUMNS.index(lower[k])].max())
            out.append(DecodedChar(ch, weight, start, end))
        return out

    def _emissions(self, ext: list[int], lo: int, hi: int) -> np.ndarray:
        cols = [self.blank[lo:hi] if k < 0 else self.letters[lo:hi, k] for k in ext]
        return np.stack(cols, axis=1)


def _extended(word: str) -> list[int]:
    """The CTC label sequence: blank (-1), each letter's column, blank."""
    ext = [-1]
    for ch in word:
        ext += [_COLUMNS.index(ch), -1]
    return ext


def _skips(ext: list[int]) -> np.ndarray:
    """Where a path may jump a blank: onto a letter unlike the one two states back."""
    return np.array([i >= 2 and ext[i] >= 0 and ext[i] != ext[i - 2] for i in range(len(ext))])


def _replacement(word: str, steps: _Steps, lo: int, hi: int, lexicon, long_margin: bool = True) -> str | None:
    """The English word the steps ``lo:hi`` support about as well as ``word``, or None; ``long_margin``:
    whether a long word may drop more."""
    if hi - lo < len(word):
        return None
    found = _search(steps, lo, hi, lexicon)
    if not found:
        return None
    read = max(steps.log_prob(word, lo, hi), steps.greedy(lo, hi))
    change = max(1, len(word) // _LETTERS_PER_CHANGE)
    scored = sorted(((steps.log_prob(cand, lo, hi), cand) for cand in found
                     if len(cand) >= _MIN_LETTERS and abs(len(cand) - len(word)) <= change), key=lambda x: -x[0])
    if not scored or scored[0][1] == word:
        return None
    # The counts choose among the words the steps support well enough, never for one they do not (``Pable``:
    # pubic within the drop, public past it).
    short = [(lp, cand) for lp, cand in scored if lp >= read - _MAX_DROP]
    pool = short or scored
    prior, best_lp, best = max((lp + _PRIOR * np.log(lexicon.count(cand)), lp, cand) for lp, cand in pool
                               if lp >= pool[0][0] - _NEAR)
    if short:
        return best
    # A long word may lose more: its steps hold more letters read right to pin it, provided no other
    # English word comes near.
    # On the steps alone or with the counts: a rare rival counts for less, a common one for no more.
    rivals = [(lp, lp + _PRIOR * np.log(lexicon.count(cand))) for lp, cand in scored if cand != best]
    margin = max(best_lp - max((r[0] for r in rivals), default=-np.inf),
                 prior - max((r[1] for r in rivals), default=-np.inf))
    # At five letters a letter more or less is a fifth of the word (``Partl`` → Part): only one of equal length.
    long_enough = len(word) > _LONG_WORD or (len(word) == _LONG_WORD and len(best) == len(word))
    if (long_margin and long_enough and best_lp >= read - min(_MAX_LONG_DROP, _DROP_PER_LETTER * len(word))
            and margin >= _LONG_MARGIN):
        return best
    return None


def _search(steps: _Steps, lo: int, hi: int, lexicon) -> list[str]:
    """English words the steps ``lo:hi`` spell, by a CTC prefix beam search held to the lexicon's prefixes."""
    beams: dict[str, tuple[float, float]] = {"": (1.0, 0.0)}  # prefix: (ends in blank, ends in its letter)
    has_prefix = lexicon.has_prefix
    # Each step's letters weighed at least _MIN_STEP_WEIGHT, as Python's numbers (the loop below is Python's).
    letters = steps.letters[lo:hi, :len(_LETTERS)]
    at, which = np.nonzero(letters >= _MIN_STEP_WEIGHT)
    lives: list[list[tuple[str, float]]] = [[] for _ in range(hi - lo)]
    for t, k, p in zip(at.tolist(), which.tolist(), letters[at, which].tolist()):
        lives[t].append((_LETTERS[k], p))
    for live, blank in zip(lives, steps.blank[lo:hi].tolist()):
        new: dict[str, list[float]] = {}
        for prefix, (pb, pnb) in beams.items():
            entry = new.setdefault(prefix, [0.0, 0.0])
            entry[0] += (pb + pnb) * blank
            last = prefix[-1] if prefix else ""
            for ch, p in live:
                longer = prefix + ch
                if ch == last:
                    entry[1] += pnb * p  # the same letter held on
                    gain = pb * p  # a doubled letter needs a blank between
                else:
                    gain = (pb + pnb) * p
                if gain <= 0 or not has_prefix(longer):
                    continue
                new.setdefault(longer, [0.0, 0.0])[1] += gain
        ranked = sorted(new.items(), key=lambda kv: kv[1][0] + kv[1][1], reverse=True)[:_BEAM]
        norm = sum(b + nb for _, (b, nb) in ranked) or 1.0
        beams = {k: (b / norm, nb / norm) for k, (b, nb) in ranked}
    return [w for w in beams if w in lexicon]
