"""Greedy CTC decoding with a confidence per character.

The recognizer emits, per time step, a probability over
``[blank] + charset + [" "]``. Greedy decoding takes the best class per
step, merges repeats and drops blanks; each kept character remembers its
probability and the time steps it spans, so the caller can place word
boxes along the line.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from pipeline.date_digits import date_digits
from pipeline.glyph_places import (LOOK_ALIKES, MIN_LOOK_ALIKE_WEIGHT, capital_i_place, digit_run, ends_clause,
                                   look_alike_weight)
from pipeline.logos import mend_logos
from pipeline.medians import mean as _mean
from pipeline.punctuation import is_cjk as _is_cjk, is_greek as _is_greek, normalize_punctuation


_TYPEWRITER_MARKS = {*LOOK_ALIKES, "|"}  # the glyphs _typewriter_look_alikes may change
_SOFTMAX_SLACK = 1e-3
_SECOND_OF = {"1": "Il", "I": "1l", "l": "1I", "e": "c", ".": ",", ",": "."}  # float32 softmax rows sum to 1 only to about 1e-6
# An e keeps c as its second only when the model was split between them (pipeline/c_or_e.py); a point
# keeps the comma when the model gave it some weight: 0.024-0.48 on commas read as points between digits
# in the generated table scans, at most 0.012 on points (real and generated scans). A comma keeps the
# point, as an e its c, only when the model was split between them (pipeline/sentence_points.py): the
# points misread as commas on the English scans weigh 0.25-0.49 (one 0.02), a 6-pt comma whose ink
# measured as a point at most 0.014.
_SECOND_MIN = {"e": 0.1, ".": 0.02, ",": 0.1}
# A Chinese character keeps the likeliest glyph of no CJK block (an operator card's ``+`` read 十, its ``,``
# read ，) when its steps weigh that more than this: on a page of Latin text it is what was printed
# (pipeline/latin_pages.py). A clearly printed Chinese character leaves other glyphs next to nothing.
_SECOND_NOT_CJK = 0.1
# A Greek letter keeps the likeliest Latin letter when its steps weigh that more than this (an italic a read α
# in ``det(α)``: the a weighs 0.12-0.47; ρ for p, ε for E likewise), or more than the smaller weight where it
# stands between two Latin letters (``Langμage``: u 0.04), where no word has a Greek letter. A clearly printed
# σ or LATEX's 2ε leaves the Latin look-alike at most 0.04 (one 2ε on a scan 0.39: pipeline/latin_pages.py
# keeps a Greek letter after a digit).
_SECOND_LATIN = 0.1
_SECOND_LATIN_IN_WORD = 0.01
# A point between clauses is a comma where the model gave the comma this much weight: on the English scans
# the commas read as points before a small letter weigh 0.04-0.49 (one 0.034), the points read right there
# at most 0.03 (``sense. It`` with its I lost), most under 0.025.
_MIN_CLAUSE_COMMA = 0.035
# An l is an I where no word has an l (see ``_capital_is``) and the model gave the I this much weight: on the
# English scans such misread Is weigh 0.10-0.42, true ls there (code: lpr, lsode, \\lslig) at most 0.03.
_MIN_CAPITAL_I = 0.1


@dataclass(frozen=True)
class DecodedChar:
    char: str
    confidence: float
    start: int  # first time step (inclusive)
    end: int  # last time step (exclusive)
    # A separator's width as its place on the line shows it (pipeline/punct_widths.py): "ascii" when it
    # hugs the glyph before it and a word space follows, "near" when it looks so more loosely, "cell" when
    # most of an em cell follows it, "half" when less than a word space but more than a side bearing does
    # (a compressed full-width cell; "half-apart" when the mark keeps a side bearing from the glyph before it too), "full" when measured otherwise, "" unmeasured. A bracket: "tight" when
    # it touches Chinese text outside it, "tight-spaced" when it stands about a word space off, "spaced" when a space was read
    # there too, "apart" when farther off; each with "-hug" when it touches its text inside as well, "-room" when it keeps a full-width
    # cell's side bearing there (pipeline/compressed_marks.py).
    width: str = ""
    # For a 1, I or l: which other of the three the model weighs most on its steps ("" unweighed). A page
    # that prints the glyph unlike its 1s but its I and l alike leaves the choice to it (pipeline/page_glyphs.py).
    # For an e: c, when the model weighed it more than 0.1 (its ink decides: pipeline/c_or_e.py); for a
    # point: a comma, weighed more than 0.02 (pipeline/digit_marks.py); for a Chinese character or full-width
    # mark: the likeliest glyph of no CJK block, weighed more than 0.1; for a Greek letter: the likeliest
    # Latin letter, weighed more than 0.1, or 0.01 between Latin letters, and for a ± likewise (pipeline/latin_pages.py).
    second: str = ""


@dataclass(frozen=True)
class DecodedLine:
    chars: tuple[DecodedChar, ...]
    steps: int  # time steps in the (unpadded) sequence
    # The characters' confidences as decoded, before the line was mended from its ink (None: not mended,
    # or not kept): what the model itself made of the crop, for judging which way up a page reads.
    read: tuple[float, ...] | None = field(default=None, compare=False, repr=False)

    @cached_property
    def text(self) -> str:
        # Joined once: a line is never changed after it is made (frozen, its chars a tuple of frozen chars; every
        # change makes a new line), and the page's checks ask for its text again and again.
        return "".join(c.char for c in self.chars)

    @property
    def confidence(self) -> float:
        if not self.chars:
            return 0.0
        return _mean([c.confidence for c in self.chars])


def word_at(chars: tuple[DecodedChar, ...], k: int) -> str:
    """The run of letters and digits the character at ``k`` stands in (with it, whatever it is)."""
    a, b = k, k + 1
    while a > 0 and chars[a - 1].char.isalnum():
        a -= 1
    while b < len(chars) and chars[b].char.isalnum():
        b += 1
    return "".join(c.char for c in chars[a:b])


def beside(chars: tuple[DecodedChar, ...], k: int, which: Callable[[str], bool]) -> bool:
    """Whether the character just before or just after ``k`` is ``which``."""
    return any(0 <= j < len(chars) and which(chars[j].char) for j in (k - 1, k + 1))


def between(chars: tuple[DecodedChar, ...], k: int, which: Callable[[str], bool]) -> bool:
    """Whether the characters just before and just after ``k`` are both there and both ``which``."""
    return all(0 <= j < len(chars) and which(chars[j].char) for j in (k - 1, k + 1))


class CtcDecoder:
    def __init__(self, charset: list[str], blank_margin: float = 0.1, min_rescued: float = 0.3,
                 split_blank: float = 0.5, min_split: float = 0.1):
        # Class 0 is the CTC blank; PP-OCR appends the space as the last class.
        self.classes = ["", *charset, " "]
        # A thin glyph (an opening quote, a dot) can lose its only time step
        # to the blank by a hair; such a step keeps the glyph when it is within
        # ``blank_margin`` of the blank and at least ``min_rescued`` itself.
        self.blank_margin = blank_margin
        self.min_rescued = min_rescued
        # A glyph the model cannot name (the LaTeX logo's small raised A: ∆ 0.25, A 0.16, Δ 0.07
        # against a blank of 0.28) spreads its weight over look-alikes, so no class beats the blank
        # and the glyph is dropped. A step whose blank is under ``split_blank`` is mostly glyph: it
        # keeps its likeliest glyph when that reaches ``min_split``.
        self.split_blank = split_blank
        self.min_split = min_split
        self._index = {c: i for i, c in enumerate(self.classes) if c}
        # The glyphs of no CJK block, the space left out: a Chinese character's second (_second_look_alikes).
        self._not_cjk = np.array([i for i, c in enumerate(self.classes) if c.strip() and not _is_cjk(c)])
        # The glyphs ``_second_look_alikes`` looks at, and the classes of each set of glyphs ``_letter_weight`` weighs.
        self._may_have_second = {c for c in self.classes if c in _SECOND_OF or c == "±" or _is_greek(c) or _is_cjk(c)}
        self._wanted = {w: (np.array([self._index[k] for k in w if k in self._index], dtype=np.intp),
                            [k for k in w if k in self._index]) for w in _WANTED}

    @property
    def index(self) -> dict[str, int]:
        """Each glyph's class."""
        return self._index

    @property
    def num_classes(self) -> int:
        return len(self.classes)

    def decode(self, probs: np.ndarray, steps: int | None = None) -> DecodedLine:
        """Decode one (T, C) probability matrix; ``steps`` trims padding."""
        if probs.shape[-1] != self.num_classes:
            raise ValueError(f"model has {probs.shape[-1]} classes, charset has {self.num_classes}")
        if steps is not None:
            probs = probs[:steps]
        best = probs.argmax(axis=1)
        n = len(best)
        top = probs[np.arange(n), best]  # each step's best weight (the blank's on a blank step)
        best, top = self._rescue_from_blank(probs, best, top)
        chars: list[DecodedChar] = []
        if n:
            # Runs of one class, found at once: a line has hundreds of steps.
            change = np.flatnonzero(best[1:] != best[:-1]) + 1
            starts = np.concatenate(([0], change))
            ends = np.concatenate((change, [n]))
            # A run's confidence is its best step: CTC spreads one
            # character over several steps with falling edges.
            peaks = np.maximum.reduceat(top, starts)
            run_class = best[starts]
            glyph = run_class != 0
            classes = self.classes
            chars = [DecodedChar(classes[cls], p, t, end) for cls, p, t, end in
                     zip(run_class[glyph].tolist(), peaks[glyph].tolist(), starts[glyph].tolist(), ends[glyph].tolist())]
        chars = self._capital_is(self._clause_commas(self._typewriter_look_alikes(chars, probs), probs), probs)
        chars = self._second_look_alikes(date_digits(chars, probs, self._index), probs)
        return DecodedLine(tuple(mend_logos(normalize_punctuation(_tidy_spaces(chars)))), n)

    def _typewriter_look_alikes(self, chars: list[DecodedChar], probs: np.ndarray) -> list[DecodedChar]:
        """Typewriter look-alikes put right where the model gave the right glyph some weight.

        In code set in a typewriter font (``\\documentc1ass``, ``|textwidth``)
        the model leans to a digit inside a word and to ``|`` for a backslash.
        A run of 1, 0 or 5 between two lower-case letters (``\\Co11ect``)
        becomes the letters it resembles; so does one at the edge of a word of
        lower-case letters (``globa1``, ``1atex``, ``per1``), where a digit is
        rarer but does occur (``var1``, ``1cm``), so the letter needs more
        weight there and a dimension's unit keeps its digit. A 1 right after
        an l (``Smal1``, ``overful1``) is the l doubled on a trace of weight.
        A ``|`` glued to the character after it becomes ``\\``.
        """
        text = [c.char for c in chars]
        if _TYPEWRITER_MARKS.isdisjoint(text):
            return chars
        out = list(chars)
        for i, c in enumerate(chars):
            nxt = text[i + 1] if i + 1 < len(text) else " "
            if c.char in LOOK_ALIKES:
                need = look_alike_weight(text, i)
                if need is None:
                    continue
                wanted = LOOK_ALIKES[c.char]
                own = self._letter_weight(c, wanted, probs)
                # A run of one digit spelling a doubled lower-case letter (the 11 of fi11) is one shape
                # repeated: it reads as letters when any of it weighs the letter enough. Else (fo01 for foo1)
                # each digit is judged alone.
                run = digit_run(text, i)
                letter, weight = max((own if j == i else self._letter_weight(chars[j], wanted, probs) for j in run),
                                     key=lambda lw: lw[1])
                if not letter.islower() or any(text[j] != c.char for j in run):
                    weight = own[1]
                enough = weight >= need
            elif c.char == "|" and nxt not in " |":
                own = self._letter_weight(c, "\\", probs)
                enough = own[1] >= MIN_LOOK_ALIKE_WEIGHT
            else:
                continue
            letter, weight = own
            if enough and letter:
                out[i] = DecodedChar(letter, weight, c.start, c.end)
        return out

    def _clause_commas(self, chars: list[DecodedChar], probs: np.ndarray) -> list[DecodedChar]:
        """Each point after a word and before a small letter's word made a comma where the model gave the
        comma ``_MIN_CLAUSE_COMMA`` of weight: in blurred small print (8-pt text, its comma's tail a grey
        pixel or two under the baseline) the model reads many commas as points, and a sentence after a
        point starts with a capital. Not after an abbreviation's short word (etc., cf., no.) or one
        holding a point or a digit (e.g., 2nd., www.tex), nor before a word of code (int2str)."""
        text = [c.char for c in chars]
        if "." not in text:
            return chars
        out = list(chars)
        for i, c in enumerate(chars):
            if c.char == "." and ends_clause(text, i):
                weight = float(probs[c.start : c.end, self._index[","]].max()) if "," in self._index else 0.0
                if weight >= _MIN_CLAUSE_COMMA:
                    out[i] = replace(c, char=",")  # its confidence kept: how sure the model was of a mark here
        return out

    def _capital_is(self, chars: list[DecodedChar], probs: np.ndarray) -> list[DecodedChar]:
        """Each l where no word has one made an I where the model gave the I ``_MIN_CAPITAL_I`` of weight:
        at a word's start before a consonant (``lnc``, ``File/lmport``), alone (``source: l``) or after
        capitals (``ASCIl``). In sans-serif type the two are one glyph and the model leans to the l; words
        of code that start so (``lpr``, ``\\lfoot``, ``lsode``) weigh the I at most 0.03."""
        text = [c.char for c in chars]
        if "l" not in text:
            return chars
        out = list(chars)
        for i, c in enumerate(chars):
            if c.char == "l" and capital_i_place(text, i):
                letter, weight = self._letter_weight(c, "I", probs)
                if letter and weight >= _MIN_CAPITAL_I:
                    out[i] = replace(c, char="I")
        return out

    def _second_look_alikes(self, chars: list[DecodedChar], probs: np.ndarray) -> list[DecodedChar]:
        """Each 1, I or l with the other of the three its steps weigh most; an e with c, a point with a
        comma, where its steps weigh that more than ``_SECOND_MIN``; a Chinese character or full-width
        mark with the likeliest glyph of no CJK block, where its steps weigh that more than
        ``_SECOND_NOT_CJK``; a Greek letter with the likeliest Latin letter, where its steps weigh that more
        than ``_SECOND_LATIN`` (less between Latin letters), a ± likewise (pipeline/latin_pages.py)."""
        out = list(chars)
        text = [c.char for c in chars]
        last = len(text) - 1
        for i, ch in enumerate(text):
            if ch not in self._may_have_second:
                continue
            c = chars[i]
            if ch in _SECOND_OF:
                letter, weight = self._letter_weight(c, _SECOND_OF[ch], probs)
                if weight > _SECOND_MIN.get(ch, 0.0):
                    out[i] = replace(c, second=letter)
            elif _is_cjk(ch):
                # Only a lone one (a look-alike among Latin glyphs): a Chinese line's characters cost nothing.
                if (i > 0 and _is_cjk(text[i - 1])) or (i < last and _is_cjk(text[i + 1])):
                    continue
                # Its own steps' glyphs of no CJK block only: the line's other steps are not looked at.
                sub = probs[c.start : c.end, self._not_cjk]
                weights = sub.max(axis=1)
                t = int(weights.argmax())
                if weights[t] > _SECOND_NOT_CJK:
                    out[i] = replace(c, second=self.classes[self._not_cjk[sub[t].argmax()]])
            else:  # a Greek letter, or a ±: the x of ``x >= y`` in small code print is read so
                letter, weight = self._letter_weight(c, _LATIN_LETTERS, probs)
                inside = between(chars, i, _is_latin)
                if weight > (_SECOND_LATIN_IN_WORD if inside else _SECOND_LATIN):
                    out[i] = replace(c, second=letter)
        return out

    def _letter_weight(self, c: DecodedChar, wanted: str, probs: np.ndarray) -> tuple[str, float]:
        """The likeliest of ``wanted`` (one of ``_WANTED``) over ``c``'s steps and its weight ("" when none is a class)."""
        letters, names = self._wanted[wanted]
        if not names:
            return "", 0.0
        seg = probs[c.start : c.end, letters].max(axis=0)
        best = int(seg.argmax())
        return names[best], float(seg[best])

    def _rescue_from_blank(self, probs: np.ndarray, best: np.ndarray,
                           top: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``best`` (each step's class) and ``top`` (its weight) with the blank steps whose runner-up glyph
        nearly won, or that are mostly glyph though no one glyph beats the blank, given that glyph when no
        neighbour already emits it.

        Only a glyph absent from both neighbouring steps is rescued, so a
        blank between two equal letters (the ``ll`` of ``all``) stays blank.
        """
        if self.blank_margin <= 0 or len(best) == 0:
            return best, top
        # Rows are softmax outputs, so a runner-up holds at most 1 - p(blank): only blank steps whose
        # blank is weak enough can have one that qualifies. The second argmax over every class, on
        # those steps alone, was the costliest part of decoding when taken on every step.
        limit = max(min(1.0 - self.min_rescued, (1.0 + self.blank_margin) / 2), self.split_blank) + _SOFTMAX_SLACK
        rows = np.flatnonzero((best == 0) & (top <= limit))
        if rows.size == 0:
            return best, top
        blank = top[rows]  # the blank wins these steps
        # Their runner-up: the blank, the best, taken out of a copy of the rows (the copy costs a fraction
        # of slicing the other classes out of them).
        sub = probs[rows]
        sub[:, 0] = -1.0
        second = sub.argmax(axis=1)
        p2 = sub[np.arange(rows.size), second]
        close = (p2 >= self.min_rescued) & (blank - p2 <= self.blank_margin)
        # Weight split among look-alikes; the space is no glyph (word gaps are placed from the image).
        close |= (blank < self.split_blank) & (p2 >= self.min_split) & (second != len(self.classes) - 1)
        padded = np.concatenate(([-1], best, [-1]))
        rescue = close & (padded[rows] != second) & (padded[rows + 2] != second)
        best[rows[rescue]] = second[rescue]  # both arrays are the caller's own, made for this line
        top[rows[rescue]] = p2[rescue]
        return best, top


_LATIN_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Every set of glyphs a character is weighed against.
_WANTED = {*LOOK_ALIKES.values(), "\\", "I", _LATIN_LETTERS, *_SECOND_OF.values()}


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def _tidy_spaces(chars: list[DecodedChar]) -> list[DecodedChar]:
    """Drop leading/trailing/doubled spaces and spaces between CJK characters.

    Chinese text has no word spaces; the model sometimes emits one where
    the glyph gap is wide, which would corrupt the text and its search.
    """
    out: list[DecodedChar] = []
    space = None  # the first space after the last glyph kept
    for c in chars:
        if c.char == " ":
            if out and space is None:
                space = c
            continue
        if space is not None and not (_is_cjk(out[-1].char) and _is_cjk(c.char)):
            out.append(space)
        space = None
        out.append(c)
    return out


def split_words(line: DecodedLine) -> list[tuple[str, float, float, float]]:
    """Words of a line as (text, confidence, start, end) in fractions of its width.

    Words are runs of characters between spaces; a CJK run counts as one
    word (there is no word boundary to find in it).
    """
    words = []
    current: list[DecodedChar] = []
    steps = max(1, line.steps)

    def flush():
        if current:
            text = "".join(c.char for c in current)
            conf = _mean([c.confidence for c in current])
            start = current[0].start / steps
            end = current[-1].end / steps
            words.append((text, conf, start, end))
            current.clear()

    for c in line.chars:
        if c.char == " ":
            flush()
        else:
            current.append(c)
    flush()
    return words
