"""Which pages of a document go into the corpus: a fixed rule and a fixed seed.

A page qualifies when its text layer can serve as truth and it is mostly
running text (the rule, in order; every threshold is a constant below):
1. upright (no /Rotate), and enough usable text: ``MIN_CHARS`` non-space
   characters in lines that are truth;
2. in the document's language: Chinese pages at least ``MIN_CJK_SHARE`` CJK
   characters, English pages none, and English words separated by spaces in
   the text layer (mean word length ≤ ``MAX_MEAN_WORD``);
3. not mostly code or math: monospace characters ≤ ``MAX_MONO_SHARE``, math-font
   characters ≤ ``MAX_MATH_SHARE``;
4. a trustworthy text layer: characters left out (unmapped glyphs, dropped
   lines) ≤ ``MAX_DROPPED_SHARE`` of the page;
5. after rendering, few marks that look like glyphs but are not in the text
   layer (vector-drawn symbols, text inside figures): ≤ ``MAX_UNLABELLED_MARKS``.
The pages of a document are tried in an order shuffled by a generator seeded
with ``seed`` and the document id, and the first ``per_document`` that pass
rules 1–5 are taken (so a 1,000-page manual is not read whole). The same
manifest and seed always give the same pages.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

import pymupdf

from bench.realdocs.truth import Line, is_cjk, page_lines

DEFAULT_SEED = 20261204
MIN_CHARS = {"en": 700, "zh": 300}
MIN_CJK_SHARE = 0.35
MAX_MONO_SHARE = 0.30
MAX_MATH_SHARE = 0.08
MAX_DROPPED_SHARE = 0.05
MAX_UNLABELLED_MARKS = 25
MAX_MEAN_WORD = 12.0  # English: longer "words" on average mean the text layer lost its spaces


@dataclass
class PageText:
    number: int  # 1-based
    lines: list[Line]
    chars: int  # non-space characters in usable lines
    cjk_share: float
    mono_share: float
    math_share: float
    dropped_share: float
    mean_word: float  # non-space characters per space-separated word


def page_text(page: pymupdf.Page) -> PageText:
    lines = page_lines(page)
    usable = [l for l in lines if l.usable]
    text = "".join(l.text.replace(" ", "") for l in usable)
    total = sum(l.chars for l in usable) or 1
    dropped = sum(l.chars + len(l.masked) for l in lines if not l.usable) + sum(len(l.masked) for l in usable)
    return PageText(
        number=page.number + 1, lines=lines, chars=len(text),
        cjk_share=sum(1 for c in text if is_cjk(c)) / max(1, len(text)),
        mono_share=sum(l.mono_chars for l in usable) / total,
        math_share=sum(l.math_chars for l in usable) / total,
        dropped_share=dropped / (total + dropped),
        mean_word=len(text) / max(1, sum(len(l.text.split()) for l in usable)),
    )


def text_rule(page: pymupdf.Page, pt: PageText, lang: str) -> str | None:
    """Rules 1–4: None if the page qualifies, else the first rule it fails."""
    if page.rotation:
        return "rotated"
    if pt.chars < MIN_CHARS[lang]:
        return "too_little_text"
    if lang == "zh" and pt.cjk_share < MIN_CJK_SHARE:
        return "not_chinese"
    if lang == "en" and pt.cjk_share > 0:
        return "not_english"
    if lang == "en" and pt.mean_word > MAX_MEAN_WORD:
        return "no_word_spaces"
    if pt.mono_share > MAX_MONO_SHARE:
        return "mostly_code"
    if pt.math_share > MAX_MATH_SHARE:
        return "math"
    if pt.dropped_share > MAX_DROPPED_SHARE:
        return "unreliable_text_layer"
    return None


def candidate_order(numbers: list[int], doc_id: str, seed: int) -> list[int]:
    """The page numbers in the order they are tried: a shuffle seeded
    by the seed and the document (a string seed is hashed with SHA-512 by
    ``random``, so the order is the same in every process and Python build)."""
    order = sorted(numbers)
    random.Random(f"{seed}/{doc_id}").shuffle(order)
    return order
